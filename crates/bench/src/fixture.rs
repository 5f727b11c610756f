//! Loading a realistic state through the API, the way operators and users build it up:
//!
//! 0. the projects: the first-start one plus `projects - 1` created through the operator API
//!    (`POST /admin/v1/projects`), each with its own AK/SK; a server without that API gets
//!    everything in its one project, and the run says so;
//! 1. half of the extra images as *older* builds (`21.x.y`, released 2021), so the catalog is
//!    large but new clusters still start on the newest default image;
//! 2. the clusters (`POST /v2.0/{pid}/clusters`, signed by their project's AK/SK), spread
//!    round-robin over the projects and over the nine engine versions of the default catalog,
//!    3–5 data nodes each; every tenth cluster gets custom
//!    plugins, with packages uploaded for some target versions, so ListImages also evaluates
//!    `needUploadUpgradePlugin`;
//! 3. the other half of the extra images as *newer* builds (`26.x.y`), so `same` upgrades have
//!    targets too;
//! 4. waits until every cluster is available (status `200`).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use wire::clusters::CreateClusterResponse;
use wire::images::ListImagesResponse;

use crate::api::{Api, Tenant};

/// The engine versions of the default catalog, `(datastore type, version)`.
pub const VERSIONS: [(&str, &str); 9] = [
    ("elasticsearch", "6.2.3"),
    ("elasticsearch", "6.5.4"),
    ("elasticsearch", "6.8.23"),
    ("elasticsearch", "7.6.2"),
    ("elasticsearch", "7.9.3"),
    ("elasticsearch", "7.10.2"),
    ("opensearch", "1.3.6"),
    ("opensearch", "2.17.1"),
    ("opensearch", "2.19.0"),
];

/// The upgrade types of ListImages.
pub const UPGRADE_TYPES: [&str; 3] = ["same", "cross", "cross-engine"];

/// Requests in flight while loading.
const LOAD_CONCURRENCY: usize = 16;

/// A CreateCluster (v2) body: `nodes` data nodes of `ess.spec-4u8g` in one AZ.
pub fn cluster_body(name: &str, engine: &str, version: &str, nodes: u32) -> Value {
    json!({"cluster": {
        "name": name,
        "datastore": {"type": engine, "version": version},
        "roles": [{"flavorRef": "ess.spec-4u8g", "instanceNum": nodes, "type": "ess",
                   "volume": {"volume_type": "COMMON", "size": 40}}],
        "nics": {"vpcId": "vpc-1", "netId": "net-1", "securityGroupId": "sg-1"},
        "availability_zone": "eu-de-01"
    }})
}

/// What was loaded.
pub struct Fleet {
    /// The projects, the first-start one first.
    pub tenants: Vec<Tenant>,
    /// `(index into tenants, cluster id)`, in creation order.
    pub clusters: Vec<(usize, String)>,
    /// Images in the catalog after loading.
    pub images: usize,
    /// Mean `total_size` of ListImages per upgrade type (over a sample of clusters).
    pub mean_targets: [f64; 3],
}

/// Runs `f` on every item with at most `limit` in flight; the results in item order.
pub async fn for_each_concurrent<T, R, F, Fut>(
    items: Vec<T>,
    limit: usize,
    f: F,
) -> anyhow::Result<Vec<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: Future<Output = anyhow::Result<R>> + Send + 'static,
{
    let mut set = JoinSet::new();
    let mut out: Vec<Option<R>> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        out.push(None);
        if set.len() >= limit {
            let (j, r) = set.join_next().await.context("a task vanished")??;
            out[j] = Some(r?);
        }
        let fut = f(item);
        set.spawn(async move { (i, fut.await) });
    }
    while let Some(done) = set.join_next().await {
        let (j, r) = done?;
        out[j] = Some(r?);
    }
    Ok(out.into_iter().flatten().collect())
}

/// Adds `count` images with builds `<major>.<i/20>.<i%20>` spread over [`VERSIONS`].
async fn add_images(
    api: &Api,
    count: usize,
    major: u32,
    first_date: NaiveDate,
) -> anyhow::Result<()> {
    let items: Vec<usize> = (0..count).collect();
    let api = Arc::new(api.clone());
    for_each_concurrent(items, LOAD_CONCURRENCY, move |i| {
        let api = api.clone();
        async move {
            let (engine, version) = VERSIONS[i % VERSIONS.len()];
            let k = i / VERSIONS.len();
            let date = first_date + chrono::Days::new(k as u64);
            let body = json!({
                "datastoreType": engine,
                "datastoreVersion": version,
                "build": format!("{major}.{}.{}", k / 20, k % 20),
                "releaseDate": date.format("%Y-%m-%d").to_string(),
                "imageDesc": format!("bench image {major}.{k} of {engine} {version}"),
                "priority": i32::try_from(k % 30).unwrap_or(0),
            });
            let reply = api
                .admin(Method::POST, "/admin/v1/images", Some(&body))
                .await?;
            anyhow::ensure!(
                reply.status.as_u16() == 201,
                "adding image {body}: HTTP {} {}",
                reply.status,
                reply.text()
            );
            Ok(())
        }
    })
    .await?;
    Ok(())
}

/// Creates `count - 1` projects besides the first-start one; just the first-start one when the
/// server has no project API (404 `APIG.0101`).
async fn tenants(api: &Api, count: usize) -> anyhow::Result<Vec<Tenant>> {
    let mut out = vec![Tenant::first_start()];
    for i in 1..count {
        let body = json!({"projectName": format!("bench-{i:02}"), "userName": format!("bench-user-{i:02}")});
        let reply = api
            .admin(Method::POST, "/admin/v1/projects", Some(&body))
            .await?;
        if reply.is_no_such_api() {
            eprintln!(
                "warning: this server has no project API (POST /admin/v1/projects): \
                 all clusters go into the first-start project"
            );
            break;
        }
        let p: Value = reply.json().context("creating a project")?;
        let field = |name: &str| {
            p[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no {name} in {p}"))
        };
        out.push(Tenant {
            project_id: field("projectId")?,
            signer: sign::Signer::new(
                field("accessKey")?,
                sign::SecretKey::new(field("secretKey")?),
            ),
        });
    }
    Ok(out)
}

/// Loads the state described in the module docs.
pub async fn load(
    api: &Api,
    projects: usize,
    clusters: usize,
    extra_images: usize,
) -> anyhow::Result<Fleet> {
    let started = Instant::now();
    let tenants = tenants(api, projects.max(1)).await?;
    let apis: Arc<Vec<Api>> = Arc::new(tenants.iter().map(|t| api.as_tenant(t.clone())).collect());
    let older = extra_images / 2;
    add_images(
        api,
        older,
        21,
        NaiveDate::from_ymd_opt(2021, 1, 4).context("date")?,
    )
    .await
    .context("adding older images")?;

    for (engine, version) in VERSIONS.iter().step_by(2) {
        let body =
            json!({"name": "analysis-ik", "datastoreType": engine, "datastoreVersion": version});
        let reply = api
            .admin(Method::POST, "/admin/v1/plugin-packages", Some(&body))
            .await?;
        anyhow::ensure!(
            reply.status.is_success(),
            "uploading a plugin package: HTTP {} {}",
            reply.status,
            reply.text()
        );
    }

    let shared = apis.clone();
    let ids = for_each_concurrent((0..clusters).collect(), LOAD_CONCURRENCY, |i| {
        let apis = shared.clone();
        async move {
            let tenant = i % apis.len();
            let api = &apis[tenant];
            let (engine, version) = VERSIONS[i % VERSIONS.len()];
            let nodes = 3 + (i % 3) as u32;
            let id = create_cluster(api, &format!("bench-{i:05}"), engine, version, nodes).await?;
            if i % 10 == 0 {
                let body = json!({"plugins": ["analysis-ik", "bench-custom-tokenizer"]});
                let reply = api
                    .admin(
                        Method::PUT,
                        &format!("/admin/v1/clusters/{id}/plugins"),
                        Some(&body),
                    )
                    .await?;
                anyhow::ensure!(
                    reply.status.is_success(),
                    "setting plugins: HTTP {} {}",
                    reply.status,
                    reply.text()
                );
            }
            Ok((tenant, id))
        }
    })
    .await
    .context("creating clusters")?;

    add_images(
        api,
        extra_images - older,
        26,
        NaiveDate::from_ymd_opt(2025, 1, 6).context("date")?,
    )
    .await
    .context("adding newer images")?;

    wait_available(&apis, &ids).await?;

    let images = api
        .admin::<()>(Method::GET, "/admin/v1/images", None)
        .await?
        .json::<wire::admin::ListAdminImagesResponse>()?
        .images
        .len();
    let mean_targets = sample_targets(&apis, &ids).await?;
    eprintln!(
        "loaded {} projects, {} clusters and {extra_images} extra images ({images} in the \
         catalog) in {:.1} s",
        tenants.len(),
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Fleet {
        tenants,
        clusters: ids,
        images,
        mean_targets,
    })
}

/// Creates a cluster in `api`'s project and returns its id.
pub async fn create_cluster(
    api: &Api,
    name: &str,
    engine: &str,
    version: &str,
    nodes: u32,
) -> anyhow::Result<String> {
    let body = cluster_body(name, engine, version, nodes);
    let reply = api
        .signed(Method::POST, &api.v2("/clusters"), Some(&body))
        .await?;
    let created: CreateClusterResponse = reply
        .json()
        .with_context(|| format!("creating cluster {name}"))?;
    Ok(created.cluster.id)
}

/// Waits until every cluster, `(index into apis, id)`, reports status `200`
/// (ShowClusterDetail).
pub async fn wait_available(apis: &Arc<Vec<Api>>, ids: &[(usize, String)]) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(300);
    let shared = apis.clone();
    for_each_concurrent(ids.to_vec(), LOAD_CONCURRENCY, move |(tenant, id)| {
        let apis = shared.clone();
        async move {
            let api = &apis[tenant];
            loop {
                let detail: Value = api
                    .signed::<()>(Method::GET, &api.v1(&format!("/clusters/{id}")), None)
                    .await?
                    .json()?;
                if detail["status"] == "200" {
                    return Ok(());
                }
                if Instant::now() > deadline {
                    bail!(
                        "cluster {id} is still in status {} after 300 s",
                        detail["status"]
                    );
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    })
    .await?;
    Ok(())
}

/// Calls ListImages for up to 90 clusters and every type; fails on any non-200 answer.
async fn sample_targets(apis: &[Api], ids: &[(usize, String)]) -> anyhow::Result<[f64; 3]> {
    let mut sums = [0.0; 3];
    let sample: Vec<&(usize, String)> = ids.iter().take(90).collect();
    for (tenant, id) in &sample {
        let api = &apis[*tenant];
        for (t, kind) in UPGRADE_TYPES.iter().enumerate() {
            let path = api.v1(&format!("/clusters/{id}/target/{kind}/images"));
            let reply = api.signed::<()>(Method::GET, &path, None).await?;
            let list: ListImagesResponse =
                reply.json().with_context(|| format!("ListImages {path}"))?;
            sums[t] += list.total_size as f64;
        }
    }
    let n = sample.len().max(1) as f64;
    Ok(sums.map(|s| s / n))
}
