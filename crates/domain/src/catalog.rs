//! The catalog: engine images, node flavors and upgrade paths. It is data (`catalog/default.toml`
//! is loaded at start-up and the operator API changes it at run time), so every entry is
//! validated here before it can be stored: a path that goes down a version, jumps a major version
//! from anything but that major's last minor, or crosses engines other than
//! Elasticsearch 6.8.x–7.10.2 → OpenSearch 1.x is rejected with an error naming the entry.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::version::{Build, Engine, Version};

/// Whether an image may still be chosen as an upgrade target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ImageStatus {
    /// Offered as a target.
    #[default]
    Available,
    /// End of service: kept for clusters already on it, never offered.
    Eos,
}

impl ImageStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageStatus::Available => "available",
            ImageStatus::Eos => "eos",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "available" => Some(ImageStatus::Available),
            "eos" => Some(ImageStatus::Eos),
            _ => None,
        }
    }
}

/// An engine image a node can run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Stable id (UUID text).
    pub id: String,
    /// Engine family.
    pub engine: Engine,
    /// Engine version.
    pub version: Version,
    /// Image build, newer builds compare greater.
    pub build: Build,
    /// Release date; its month and day end the display name.
    pub release_date: NaiveDate,
    /// `<version>_<build>_<MMDD>`, e.g. `7.10.2_24.3.4_0109`.
    pub display_name: String,
    /// Free text shown as `imageDesc`.
    pub description: String,
    /// Larger is more recommended.
    pub priority: i32,
    /// Available or end of service.
    pub status: ImageStatus,
}

impl Image {
    /// The display name CSS uses for an image: `<version>_<build>_<MMDD>`.
    pub fn display_name_for(version: Version, build: &Build, release_date: NaiveDate) -> String {
        format!("{version}_{build}_{}", release_date.format("%m%d"))
    }

    /// Whether the image is offered as a target.
    pub fn is_available(&self) -> bool {
        self.status == ImageStatus::Available
    }
}

/// A node flavor (`ess.spec-4u8g`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flavor {
    /// Stable id.
    pub id: String,
    /// Flavor name, the `flavorRef` of create requests.
    pub name: String,
    /// vCPUs.
    pub cpu: u32,
    /// Memory in GB.
    pub ram: u32,
    /// Smallest data volume in GB.
    pub disk_min: u32,
    /// Largest data volume in GB.
    pub disk_max: u32,
    /// Region the flavor is sold in.
    pub region: String,
    /// Availability zones the flavor is sold in.
    pub availability_zones: Vec<String>,
}

/// A permitted upgrade from one engine version to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UpgradePath {
    /// Engine upgraded from.
    pub source_engine: Engine,
    /// Version upgraded from.
    pub source_version: Version,
    /// Engine upgraded to.
    pub target_engine: Engine,
    /// Version upgraded to.
    pub target_version: Version,
}

impl UpgradePath {
    /// Whether the path changes engine (a `cross-engine` upgrade).
    pub fn is_cross_engine(&self) -> bool {
        self.source_engine != self.target_engine
    }
}

impl fmt::Display for UpgradePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {} {}",
            self.source_engine, self.source_version, self.target_engine, self.target_version
        )
    }
}

/// Why a catalog entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The catalog file could not be parsed.
    #[error("catalog is not valid TOML: {0}")]
    Syntax(String),
    /// An upgrade path breaks a rule.
    #[error("upgrade path {path}: {reason}")]
    BadPath {
        /// The offending path.
        path: UpgradePath,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// An image entry is invalid.
    #[error("image {name}: {reason}")]
    BadImage {
        /// Display name or id of the image.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A flavor entry is invalid.
    #[error("flavor {name}: {reason}")]
    BadFlavor {
        /// Flavor name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// The last minor of each major from which a major upgrade may start (user manual: 6.8, 7.17,
/// OpenSearch 1.3).
const MAJOR_JUMP_SOURCES: [(Engine, u32, u32); 4] = [
    (Engine::Elasticsearch, 5, 6),
    (Engine::Elasticsearch, 6, 8),
    (Engine::Elasticsearch, 7, 17),
    (Engine::Opensearch, 1, 3),
];

/// Checks one upgrade path against the rules of the catalog.
pub fn validate_path(path: &UpgradePath) -> Result<(), CatalogError> {
    let bad = |reason| {
        Err(CatalogError::BadPath {
            path: *path,
            reason,
        })
    };
    let (s, t) = (path.source_version, path.target_version);
    if path.is_cross_engine() {
        // The only cross-engine move CSS describes is Elasticsearch → OpenSearch 1.x, from the
        // releases OpenSearch forked from (6.8 up to 7.10.2).
        let allowed = path.source_engine == Engine::Elasticsearch
            && path.target_engine == Engine::Opensearch
            && s >= Version::new(6, 8, 0)
            && s <= Version::new(7, 10, 2)
            && t.major == 1;
        return if allowed {
            Ok(())
        } else {
            bad("cross-engine upgrades go only from Elasticsearch 6.8.x-7.10.2 to OpenSearch 1.x")
        };
    }
    if t <= s {
        return bad("goes down a version (or stays on it)");
    }
    if t.major > s.major {
        if t.major > s.major + 1 {
            return bad("skips a major version");
        }
        let from_last_minor = MAJOR_JUMP_SOURCES.iter().any(|&(e, major, minor)| {
            e == path.source_engine && major == s.major && minor == s.minor
        });
        if !from_last_minor {
            return bad(
                "crosses a major version from other than the last minor of the previous major",
            );
        }
    }
    Ok(())
}

/// The whole catalog in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Every image, available or not.
    pub images: Vec<Image>,
    /// Every flavor.
    pub flavors: Vec<Flavor>,
    /// Every upgrade path.
    pub paths: Vec<UpgradePath>,
}

impl Catalog {
    /// Parses and validates a catalog file.
    pub fn from_toml(text: &str) -> Result<Catalog, CatalogError> {
        let file: CatalogFile =
            toml::from_str(text).map_err(|e| CatalogError::Syntax(e.to_string()))?;
        let images = file
            .images
            .into_iter()
            .map(|i| {
                let display_name = Image::display_name_for(i.version, &i.build, i.release_date);
                Image {
                    id: i.id,
                    engine: i.engine,
                    version: i.version,
                    build: i.build,
                    release_date: i.release_date,
                    display_name,
                    description: i.description,
                    priority: i.priority,
                    status: i.status,
                }
            })
            .collect();
        let flavors = file
            .flavors
            .into_iter()
            .map(|f| Flavor {
                id: f.id,
                name: f.name,
                cpu: f.cpu,
                ram: f.ram,
                disk_min: f.disk_min,
                disk_max: f.disk_max,
                region: f.region,
                availability_zones: f.availability_zones,
            })
            .collect();
        let catalog = Catalog {
            images,
            flavors,
            paths: file.upgrade_paths,
        };
        catalog.validate()?;
        Ok(catalog)
    }

    /// Checks every entry and the relations between them.
    pub fn validate(&self) -> Result<(), CatalogError> {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for image in &self.images {
            validate_image(image)?;
            if !ids.insert(image.id.as_str()) {
                return Err(CatalogError::BadImage {
                    name: image.id.clone(),
                    reason: "duplicate id".into(),
                });
            }
            if !names.insert((image.engine, image.display_name.as_str())) {
                return Err(CatalogError::BadImage {
                    name: image.display_name.clone(),
                    reason: "duplicate display name".into(),
                });
            }
        }
        let mut flavor_names = HashSet::new();
        for flavor in &self.flavors {
            validate_flavor(flavor)?;
            if !flavor_names.insert(flavor.name.as_str()) {
                return Err(CatalogError::BadFlavor {
                    name: flavor.name.clone(),
                    reason: "duplicate name".into(),
                });
            }
        }
        validate_paths(&self.paths)
    }

    /// The image with this id.
    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    /// The flavor with this name.
    pub fn flavor(&self, name: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.name == name)
    }

    /// The newest available image of an engine version, if any.
    pub fn latest_available(&self, engine: Engine, version: Version) -> Option<&Image> {
        self.images
            .iter()
            .filter(|i| i.engine == engine && i.version == version && i.is_available())
            .max_by(|a, b| {
                a.build
                    .cmp(&b.build)
                    .then(a.release_date.cmp(&b.release_date))
            })
    }

    /// Every engine version that has at least one available image (the versions a cluster can
    /// be created with).
    pub fn creatable_versions(&self) -> Vec<(Engine, Version)> {
        let mut versions: Vec<_> = self
            .images
            .iter()
            .filter(|i| i.is_available())
            .map(|i| (i.engine, i.version))
            .collect();
        versions.sort();
        versions.dedup();
        versions
    }
}

/// Checks a set of upgrade paths: each one's rules, and no duplicates.
pub fn validate_paths(paths: &[UpgradePath]) -> Result<(), CatalogError> {
    let mut seen = HashSet::new();
    for path in paths {
        validate_path(path)?;
        if !seen.insert(*path) {
            return Err(CatalogError::BadPath {
                path: *path,
                reason: "listed twice",
            });
        }
    }
    Ok(())
}

/// Checks one image entry.
pub fn validate_image(image: &Image) -> Result<(), CatalogError> {
    let bad = |reason: &str| {
        Err(CatalogError::BadImage {
            name: if image.display_name.is_empty() {
                image.id.clone()
            } else {
                image.display_name.clone()
            },
            reason: reason.to_owned(),
        })
    };
    if image.id.trim().is_empty() {
        return bad("empty id");
    }
    if image.description.len() > 512 {
        return bad("description longer than 512 bytes");
    }
    if image.display_name
        != Image::display_name_for(image.version, &image.build, image.release_date)
    {
        return bad("display name must be <version>_<build>_<MMDD>");
    }
    Ok(())
}

fn validate_flavor(flavor: &Flavor) -> Result<(), CatalogError> {
    let bad = |reason: &str| {
        Err(CatalogError::BadFlavor {
            name: flavor.name.clone(),
            reason: reason.to_owned(),
        })
    };
    if flavor.cpu == 0 || flavor.ram == 0 {
        return bad("cpu and ram must be positive");
    }
    if flavor.disk_min == 0 || flavor.disk_min > flavor.disk_max {
        return bad("disk range must be min <= max, min > 0");
    }
    if flavor.availability_zones.is_empty() {
        return bad("no availability zone");
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    images: Vec<ImageEntry>,
    #[serde(default)]
    flavors: Vec<FlavorEntry>,
    #[serde(default)]
    upgrade_paths: Vec<UpgradePath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageEntry {
    id: String,
    engine: Engine,
    version: Version,
    build: Build,
    release_date: NaiveDate,
    #[serde(default)]
    description: String,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    status: ImageStatus,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlavorEntry {
    id: String,
    name: String,
    cpu: u32,
    ram: u32,
    disk_min: u32,
    disk_max: u32,
    region: String,
    availability_zones: Vec<String>,
}

/// The catalog shipped with searchplane.
pub const DEFAULT_CATALOG: &str = include_str!("../../../catalog/default.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn path(se: Engine, sv: &str, te: Engine, tv: &str) -> UpgradePath {
        UpgradePath {
            source_engine: se,
            source_version: sv.parse().unwrap(),
            target_engine: te,
            target_version: tv.parse().unwrap(),
        }
    }
    const ES: Engine = Engine::Elasticsearch;
    const OS: Engine = Engine::Opensearch;

    #[test]
    fn the_default_catalog_loads_and_holds_every_documented_version() {
        let c = Catalog::from_toml(DEFAULT_CATALOG).unwrap();
        for (e, v) in [
            (ES, "6.2.3"),
            (ES, "6.5.4"),
            (ES, "6.8.23"),
            (ES, "7.6.2"),
            (ES, "7.9.3"),
            (ES, "7.10.2"),
            (OS, "1.3.6"),
            (OS, "2.17.1"),
            (OS, "2.19.0"),
        ] {
            let builds = c
                .images
                .iter()
                .filter(|i| i.engine == e && i.version == v.parse().unwrap())
                .count();
            assert!(builds >= 2, "{e} {v} has {builds} builds");
        }
        for f in [
            "ess.spec-4u8g",
            "ess.spec-4u16g",
            "ess.spec-4u32g",
            "ess.spec-8u64g",
            "ess.spec-16u128g",
        ] {
            assert!(c.flavor(f).is_some(), "{f} missing");
        }
        assert!(c.paths.contains(&path(ES, "7.10.2", OS, "1.3.6")));
        assert!(!c.paths.contains(&path(OS, "1.3.6", OS, "2.17.1")));
    }

    #[test]
    fn documented_paths_are_legal() {
        for p in [
            path(ES, "6.2.3", ES, "6.5.4"),
            path(ES, "6.2.3", ES, "6.8.23"),
            path(ES, "7.6.2", ES, "7.10.2"),
            path(ES, "7.9.3", ES, "7.10.2"),
            path(OS, "1.3.6", OS, "2.19.0"),
            path(ES, "7.10.2", OS, "1.3.6"),
            path(ES, "6.8.23", ES, "7.10.2"),
            path(ES, "6.8.23", OS, "1.3.6"),
        ] {
            validate_path(&p).unwrap_or_else(|e| panic!("{p} rejected: {e}"));
        }
    }

    #[test]
    fn downgrades_and_sideways_paths_are_rejected() {
        for p in [
            path(ES, "7.10.2", ES, "7.6.2"),
            path(ES, "7.10.2", ES, "7.10.2"),
            path(OS, "2.19.0", OS, "1.3.6"),
        ] {
            assert!(
                matches!(validate_path(&p), Err(CatalogError::BadPath { .. })),
                "{p}"
            );
        }
    }

    #[test]
    fn major_jumps_only_start_from_the_last_minor() {
        assert!(validate_path(&path(ES, "6.5.4", ES, "7.10.2")).is_err());
        assert!(validate_path(&path(ES, "7.10.2", ES, "8.11.0")).is_err());
        assert!(validate_path(&path(ES, "7.17.0", ES, "8.11.0")).is_ok());
        assert!(validate_path(&path(ES, "6.8.23", ES, "8.0.0")).is_err());
        assert!(validate_path(&path(OS, "1.2.4", OS, "2.19.0")).is_err());
    }

    #[test]
    fn cross_engine_paths_are_limited_to_elasticsearch_to_opensearch_one() {
        assert!(validate_path(&path(ES, "7.10.2", OS, "2.19.0")).is_err());
        assert!(validate_path(&path(ES, "7.6.2", OS, "1.3.6")).is_ok());
        assert!(validate_path(&path(ES, "6.5.4", OS, "1.3.6")).is_err());
        assert!(validate_path(&path(OS, "1.3.6", ES, "7.10.2")).is_err());
        assert!(validate_path(&path(Engine::Logstash, "7.10.2", OS, "1.3.6")).is_err());
    }

    #[test]
    fn a_bad_path_in_a_file_is_named_in_the_error() {
        let text = r#"
[[upgrade_paths]]
source_engine = "elasticsearch"
source_version = "7.10.2"
target_engine = "elasticsearch"
target_version = "7.6.2"
"#;
        let err = Catalog::from_toml(text).unwrap_err().to_string();
        assert!(
            err.contains("elasticsearch 7.10.2 -> elasticsearch 7.6.2"),
            "{err}"
        );
        assert!(err.contains("down a version"), "{err}");
    }

    #[test]
    fn duplicate_ids_and_unknown_fields_are_rejected() {
        let image = |id: &str, build: &str| {
            format!(
                "[[images]]\nid = \"{id}\"\nengine = \"elasticsearch\"\nversion = \"7.10.2\"\nbuild = \"{build}\"\nrelease_date = \"2025-01-09\"\n"
            )
        };
        let dup = format!("{}{}", image("a", "24.3.4"), image("a", "24.3.5"));
        assert!(
            Catalog::from_toml(&dup)
                .unwrap_err()
                .to_string()
                .contains("duplicate id")
        );
        let unknown = format!("{}colour = \"red\"\n", image("a", "24.3.4"));
        assert!(matches!(
            Catalog::from_toml(&unknown),
            Err(CatalogError::Syntax(_))
        ));
        let c = Catalog::from_toml(&image("a", "24.3.4")).unwrap();
        assert_eq!(c.images[0].display_name, "7.10.2_24.3.4_0109");
    }

    #[test]
    fn the_latest_available_image_skips_eos_builds() {
        let mut c = Catalog::from_toml(DEFAULT_CATALOG).unwrap();
        let v = "7.10.2".parse().unwrap();
        let newest = c.latest_available(ES, v).unwrap().clone();
        c.images
            .iter_mut()
            .find(|i| i.id == newest.id)
            .unwrap()
            .status = ImageStatus::Eos;
        let next = c.latest_available(ES, v).unwrap();
        assert!(next.build < newest.build);
    }
}
