//! The catalog from a terminal: `images list|add` and `paths list` on the operator API (bearer
//! token), `flavors list` on the public ListFlavors.

use anyhow::Context;
use reqwest::Method;
use wire::admin::{AddImageRequest, AdminImage, ListAdminImagesResponse, UpgradePathsBody};
use wire::clusters::ListFlavorsResponse;

use super::http::{Api, ApiVersion, decode};
use super::table::{Table, emit};
use crate::cli::{FlavorsCommand, ImagesCommand, PathsCommand};

/// Runs an `images` verb.
pub async fn run_images(api: &Api, command: ImagesCommand) -> anyhow::Result<()> {
    match command {
        ImagesCommand::List => {
            let raw = api
                .admin(Method::GET, "/admin/v1/images", None)
                .await
                .context("listing images")?;
            let answer: ListAdminImagesResponse = decode(&raw, "image list")?;
            emit(api.output(), &raw, || {
                let mut t = Table::new(&[
                    "ID", "IMAGE", "ENGINE", "VERSION", "BUILD", "RELEASED", "PRIORITY", "STATUS",
                ]);
                for i in &answer.images {
                    t.row(image_row(i));
                }
                t.render()
            });
            Ok(())
        }
        ImagesCommand::Add {
            engine,
            version,
            build,
            release_date,
            desc,
            priority,
            id,
        } => {
            let body = serde_json::to_value(AddImageRequest {
                id,
                datastore_type: engine.as_str().to_owned(),
                datastore_version: version,
                build,
                release_date,
                image_desc: desc,
                priority,
            })
            .context("encoding the image")?;
            let raw = api
                .admin(Method::POST, "/admin/v1/images", Some(&body))
                .await
                .context("adding an image")?;
            let image: AdminImage = decode(&raw, "image")?;
            emit(api.output(), &raw, || {
                format!("added image {} ({})\n", image.display_name, image.id)
            });
            Ok(())
        }
    }
}

fn image_row(i: &AdminImage) -> Vec<String> {
    vec![
        i.id.clone(),
        i.display_name.clone(),
        i.datastore_type.clone(),
        i.datastore_version.clone(),
        i.build.clone(),
        i.release_date.clone(),
        i.priority.to_string(),
        i.status.clone(),
    ]
}

/// Runs a `paths` verb.
pub async fn run_paths(api: &Api, command: PathsCommand) -> anyhow::Result<()> {
    match command {
        PathsCommand::List => {
            let raw = api
                .admin(Method::GET, "/admin/v1/upgrade-paths", None)
                .await
                .context("listing upgrade paths")?;
            let answer: UpgradePathsBody = decode(&raw, "upgrade path list")?;
            emit(api.output(), &raw, || {
                let mut t = Table::new(&["FROM", "", "TO", "KIND"]);
                for p in &answer.upgrade_paths {
                    let kind = if p.source_type == p.target_type {
                        "cross"
                    } else {
                        "cross-engine"
                    };
                    t.row(vec![
                        format!("{} {}", p.source_type, p.source_version),
                        "->".to_owned(),
                        format!("{} {}", p.target_type, p.target_version),
                        kind.to_owned(),
                    ]);
                }
                t.render()
            });
            Ok(())
        }
    }
}

/// Runs a `flavors` verb.
pub async fn run_flavors(api: &Api, command: FlavorsCommand) -> anyhow::Result<()> {
    match command {
        FlavorsCommand::List => {
            let raw = api
                .css(Method::GET, ApiVersion::V1, "/es-flavors", "", None)
                .await
                .context("listing flavors")?;
            let answer: ListFlavorsResponse = decode(&raw, "ListFlavors")?;
            emit(api.output(), &raw, || {
                let mut t = Table::new(&[
                    "VERSION",
                    "NODE TYPE",
                    "FLAVOR",
                    "VCPUS",
                    "RAM GB",
                    "DISK GB",
                    "AZS",
                ]);
                for v in &answer.versions {
                    for f in &v.flavors {
                        t.row(vec![
                            v.version.clone(),
                            v.kind.clone(),
                            f.name.clone(),
                            f.cpu.to_string(),
                            f.ram.to_string(),
                            f.diskrange.replace(',', "-"),
                            f.available_az.clone(),
                        ]);
                    }
                }
                t.render()
            });
            Ok(())
        }
    }
}
