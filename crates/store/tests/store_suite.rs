//! One conformance suite for every backend: each test runs on SQLite, and on PostgreSQL when
//! `SEARCHPLANE_TEST_DATABASE_URL` is set (each test on its own schema).

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use domain::catalog::{DEFAULT_CATALOG, ImageStatus};
use domain::cluster::ClusterSettings;
use domain::create::{NewCluster, RoleSpec};
use domain::credentials::{Credentials, PluginPackage};
use domain::store::StoreError;
use domain::{Catalog, Cluster, ClusterStatus, Engine, NodeType, Store};
use store::{PgStore, SqliteStore};

async fn backends(test: &str) -> Vec<(&'static str, Arc<dyn Store>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("db.sqlite"))
        .await
        .unwrap();
    let mut out: Vec<(&'static str, Arc<dyn Store>, Option<tempfile::TempDir>)> =
        vec![("sqlite", Arc::new(sqlite), Some(dir))];
    if let Ok(url) = std::env::var("SEARCHPLANE_TEST_DATABASE_URL") {
        let pg = PgStore::connect_isolated(&url, &format!("store_{test}"))
            .await
            .unwrap();
        out.push(("postgres", Arc::new(pg), None));
    }
    out
}

fn catalog() -> Catalog {
    Catalog::from_toml(DEFAULT_CATALOG).unwrap()
}

fn new_cluster(name: &str, version: &str, project: &str, created_offset_ms: i64) -> Cluster {
    let c = catalog();
    let now = Utc::now() + TimeDelta::milliseconds(created_offset_ms);
    NewCluster {
        name: name.into(),
        engine: Engine::Elasticsearch,
        version: version.parse().unwrap(),
        roles: vec![RoleSpec {
            node_type: NodeType::Data,
            flavor: "ess.spec-4u8g".into(),
            count: 3,
            volume: Some(("COMMON".into(), 40)),
        }],
        availability_zones: vec!["eu-de-01".into()],
        admin_pwd: None,
        settings: ClusterSettings {
            desc: "store test".into(),
            ..Default::default()
        },
    }
    .build(project, &c, now, now + TimeDelta::minutes(5))
}

#[tokio::test]
async fn seeding_is_idempotent_and_keeps_operator_changes() {
    for (name, store, _dir) in backends("seed").await {
        let c = catalog();
        store.seed_catalog(&c).await.unwrap();
        let loaded = store.load_catalog().await.unwrap();
        assert_eq!(loaded.images.len(), c.images.len(), "{name}");
        assert_eq!(loaded.flavors.len(), c.flavors.len(), "{name}");
        assert_eq!(loaded.paths.len(), c.paths.len(), "{name}");
        let victim = c.images[0].id.clone();
        assert!(
            store
                .set_image_status(&victim, ImageStatus::Eos)
                .await
                .unwrap()
        );
        store.replace_paths(&c.paths[..2]).await.unwrap();
        let gen_before = store.catalog_generation().await.unwrap();
        store.seed_catalog(&c).await.unwrap();
        let again = store.load_catalog().await.unwrap();
        assert_eq!(again.images.len(), c.images.len(), "{name}");
        assert_eq!(
            again.image(&victim).unwrap().status,
            ImageStatus::Eos,
            "{name}: eos kept"
        );
        assert_eq!(again.paths.len(), 2, "{name}: replaced paths kept");
        assert_eq!(
            store.catalog_generation().await.unwrap(),
            gen_before,
            "{name}: nothing changed"
        );
        assert!(
            !store
                .set_image_status("nope", ImageStatus::Eos)
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn catalog_writes_bump_the_generation_and_duplicates_conflict() {
    for (name, store, _dir) in backends("catalog_writes").await {
        let c = catalog();
        store.seed_catalog(&c).await.unwrap();
        let g0 = store.catalog_generation().await.unwrap();
        let mut image = c.images[0].clone();
        image.id = "extra".into();
        image.build = "99.0.0".parse().unwrap();
        image.display_name =
            domain::Image::display_name_for(image.version, &image.build, image.release_date);
        store.add_image(&image).await.unwrap();
        let g1 = store.catalog_generation().await.unwrap();
        assert!(g1 > g0, "{name}");
        let err = store.add_image(&image).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{name}: {err:?}");
        assert_eq!(
            store.load_catalog().await.unwrap().image("extra").unwrap(),
            &image,
            "{name}"
        );
        store
            .add_plugin_package(&PluginPackage {
                name: "analysis-x".into(),
                engine: Engine::Elasticsearch,
                version: "7.10.2".parse().unwrap(),
            })
            .await
            .unwrap();
        assert!(store.catalog_generation().await.unwrap() > g1, "{name}");
        assert_eq!(store.plugin_packages().await.unwrap().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn credentials_are_created_once() {
    for (name, store, _dir) in backends("creds").await {
        let first = Credentials {
            project_id: "p1".into(),
            project_name: "eu-de".into(),
            access_key: "AK1".into(),
            secret_key: "SK1".into(),
            user_name: "admin".into(),
            password: "pw".into(),
            admin_token: "tok".into(),
        };
        assert_eq!(
            store.init_credentials(&first).await.unwrap(),
            first,
            "{name}"
        );
        let second = Credentials {
            project_id: "p2".into(),
            access_key: "AK2".into(),
            ..first.clone()
        };
        assert_eq!(
            store.init_credentials(&second).await.unwrap(),
            first,
            "{name}: first start only"
        );
        let ak = store.access_key("AK1").await.unwrap().unwrap();
        assert_eq!(
            (ak.secret_key.as_str(), ak.project_id.as_str()),
            ("SK1", "p1"),
            "{name}"
        );
        assert!(store.access_key("AK2").await.unwrap().is_none(), "{name}");
        assert!(store.is_admin_token("tok").await.unwrap(), "{name}");
        let user = store.user("admin").await.unwrap().unwrap();
        assert_eq!(
            (
                user.password.as_str(),
                user.project_id.as_str(),
                user.project_name.as_str()
            ),
            ("pw", "p1", "eu-de")
        );
        assert!(store.user("nobody").await.unwrap().is_none(), "{name}");
        assert!(!store.is_admin_token("other").await.unwrap(), "{name}");
    }
}

#[tokio::test]
async fn clusters_round_trip_list_newest_first_and_delete() {
    for (name, store, _dir) in backends("clusters").await {
        store.seed_catalog(&catalog()).await.unwrap();
        let a = new_cluster("alpha", "7.6.2", "p", 0);
        let b = new_cluster("bravo", "7.10.2", "p", 10);
        let other = new_cluster("alpha", "7.6.2", "q", 20);
        for c in [&a, &b, &other] {
            store.insert_cluster(c).await.unwrap();
        }
        let got = store.cluster("p", &a.id).await.unwrap().unwrap();
        assert_eq!(got.nodes, a.nodes, "{name}");
        assert_eq!(got.settings, a.settings, "{name}");
        assert_eq!(
            got.created.timestamp_millis(),
            a.created.timestamp_millis(),
            "{name}"
        );
        assert!(
            store.cluster("q", &a.id).await.unwrap().is_none(),
            "{name}: other project"
        );

        let dup = new_cluster("alpha", "7.6.2", "p", 30);
        assert!(
            matches!(
                store.insert_cluster(&dup).await,
                Err(StoreError::Conflict(_))
            ),
            "{name}"
        );
        assert!(
            store.cluster("p", &dup.id).await.unwrap().is_none(),
            "{name}: nothing half-written"
        );

        let page = store.list_clusters("p", None, 0, 10).await.unwrap();
        assert_eq!(page.total, 2, "{name}");
        let names: Vec<_> = page.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["bravo", "alpha"], "{name}: newest first");
        assert_eq!(page.clusters[1].nodes.len(), 3, "{name}");
        let page = store.list_clusters("p", None, 1, 10).await.unwrap();
        assert_eq!((page.total, page.clusters.len()), (2, 1), "{name}");
        let page = store
            .list_clusters("p", Some(Engine::Opensearch), 0, 10)
            .await
            .unwrap();
        assert_eq!((page.total, page.clusters.len()), (0, 0), "{name}");

        assert!(store.delete_cluster("p", &a.id).await.unwrap(), "{name}");
        assert!(!store.delete_cluster("p", &a.id).await.unwrap(), "{name}");
        assert!(store.cluster("p", &a.id).await.unwrap().is_none(), "{name}");
        store.insert_cluster(&dup).await.unwrap();
    }
}

#[tokio::test]
async fn provisioning_completes_when_due() {
    for (name, store, _dir) in backends("provisioning").await {
        store.seed_catalog(&catalog()).await.unwrap();
        let c = new_cluster("alpha", "7.6.2", "p", 0);
        store.insert_cluster(&c).await.unwrap();
        store
            .set_cluster_plugins(&c.id, &["analysis-ik".into()])
            .await
            .unwrap();
        let due = c.ready_at.unwrap();
        assert_eq!(
            store
                .next_provisioning()
                .await
                .unwrap()
                .map(|t| t.timestamp_millis()),
            Some(due.timestamp_millis())
        );
        assert_eq!(
            store
                .complete_provisioning(due - TimeDelta::seconds(1))
                .await
                .unwrap(),
            0,
            "{name}"
        );
        assert_eq!(
            store.cluster("p", &c.id).await.unwrap().unwrap().status,
            ClusterStatus::Creating
        );
        assert_eq!(store.complete_provisioning(due).await.unwrap(), 1, "{name}");
        let got = store.cluster("p", &c.id).await.unwrap().unwrap();
        assert_eq!(got.status, ClusterStatus::Available, "{name}");
        assert!(
            got.nodes
                .iter()
                .all(|n| n.status == ClusterStatus::Available),
            "{name}"
        );
        assert_eq!(got.ready_at, None, "{name}");
        assert_eq!(store.next_provisioning().await.unwrap(), None, "{name}");
        assert_eq!(
            store.cluster_plugins(&c.id).await.unwrap(),
            ["analysis-ik"],
            "{name}"
        );
        store.delete_cluster("p", &c.id).await.unwrap();
        assert!(
            store.cluster_plugins(&c.id).await.unwrap().is_empty(),
            "{name}: plugins go with the cluster"
        );
    }
}

fn task_for(cluster: &Cluster) -> domain::upgrade::UpgradeTask {
    domain::upgrade::UpgradeTask::new(
        domain::upgrade::NewTask {
            id: uuid::Uuid::new_v4().to_string(),
            upgrade_type: domain::UpgradeType::Cross,
            target_image_id: "target".into(),
            agency: "agency".into(),
            batch_size: 1,
        },
        cluster,
        Utc::now(),
    )
}

#[tokio::test]
async fn one_active_task_per_cluster_and_the_cap_hold() {
    for (name, store, _dir) in backends("task_create").await {
        store.seed_catalog(&catalog()).await.unwrap();
        let a = new_cluster("alpha", "7.6.2", "p", 0);
        let b = new_cluster("bravo", "7.6.2", "p", 1);
        store.insert_cluster(&a).await.unwrap();
        store.insert_cluster(&b).await.unwrap();
        use domain::store::CreateTask;
        assert_eq!(
            store.create_task(&task_for(&a), 1).await.unwrap(),
            CreateTask::Created,
            "{name}"
        );
        assert_eq!(
            store.create_task(&task_for(&a), 5).await.unwrap(),
            CreateTask::ClusterBusy,
            "{name}"
        );
        assert_eq!(
            store.create_task(&task_for(&b), 1).await.unwrap(),
            CreateTask::CapReached,
            "{name}"
        );
        assert_eq!(store.active_task_count().await.unwrap(), 1, "{name}");
        let got = store.cluster("p", &a.id).await.unwrap().unwrap();
        assert_eq!(got.actions, ["UPGRADING"], "{name}");
        assert!(
            store
                .cluster("p", &b.id)
                .await
                .unwrap()
                .unwrap()
                .actions
                .is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_lost_lease_fences_the_old_runners_writes() {
    use domain::store::{TaskGuard, TaskWrite};
    for (name, store, _dir) in backends("task_lease").await {
        store.seed_catalog(&catalog()).await.unwrap();
        let c = new_cluster("alpha", "7.6.2", "p", 0);
        store.insert_cluster(&c).await.unwrap();
        let task = task_for(&c);
        store.create_task(&task, 20).await.unwrap();
        let now = Utc::now();
        let (lease_a, stored) = store
            .claim_task("runner-a", now, now + TimeDelta::seconds(10))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.task, task, "{name}");
        assert!(
            store
                .claim_task("runner-b", now, now + TimeDelta::seconds(10))
                .await
                .unwrap()
                .is_none(),
            "{name}: held"
        );
        // Runner A writes a transition while it holds the lease.
        let mut t = stored.task.clone();
        let (node, phase) = t.next_step().unwrap();
        t.start_phase(node, phase, now).unwrap();
        let write = TaskWrite {
            task: &t,
            phase_due: Some(now),
            phase_hung: false,
            upgraded_nodes: &[],
            release_cluster: false,
            consume_fault: None,
            release_lease: false,
        };
        assert!(
            store
                .save_task(&TaskGuard::Lease(lease_a.clone()), &write)
                .await
                .unwrap(),
            "{name}"
        );
        // A's lease expires; B takes over with a higher attempt and sees A's transition.
        let later = now + TimeDelta::seconds(11);
        let (lease_b, seen) = store
            .claim_task("runner-b", later, later + TimeDelta::seconds(10))
            .await
            .unwrap()
            .unwrap();
        assert!(lease_b.attempt > lease_a.attempt, "{name}");
        assert_eq!(seen.task, t, "{name}");
        assert_eq!(
            seen.phase_due.map(|d| d.timestamp_millis()),
            Some(now.timestamp_millis()),
            "{name}"
        );
        // A's late write is refused and changes nothing.
        let mut late = t.clone();
        late.complete_phase(node, phase, later).unwrap();
        let write = TaskWrite {
            task: &late,
            ..write
        };
        assert!(
            !store
                .save_task(&TaskGuard::Lease(lease_a.clone()), &write)
                .await
                .unwrap(),
            "{name}: fenced"
        );
        assert!(!store.renew_lease(&lease_a, later).await.unwrap(), "{name}");
        assert_eq!(
            store.task(&c.id, &t.id).await.unwrap().unwrap().task,
            t,
            "{name}"
        );
        // B's write lands; a stale version write is refused too.
        assert!(
            store
                .save_task(&TaskGuard::Lease(lease_b), &write)
                .await
                .unwrap(),
            "{name}"
        );
        assert!(
            !store
                .save_task(&TaskGuard::Version(0), &write)
                .await
                .unwrap(),
            "{name}"
        );
        let (tasks, total) = store.cluster_tasks(&c.id, 0, 10).await.unwrap();
        assert_eq!((tasks.len(), total), (1, 1), "{name}");
    }
}
