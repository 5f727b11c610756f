//! `searchplane clusters create|list|show|delete`, and [`resolve`], which turns the CLUSTER
//! argument every command takes (an id or a unique name) into a cluster.

use std::time::Duration;

use anyhow::Context;
use reqwest::Method;
use serde_json::Value;
use wire::clusters::{
    ClusterDetail, CreateClusterBody, CreateClusterRequest, CreateClusterResponse, Datastore,
    ListClustersResponse, Nics, RoleSpec, VolumeSpec,
};

use super::error::{Failure, RemoteError};
use super::http::{Answer, Api, ApiVersion, decode, seg};
use super::table::{Table, emit, key_values, or_dash};
use crate::cli::{ClustersCommand, CreateArgs, Engine};

/// The largest page ListClusters serves.
const PAGE: u32 = 1000;

/// Runs a `clusters` verb.
pub async fn run(api: &Api, command: ClustersCommand) -> anyhow::Result<()> {
    match command {
        ClustersCommand::List { engine } => list(api, engine).await,
        ClustersCommand::Show { cluster } => show(api, &cluster).await,
        ClustersCommand::Create(args) => create(api, &args).await,
        ClustersCommand::Delete { cluster } => delete(api, &cluster).await,
    }
}

async fn list_page(api: &Api, engine: Option<Engine>) -> anyhow::Result<Answer> {
    let mut query = format!("offset=1&limit={PAGE}");
    if let Some(e) = engine {
        query.push_str(&format!("&datastoreType={}", e.as_str()));
    }
    api.css(Method::GET, ApiVersion::V1, "/clusters", &query, None)
        .await
        .context("listing clusters")
}

/// Finds a cluster by id, else by name. An unknown argument and a name several clusters share
/// are errors that say so.
pub async fn resolve(api: &Api, arg: &str) -> anyhow::Result<ClusterDetail> {
    let raw = list_page(api, None).await?;
    let page: ListClustersResponse = decode(&raw, "ListClusters")?;
    if let Some(c) = pick(&page.clusters, arg)? {
        return Ok(c.clone());
    }
    // Only the first page was searched; a larger project may still hold the id.
    if page.total_size > page.clusters.len() as u64 {
        match show_raw(api, arg).await {
            Ok(v) => return decode(&v, "ShowClusterDetail"),
            Err(e) if !is_not_found(&e) => return Err(e),
            Err(_) => {}
        }
    }
    Err(Failure::NotFound(format!("no cluster with id or name {arg:?}")).into())
}

/// The cluster whose id is `arg`, else the only one named `arg`.
fn pick<'c>(
    clusters: &'c [ClusterDetail],
    arg: &str,
) -> Result<Option<&'c ClusterDetail>, Failure> {
    if let Some(c) = clusters.iter().find(|c| c.id == arg) {
        return Ok(Some(c));
    }
    let named: Vec<&ClusterDetail> = clusters.iter().filter(|c| c.name == arg).collect();
    match named.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let ids: Vec<&str> = many.iter().map(|c| c.id.as_str()).collect();
            Err(Failure::Usage(format!(
                "cluster name {arg:?} is ambiguous: {} clusters have it ({}); pass the id",
                many.len(),
                ids.join(", ")
            )))
        }
    }
}

fn is_not_found(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<RemoteError>())
        .any(|r| r.status == 404 || r.code == "CSS.0047")
}

async fn show_raw(api: &Api, id: &str) -> anyhow::Result<Answer> {
    api.css(
        Method::GET,
        ApiVersion::V1,
        &format!("/clusters/{}", seg(id)),
        "",
        None,
    )
    .await
    .with_context(|| format!("showing cluster {id}"))
}

/// The status word for a cluster or node status code.
pub fn status_word(code: &str) -> String {
    match code {
        "100" => "creating".to_owned(),
        "200" => "available".to_owned(),
        "303" => "unavailable".to_owned(),
        other => other.to_owned(),
    }
}

fn actions(c: &ClusterDetail) -> String {
    if c.actions.is_empty() {
        return "-".to_owned();
    }
    c.actions
        .iter()
        .map(|a| match c.action_progress.get(a) {
            Some(p) => format!("{a} {p}"),
            None => a.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list(api: &Api, engine: Option<Engine>) -> anyhow::Result<()> {
    let raw = list_page(api, engine).await?;
    let page: ListClustersResponse = decode(&raw, "ListClusters")?;
    emit(api.output(), &raw, || {
        if page.clusters.is_empty() {
            return "no clusters\n".to_owned();
        }
        let mut t = Table::new(&[
            "ID", "NAME", "ENGINE", "VERSION", "IMAGE", "STATUS", "NODES", "ACTIONS", "CREATED",
        ]);
        for c in &page.clusters {
            t.row(vec![
                c.id.clone(),
                c.name.clone(),
                c.datastore.kind.clone(),
                c.datastore.version.clone(),
                or_dash(&c.datastore.sub_version),
                status_word(&c.status),
                c.instances.len().to_string(),
                actions(c),
                c.created.clone(),
            ]);
        }
        let mut out = t.render();
        if page.total_size > page.clusters.len() as u64 {
            out.push_str(&format!(
                "({} of {} clusters shown)\n",
                page.clusters.len(),
                page.total_size
            ));
        }
        out
    });
    Ok(())
}

async fn show(api: &Api, arg: &str) -> anyhow::Result<()> {
    let id = resolve(api, arg).await?.id;
    let raw = show_raw(api, &id).await?;
    let c: ClusterDetail = decode(&raw, "ShowClusterDetail")?;
    emit(api.output(), &raw, || render_detail(&c));
    Ok(())
}

fn render_detail(c: &ClusterDetail) -> String {
    let mut pairs = vec![
        ("id", c.id.clone()),
        ("name", c.name.clone()),
        (
            "status",
            format!("{} ({})", status_word(&c.status), c.status),
        ),
        (
            "engine",
            format!("{} {}", c.datastore.kind, c.datastore.version),
        ),
        ("image", or_dash(&c.datastore.sub_version)),
        ("actions", actions(c)),
        ("endpoint", or_dash(&c.endpoint)),
        ("created", c.created.clone()),
        ("updated", c.updated.clone()),
        ("https", c.https_enable.to_string()),
        ("security mode", c.authority_enable.to_string()),
    ];
    if c.datastore.is_eos_cluster {
        pairs.push(("end of service", "yes".to_owned()));
    }
    if !c.desc.is_empty() {
        pairs.push(("description", c.desc.clone()));
    }
    if let Some(f) = &c.failed_reason {
        pairs.push(("failed", format!("{}: {}", f.error_code, f.error_msg)));
    }
    let mut out = key_values(&pairs);
    out.push('\n');
    let mut t = Table::new(&["NODE", "TYPE", "STATUS", "FLAVOR", "AZ", "IP", "VOLUME"]);
    for n in &c.instances {
        t.row(vec![
            n.name.clone(),
            n.kind.clone(),
            status_word(&n.status),
            n.spec_code.clone(),
            n.az_code.clone(),
            or_dash(&n.ip),
            format!("{} {} GB", n.volume.kind, n.volume.size),
        ]);
    }
    out.push_str(&t.render());
    out
}

fn create_body(a: &CreateArgs) -> CreateClusterRequest {
    let volume = || {
        Some(VolumeSpec {
            volume_type: a.volume_type.clone(),
            size: a.volume_size,
        })
    };
    let mut roles = vec![RoleSpec {
        flavor_ref: a.flavor.clone(),
        volume: volume(),
        kind: "ess".to_owned(),
        instance_num: a.nodes,
    }];
    for (kind, count) in [
        ("ess-master", a.masters),
        ("ess-client", a.clients),
        ("ess-cold", a.cold),
    ] {
        if let Some(n) = count {
            roles.push(RoleSpec {
                flavor_ref: a.role_flavor.clone(),
                volume: volume(),
                kind: kind.to_owned(),
                instance_num: n,
            });
        }
    }
    CreateClusterRequest {
        cluster: CreateClusterBody {
            name: Some(a.name.clone()),
            desc: a.desc.clone(),
            datastore: Some(Datastore {
                version: a.version.clone(),
                kind: a.engine.as_str().to_owned(),
            }),
            roles: Some(roles),
            nics: Some(Nics {
                vpc_id: a.vpc_id.clone(),
                net_id: a.subnet_id.clone(),
                security_group_id: a.security_group_id.clone(),
            }),
            availability_zone: Some(a.az.clone()),
            https_enable: a.https.then_some(true),
            authority_enable: a.admin_password.is_some().then_some(true),
            admin_pwd: a.admin_password.clone(),
            ..CreateClusterBody::default()
        },
    }
}

async fn create(api: &Api, a: &CreateArgs) -> anyhow::Result<()> {
    let mut body = serde_json::to_value(create_body(a)).context("encoding the cluster")?;
    // Unset optional fields are left out, as the official SDKs do, rather than sent as null.
    strip_nulls(&mut body);
    let raw = api
        .css(Method::POST, ApiVersion::V2, "/clusters", "", Some(&body))
        .await
        .with_context(|| format!("creating cluster {}", a.name))?;
    let created: CreateClusterResponse = decode(&raw, "CreateCluster")?;
    let (id, name) = (created.cluster.id, created.cluster.name);
    if a.wait {
        wait_available(api, &id, &name).await?;
    }
    emit(api.output(), &raw, || {
        if a.wait {
            format!("created cluster {name} ({id}); it is available\n")
        } else {
            format!(
                "created cluster {name} ({id}); it is being provisioned \
                 (see `searchplane clusters show {name}`)\n"
            )
        }
    });
    Ok(())
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

async fn wait_available(api: &Api, id: &str, name: &str) -> anyhow::Result<()> {
    loop {
        let c: ClusterDetail = decode(&show_raw(api, id).await?, "ShowClusterDetail")?;
        match c.status.as_str() {
            "200" => return Ok(()),
            "303" => {
                let why = c
                    .failed_reason
                    .map(|f| format!("{}: {}", f.error_code, f.error_msg))
                    .unwrap_or_else(|| "no reason given".to_owned());
                anyhow::bail!("cluster {name} ({id}) became unavailable: {why}");
            }
            _ => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

async fn delete(api: &Api, arg: &str) -> anyhow::Result<()> {
    let c = resolve(api, arg).await?;
    let raw = api
        .css(
            Method::DELETE,
            ApiVersion::V1,
            &format!("/clusters/{}", seg(&c.id)),
            "",
            None,
        )
        .await
        .with_context(|| format!("deleting cluster {}", c.name))?;
    emit(api.output(), &raw, || {
        format!("deleted cluster {} ({})\n", c.name, c.id)
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str, name: &str) -> ClusterDetail {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "status": "200",
            "datastore": {"type": "elasticsearch", "version": "7.10.2", "subVersion": "",
                          "isEosCluster": false, "supportSecuritymode": true},
            "instances": [], "endpoint": "", "created": "", "updated": "", "actions": [],
            "actionProgress": {}, "vpcId": "", "subnetId": "", "securityGroupId": "",
            "httpsEnable": false, "authorityEnable": false, "diskEncrypted": false,
            "backupAvailable": false, "tags": [], "desc": ""
        }))
        .unwrap()
    }

    #[test]
    fn a_cluster_is_picked_by_id_first_then_by_a_unique_name() {
        let all = [
            cluster("id-1", "logs"),
            cluster("id-2", "id-1"),
            cluster("id-3", "twin"),
            cluster("id-4", "twin"),
        ];
        assert_eq!(pick(&all, "id-1").unwrap().unwrap().name, "logs");
        assert_eq!(pick(&all, "logs").unwrap().unwrap().id, "id-1");
        assert!(pick(&all, "nothing").unwrap().is_none());
        let err = pick(&all, "twin").unwrap_err().to_string();
        assert!(
            err.contains("ambiguous") && err.contains("id-3, id-4"),
            "{err}"
        );
    }

    #[test]
    fn extra_roles_are_sent_only_when_asked_for() {
        use clap::Parser;
        #[derive(Parser)]
        struct T {
            #[command(flatten)]
            a: CreateArgs,
        }
        let t = T::parse_from(["t", "logs", "--version", "7.6.2", "--masters", "3"]);
        let v = serde_json::to_value(create_body(&t.a)).unwrap();
        let roles = v["cluster"]["roles"].as_array().unwrap();
        assert_eq!(roles.len(), 2);
        assert_eq!(roles[0]["type"], "ess");
        assert_eq!(roles[0]["instanceNum"], 3);
        assert_eq!(roles[1]["type"], "ess-master");
        assert_eq!(v["cluster"]["datastore"]["type"], "elasticsearch");
        let mut v = v;
        strip_nulls(&mut v);
        assert!(v["cluster"].get("adminPwd").is_none());
        assert!(v["cluster"].get("instance").is_none());
    }
}
