//! The `Store` operations, written once in portable SQL and instantiated for each backend by
//! [`impl_store!`]. Each operation is one transaction on the backend's writer (or one read on
//! its readers); a unique-constraint violation surfaces as `StoreError::Conflict`.

macro_rules! impl_store {
    ($store:ty, $db:ty, $lock:expr, $notify:expr, $snapshot:expr) => {
        impl $store {
            fn emit(&self, change: domain::store::Change) {
                if let Some(l) = self.listener.get() {
                    l.changed(change);
                }
            }
        }

        #[async_trait::async_trait]
        impl domain::Store for $store {
            fn set_listener(&self, listener: std::sync::Arc<dyn domain::store::ChangeListener>) {
                let _ = self.listener.set(listener);
            }

            async fn seed_catalog(&self, catalog: &domain::Catalog) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let mut changed = false;
                for i in &catalog.images {
                    changed |= insert_image(&mut *tx, i, crate::rows::INSERT_IMAGE_IF_NEW).await?;
                }
                for f in &catalog.flavors {
                    sqlx::query(
                        "INSERT INTO flavors (id, name, cpu, ram, disk_min, disk_max, region, azs)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                    )
                    .bind(&f.id)
                    .bind(&f.name)
                    .bind(i64::from(f.cpu))
                    .bind(i64::from(f.ram))
                    .bind(i64::from(f.disk_min))
                    .bind(i64::from(f.disk_max))
                    .bind(&f.region)
                    .bind(f.availability_zones.join(","))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                let seeded = sqlx::query("INSERT INTO meta (key, value) VALUES ('paths_seeded', 1) ON CONFLICT DO NOTHING")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if seeded.rows_affected() > 0 {
                    for p in &catalog.paths {
                        insert_path(&mut *tx, p).await?;
                    }
                    changed = true;
                }
                if changed {
                    bump_generation(&mut *tx).await?;
                }
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Catalog);
                Ok(())
            }

            async fn load_catalog(&self) -> domain::store::StoreResult<domain::Catalog> {
                use crate::db_err;
                use crate::rows::{FlavorRow, ImageRow, PathRow};
                let images = sqlx::query_as::<_, ImageRow>("SELECT * FROM images ORDER BY engine, version, build")
                    .fetch_all(&self.read)
                    .await
                    .map_err(db_err)?;
                let flavors = sqlx::query_as::<_, FlavorRow>("SELECT * FROM flavors ORDER BY cpu, ram, name")
                    .fetch_all(&self.read)
                    .await
                    .map_err(db_err)?;
                let paths = sqlx::query_as::<_, PathRow>(
                    "SELECT * FROM upgrade_paths ORDER BY source_engine, source_version, target_engine, target_version",
                )
                .fetch_all(&self.read)
                .await
                .map_err(db_err)?;
                Ok(domain::Catalog {
                    images: images.into_iter().map(ImageRow::into_domain).collect::<Result<_, _>>()?,
                    flavors: flavors.into_iter().map(FlavorRow::into_domain).collect::<Result<_, _>>()?,
                    paths: paths.into_iter().map(PathRow::into_domain).collect::<Result<_, _>>()?,
                })
            }

            async fn catalog_generation(&self) -> domain::store::StoreResult<i64> {
                sqlx::query_scalar::<_, i64>("SELECT value FROM meta WHERE key = 'catalog_generation'")
                    .fetch_one(&self.read)
                    .await
                    .map_err(crate::db_err)
            }

            async fn add_image(&self, i: &domain::Image) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                insert_image(&mut *tx, i, crate::rows::INSERT_IMAGE).await?;
                bump_generation(&mut *tx).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Catalog);
                Ok(())
            }

            async fn set_image_status(&self, id: &str, status: domain::ImageStatus) -> domain::store::StoreResult<bool> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let r = sqlx::query("UPDATE images SET status = $1 WHERE id = $2")
                    .bind(status.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                bump_generation(&mut *tx).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Catalog);
                Ok(r.rows_affected() > 0)
            }

            async fn replace_paths(&self, paths: &[domain::UpgradePath]) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query("DELETE FROM upgrade_paths").execute(&mut *tx).await.map_err(db_err)?;
                for p in paths {
                    insert_path(&mut *tx, p).await?;
                }
                bump_generation(&mut *tx).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Catalog);
                Ok(())
            }

            async fn init_credentials(
                &self,
                c: &domain::credentials::Credentials,
            ) -> domain::store::StoreResult<domain::credentials::Credentials> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let existing = sqlx::query_as::<_, (String, String, String, String, String, String, String)>(
                    "SELECT p.id, p.name, k.access_key, k.secret_key, u.name, u.password, t.token
                     FROM projects p
                     JOIN access_keys k ON k.project_id = p.id
                     JOIN users u ON u.project_id = p.id
                     CROSS JOIN admin_tokens t
                     ORDER BY p.id LIMIT 1",
                )
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
                if let Some((project_id, project_name, access_key, secret_key, user_name, password, admin_token)) = existing {
                    return Ok(domain::credentials::Credentials {
                        project_id,
                        project_name,
                        access_key,
                        secret_key,
                        user_name,
                        password,
                        admin_token,
                    });
                }
                let project = domain::credentials::ProjectCredentials {
                    project_id: c.project_id.clone(),
                    project_name: c.project_name.clone(),
                    access_key: c.access_key.clone(),
                    secret_key: c.secret_key.clone(),
                    user_name: c.user_name.clone(),
                    password: c.password.clone(),
                };
                insert_project(&mut *tx, &project).await?;
                sqlx::query("INSERT INTO admin_tokens (token) VALUES ($1)")
                    .bind(&c.admin_token)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(c.clone())
            }

            async fn add_project(&self, p: &domain::credentials::ProjectCredentials) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                insert_project(&mut *tx, p).await?;
                tx.commit().await.map_err(db_err)
            }

            async fn projects(&self) -> domain::store::StoreResult<Vec<(String, String)>> {
                sqlx::query_as::<_, (String, String)>("SELECT id, name FROM projects ORDER BY name, id")
                    .fetch_all(&self.read)
                    .await
                    .map_err(crate::db_err)
            }

            async fn access_key(&self, access_key: &str) -> domain::store::StoreResult<Option<domain::credentials::AccessKey>> {
                let row = sqlx::query_as::<_, (String, String, String)>(
                    "SELECT access_key, secret_key, project_id FROM access_keys WHERE access_key = $1",
                )
                .bind(access_key)
                .fetch_optional(&self.read)
                .await
                .map_err(crate::db_err)?;
                Ok(row.map(|(access_key, secret_key, project_id)| domain::credentials::AccessKey {
                    access_key,
                    secret_key,
                    project_id,
                }))
            }

            async fn user(&self, name: &str) -> domain::store::StoreResult<Option<domain::credentials::User>> {
                let row = sqlx::query_as::<_, (String, String, String, String)>(
                    "SELECT u.name, u.password, p.id, p.name FROM users u JOIN projects p ON p.id = u.project_id
                     WHERE u.name = $1",
                )
                .bind(name)
                .fetch_optional(&self.read)
                .await
                .map_err(crate::db_err)?;
                Ok(row.map(|(name, password, project_id, project_name)| domain::credentials::User {
                    name,
                    password,
                    project_id,
                    project_name,
                }))
            }

            async fn is_admin_token(&self, token: &str) -> domain::store::StoreResult<bool> {
                let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM admin_tokens WHERE token = $1")
                    .bind(token)
                    .fetch_one(&self.read)
                    .await
                    .map_err(crate::db_err)?;
                Ok(n > 0)
            }

            async fn insert_cluster(&self, c: &domain::Cluster) -> domain::store::StoreResult<()> {
                use crate::db_err;
                use crate::rows::millis;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO clusters (id, project_id, name, engine, status, settings, actions, created, updated, ready_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&c.id)
                .bind(&c.project_id)
                .bind(&c.name)
                .bind(c.engine.as_str())
                .bind(c.status.code())
                .bind(serde_json::to_string(&c.settings).map_err(crate::backend)?)
                .bind(serde_json::to_string(&c.actions).map_err(crate::backend)?)
                .bind(millis(c.created))
                .bind(millis(c.updated))
                .bind(c.ready_at.map(millis))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                for (ordinal, n) in c.nodes.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO nodes (id, cluster_id, ordinal, name, node_type, flavor, az, volume_type, volume_size, ip, status, image_id)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(&n.id)
                    .bind(&c.id)
                    .bind(ordinal as i64)
                    .bind(&n.name)
                    .bind(n.node_type.as_str())
                    .bind(&n.flavor)
                    .bind(&n.az)
                    .bind(&n.volume_type)
                    .bind(i64::from(n.volume_size))
                    .bind(&n.ip)
                    .bind(n.status.code())
                    .bind(&n.image_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)
            }

            async fn find_cluster(&self, cluster_id: &str) -> domain::store::StoreResult<Option<domain::Cluster>> {
                use crate::db_err;
                use crate::rows::{ClusterRow, NodeRow};
                // The cluster row and its nodes from one snapshot, so that a concurrent
                // transaction (provisioning, an upgraded node) is seen whole or not at all.
                let mut tx = self.read.begin().await.map_err(db_err)?;
                sqlx::query($snapshot).execute(&mut *tx).await.map_err(db_err)?;
                let Some(row) = sqlx::query_as::<_, ClusterRow>("SELECT * FROM clusters WHERE id = $1")
                    .bind(cluster_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?
                else {
                    return Ok(None);
                };
                let nodes = sqlx::query_as::<_, NodeRow>("SELECT * FROM nodes WHERE cluster_id = $1 ORDER BY ordinal")
                    .bind(cluster_id)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?;
                Ok(crate::rows::assemble(vec![row], nodes)?.pop())
            }

            async fn cluster(&self, project_id: &str, cluster_id: &str) -> domain::store::StoreResult<Option<domain::Cluster>> {
                Ok(self.find_cluster(cluster_id).await?.filter(|c| c.project_id == project_id))
            }

            async fn list_clusters(
                &self,
                project_id: &str,
                engine: Option<domain::Engine>,
                skip: u32,
                limit: u32,
            ) -> domain::store::StoreResult<domain::store::ClusterPage> {
                use crate::db_err;
                use crate::rows::{ClusterRow, NodeRow};
                let engine = engine.map(domain::Engine::as_str);
                // Count, page and nodes from one snapshot (see `find_cluster`).
                let mut tx = self.read.begin().await.map_err(db_err)?;
                sqlx::query($snapshot).execute(&mut *tx).await.map_err(db_err)?;
                let total = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM clusters WHERE project_id = $1 AND ($2 IS NULL OR engine = $2)",
                )
                .bind(project_id)
                .bind(engine)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                let rows = sqlx::query_as::<_, ClusterRow>(
                    "SELECT * FROM clusters WHERE project_id = $1 AND ($2 IS NULL OR engine = $2)
                     ORDER BY created DESC, id DESC LIMIT $3 OFFSET $4",
                )
                .bind(project_id)
                .bind(engine)
                .bind(i64::from(limit))
                .bind(i64::from(skip))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
                let nodes = if rows.is_empty() {
                    Vec::new()
                } else {
                    let placeholders: Vec<String> = (1..=rows.len()).map(|i| format!("${i}")).collect();
                    let sql = format!(
                        "SELECT * FROM nodes WHERE cluster_id IN ({}) ORDER BY cluster_id, ordinal",
                        placeholders.join(", ")
                    );
                    let mut q = sqlx::query_as::<_, NodeRow>(&sql);
                    for r in &rows {
                        q = q.bind(r.id.clone());
                    }
                    q.fetch_all(&mut *tx).await.map_err(db_err)?
                };
                Ok(domain::store::ClusterPage {
                    clusters: crate::rows::assemble(rows, nodes)?,
                    total: u64::try_from(total).unwrap_or(0),
                })
            }

            async fn delete_cluster(&self, project_id: &str, cluster_id: &str) -> domain::store::StoreResult<bool> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let r = sqlx::query("DELETE FROM clusters WHERE id = $1 AND project_id = $2")
                    .bind(cluster_id)
                    .bind(project_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                notify(&mut *tx, &format!("cluster:{cluster_id}")).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Cluster(cluster_id.to_owned()));
                Ok(r.rows_affected() > 0)
            }

            async fn complete_provisioning(&self, now: chrono::DateTime<chrono::Utc>) -> domain::store::StoreResult<u64> {
                use crate::db_err;
                let now = crate::rows::millis(now);
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query(
                    "UPDATE nodes SET status = '200' WHERE cluster_id IN
                     (SELECT id FROM clusters WHERE ready_at IS NOT NULL AND ready_at <= $1)",
                )
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                let r = sqlx::query(
                    "UPDATE clusters SET status = '200', ready_at = NULL, updated = ready_at
                     WHERE ready_at IS NOT NULL AND ready_at <= $1",
                )
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(r.rows_affected())
            }

            async fn next_provisioning(&self) -> domain::store::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
                let next = sqlx::query_scalar::<_, Option<i64>>("SELECT MIN(ready_at) FROM clusters")
                    .fetch_one(&self.read)
                    .await
                    .map_err(crate::db_err)?;
                next.map(crate::rows::from_millis).transpose()
            }

            async fn create_task(
                &self,
                task: &domain::upgrade::UpgradeTask,
                cap: u32,
            ) -> domain::store::StoreResult<domain::store::CreateTask> {
                use crate::db_err;
                use domain::store::CreateTask;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                // Serialises task creation across replicas, so the cap holds under races.
                sqlx::query($lock).execute(&mut *tx).await.map_err(db_err)?;
                let busy = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM upgrade_tasks WHERE active = 1 AND cluster_id = $1",
                )
                .bind(&task.cluster_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
                if busy > 0 {
                    return Ok(CreateTask::ClusterBusy);
                }
                let others = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM upgrade_tasks WHERE active = 1")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
                if others >= i64::from(cap) {
                    return Ok(CreateTask::CapReached);
                }
                let inserted = sqlx::query(
                    "INSERT INTO upgrade_tasks (id, cluster_id, project_id, status, active, body, created)
                     VALUES ($1, $2, $3, $4, 1, $5, $6)",
                )
                .bind(&task.id)
                .bind(&task.cluster_id)
                .bind(&task.project_id)
                .bind(task.status.as_str())
                .bind(crate::rows::task_json(task)?)
                .bind(crate::rows::millis(task.created))
                .execute(&mut *tx)
                .await;
                match inserted {
                    Ok(_) => {}
                    Err(e) => {
                        return match db_err(e) {
                            domain::StoreError::Conflict(_) => Ok(CreateTask::ClusterBusy),
                            other => Err(other),
                        };
                    }
                }
                sqlx::query("UPDATE clusters SET actions = $1, updated = $2 WHERE id = $3")
                    .bind("[\"UPGRADING\"]")
                    .bind(crate::rows::millis(task.created))
                    .bind(&task.cluster_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(CreateTask::Created)
            }

            async fn task(
                &self,
                cluster_id: &str,
                task_id: &str,
            ) -> domain::store::StoreResult<Option<domain::store::StoredTask>> {
                let row = sqlx::query_as::<_, crate::rows::TaskRow>(
                    "SELECT body, version, phase_due, phase_hung FROM upgrade_tasks WHERE id = $1 AND cluster_id = $2",
                )
                .bind(task_id)
                .bind(cluster_id)
                .fetch_optional(&self.write)
                .await
                .map_err(crate::db_err)?;
                row.map(crate::rows::TaskRow::into_domain).transpose()
            }

            async fn cluster_tasks(
                &self,
                cluster_id: &str,
                skip: u32,
                limit: u32,
            ) -> domain::store::StoreResult<(Vec<domain::upgrade::UpgradeTask>, u64)> {
                use crate::db_err;
                let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM upgrade_tasks WHERE cluster_id = $1")
                    .bind(cluster_id)
                    .fetch_one(&self.read)
                    .await
                    .map_err(db_err)?;
                let rows = sqlx::query_as::<_, crate::rows::TaskRow>(
                    "SELECT body, version, phase_due, phase_hung FROM upgrade_tasks WHERE cluster_id = $1
                     ORDER BY created DESC, id DESC LIMIT $2 OFFSET $3",
                )
                .bind(cluster_id)
                .bind(i64::from(limit))
                .bind(i64::from(skip))
                .fetch_all(&self.read)
                .await
                .map_err(db_err)?;
                let tasks = rows
                    .into_iter()
                    .map(|r| r.into_domain().map(|t| t.task))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((tasks, u64::try_from(total).unwrap_or(0)))
            }

            async fn active_task(
                &self,
                cluster_id: &str,
            ) -> domain::store::StoreResult<Option<domain::store::StoredTask>> {
                let row = sqlx::query_as::<_, crate::rows::TaskRow>(
                    "SELECT body, version, phase_due, phase_hung FROM upgrade_tasks WHERE cluster_id = $1 AND active = 1",
                )
                .bind(cluster_id)
                .fetch_optional(&self.read)
                .await
                .map_err(crate::db_err)?;
                row.map(crate::rows::TaskRow::into_domain).transpose()
            }

            async fn active_task_count(&self) -> domain::store::StoreResult<u64> {
                let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM upgrade_tasks WHERE active = 1")
                    .fetch_one(&self.read)
                    .await
                    .map_err(crate::db_err)?;
                Ok(u64::try_from(n).unwrap_or(0))
            }

            async fn claim_task(
                &self,
                owner: &str,
                now: chrono::DateTime<chrono::Utc>,
                until: chrono::DateTime<chrono::Utc>,
            ) -> domain::store::StoreResult<Option<(domain::store::Lease, domain::store::StoredTask)>> {
                use crate::db_err;
                use crate::rows::millis;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                // The WHERE clause is evaluated again under the row lock (PostgreSQL re-checks
                // it after a concurrent update), so two replicas never both claim one task.
                let row = sqlx::query_as::<_, (String, i64, String, i64, Option<i64>, i64)>(
                    "UPDATE upgrade_tasks SET lease_owner = $1, lease_expires = $2, attempt = attempt + 1
                     WHERE id = (SELECT id FROM upgrade_tasks
                                 WHERE active = 1 AND status = 'RUNNING'
                                   AND (lease_owner IS NULL OR lease_expires < $3)
                                 ORDER BY created LIMIT 1)
                       AND active = 1 AND status = 'RUNNING' AND (lease_owner IS NULL OR lease_expires < $3)
                     RETURNING id, attempt, body, version, phase_due, phase_hung",
                )
                .bind(owner)
                .bind(millis(until))
                .bind(millis(now))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                let Some((task_id, attempt, body, version, phase_due, phase_hung)) = row else {
                    return Ok(None);
                };
                let stored = crate::rows::TaskRow { body, version, phase_due, phase_hung }.into_domain()?;
                Ok(Some((
                    domain::store::Lease { task_id, owner: owner.to_owned(), attempt },
                    stored,
                )))
            }

            async fn renew_lease(
                &self,
                lease: &domain::store::Lease,
                until: chrono::DateTime<chrono::Utc>,
            ) -> domain::store::StoreResult<bool> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let r = sqlx::query(
                    "UPDATE upgrade_tasks SET lease_expires = $1 WHERE id = $2 AND lease_owner = $3 AND attempt = $4",
                )
                .bind(crate::rows::millis(until))
                .bind(&lease.task_id)
                .bind(&lease.owner)
                .bind(lease.attempt)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(r.rows_affected() == 1)
            }

            async fn save_task(
                &self,
                guard: &domain::store::TaskGuard,
                w: &domain::store::TaskWrite<'_>,
            ) -> domain::store::StoreResult<bool> {
                use crate::db_err;
                use crate::rows::millis;
                use domain::store::TaskGuard;
                let task = w.task;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let body = crate::rows::task_json(task)?;
                let sql = match guard {
                    TaskGuard::Lease(_) => crate::rows::SAVE_TASK_BY_LEASE,
                    TaskGuard::Version(_) => crate::rows::SAVE_TASK_BY_VERSION,
                };
                let query = sqlx::query(sql)
                    .bind(task.status.as_str())
                    .bind(i64::from(task.is_active()))
                    .bind(body)
                    .bind(w.phase_due.map(millis))
                    .bind(i64::from(w.phase_hung))
                    .bind(i64::from(w.release_lease))
                    .bind(&task.id);
                let query = match guard {
                    TaskGuard::Lease(l) => query.bind(l.owner.clone()).bind(l.attempt),
                    TaskGuard::Version(v) => query.bind(*v),
                };
                let updated = query.execute(&mut *tx).await.map_err(db_err)?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                let now = millis(task.updated);
                for node in w.upgraded_nodes {
                    sqlx::query("UPDATE nodes SET image_id = $1 WHERE id = $2 AND cluster_id = $3")
                        .bind(&task.target_image_id)
                        .bind(node)
                        .bind(&task.cluster_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                if !w.upgraded_nodes.is_empty() || w.release_cluster {
                    let sql = if w.release_cluster {
                        "UPDATE clusters SET updated = $1, actions = '[]' WHERE id = $2"
                    } else {
                        "UPDATE clusters SET updated = $1 WHERE id = $2"
                    };
                    sqlx::query(sql).bind(now).bind(&task.cluster_id).execute(&mut *tx).await.map_err(db_err)?;
                }
                let cluster_changed = !w.upgraded_nodes.is_empty() || w.release_cluster;
                if cluster_changed {
                    notify(&mut *tx, &format!("cluster:{}", task.cluster_id)).await?;
                }
                if let Some(fault) = w.consume_fault {
                    sqlx::query("UPDATE faults SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0")
                        .bind(fault)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                tx.commit().await.map_err(db_err)?;
                if cluster_changed {
                    self.emit(domain::store::Change::Cluster(task.cluster_id.clone()));
                }
                Ok(true)
            }

            async fn cluster_data(
                &self,
                cluster_id: &str,
            ) -> domain::store::StoreResult<Option<domain::upgrade::ClusterData>> {
                let body = sqlx::query_scalar::<_, String>("SELECT body FROM cluster_data WHERE cluster_id = $1")
                    .bind(cluster_id)
                    .fetch_optional(&self.read)
                    .await
                    .map_err(crate::db_err)?;
                body.map(|b| {
                    serde_json::from_str(&b).map_err(|e| domain::StoreError::Corrupt(format!("cluster data: {e}")))
                })
                .transpose()
            }

            async fn set_cluster_data(
                &self,
                cluster_id: &str,
                data: &domain::upgrade::ClusterData,
            ) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let body = serde_json::to_string(data).map_err(crate::backend)?;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO cluster_data (cluster_id, body) VALUES ($1, $2)
                     ON CONFLICT (cluster_id) DO UPDATE SET body = excluded.body",
                )
                .bind(cluster_id)
                .bind(body)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)
            }

            async fn add_snapshot(&self, s: &domain::store::StoredSnapshot) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO snapshots (id, cluster_id, name, description, indices, status, created)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&s.id)
                .bind(&s.cluster_id)
                .bind(&s.snapshot.name)
                .bind(&s.description)
                .bind(serde_json::to_string(&s.snapshot.indices).map_err(crate::backend)?)
                .bind(s.snapshot.status.as_str())
                .bind(crate::rows::millis(s.snapshot.created))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)
            }

            async fn snapshots(&self, cluster_id: &str) -> domain::store::StoreResult<Vec<domain::store::StoredSnapshot>> {
                let rows = sqlx::query_as::<_, crate::rows::SnapshotRow>(
                    "SELECT id, cluster_id, name, description, indices, status, created FROM snapshots
                     WHERE cluster_id = $1 ORDER BY created DESC, id DESC",
                )
                .bind(cluster_id)
                .fetch_all(&self.read)
                .await
                .map_err(crate::db_err)?;
                rows.into_iter().map(crate::rows::SnapshotRow::into_domain).collect()
            }

            async fn add_fault(&self, f: &domain::store::Fault) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO faults (id, cluster_id, node, phase, action, remaining, created)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&f.id)
                .bind(&f.cluster_id)
                .bind(&f.node)
                .bind(i64::from(f.phase))
                .bind(f.action.as_str())
                .bind(i64::from(f.remaining))
                .bind(chrono::Utc::now().timestamp_millis())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                tx.commit().await.map_err(db_err)
            }

            async fn faults(&self) -> domain::store::StoreResult<Vec<domain::store::Fault>> {
                let rows = sqlx::query_as::<_, crate::rows::FaultRow>(
                    "SELECT id, cluster_id, node, phase, action, remaining FROM faults WHERE remaining > 0 ORDER BY created, id",
                )
                .fetch_all(&self.read)
                .await
                .map_err(crate::db_err)?;
                rows.into_iter().map(crate::rows::FaultRow::into_domain).collect()
            }

            async fn find_fault(
                &self,
                cluster_id: &str,
                node: &str,
                phase: u32,
            ) -> domain::store::StoreResult<Option<domain::store::Fault>> {
                let row = sqlx::query_as::<_, crate::rows::FaultRow>(
                    "SELECT id, cluster_id, node, phase, action, remaining FROM faults
                     WHERE cluster_id = $1 AND phase = $2 AND remaining > 0 AND (node IS NULL OR node = $3)
                     ORDER BY created, id LIMIT 1",
                )
                .bind(cluster_id)
                .bind(i64::from(phase))
                .bind(node)
                .fetch_optional(&self.write)
                .await
                .map_err(crate::db_err)?;
                row.map(crate::rows::FaultRow::into_domain).transpose()
            }

            async fn delete_fault(&self, id: &str) -> domain::store::StoreResult<bool> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                let r = sqlx::query("DELETE FROM faults WHERE id = $1").bind(id).execute(&mut *tx).await.map_err(db_err)?;
                tx.commit().await.map_err(db_err)?;
                Ok(r.rows_affected() > 0)
            }

            async fn set_cluster_plugins(&self, cluster_id: &str, plugins: &[String]) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query("DELETE FROM cluster_plugins WHERE cluster_id = $1")
                    .bind(cluster_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                for p in plugins {
                    sqlx::query("INSERT INTO cluster_plugins (cluster_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(cluster_id)
                        .bind(p)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
                notify(&mut *tx, &format!("cluster:{cluster_id}")).await?;
                bump_generation(&mut *tx).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Cluster(cluster_id.to_owned()));
                Ok(())
            }

            async fn cluster_plugins(&self, cluster_id: &str) -> domain::store::StoreResult<Vec<String>> {
                sqlx::query_scalar::<_, String>("SELECT name FROM cluster_plugins WHERE cluster_id = $1 ORDER BY name")
                    .bind(cluster_id)
                    .fetch_all(&self.read)
                    .await
                    .map_err(crate::db_err)
            }

            async fn add_plugin_package(&self, p: &domain::credentials::PluginPackage) -> domain::store::StoreResult<()> {
                use crate::db_err;
                let mut tx = self.write.begin().await.map_err(db_err)?;
                sqlx::query("INSERT INTO plugin_packages (name, engine, version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(&p.name)
                    .bind(p.engine.as_str())
                    .bind(p.version.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                bump_generation(&mut *tx).await?;
                tx.commit().await.map_err(db_err)?;
                self.emit(domain::store::Change::Catalog);
                Ok(())
            }

            async fn plugin_packages(&self) -> domain::store::StoreResult<Vec<domain::credentials::PluginPackage>> {
                let rows = sqlx::query_as::<_, crate::rows::PackageRow>(
                    "SELECT name, engine, version FROM plugin_packages ORDER BY name, engine, version",
                )
                .fetch_all(&self.read)
                .await
                .map_err(crate::db_err)?;
                rows.into_iter().map(crate::rows::PackageRow::into_domain).collect()
            }
        }

        async fn insert_path(
            conn: &mut <$db as sqlx::Database>::Connection,
            p: &domain::UpgradePath,
        ) -> domain::store::StoreResult<()> {
            sqlx::query(
                "INSERT INTO upgrade_paths (source_engine, source_version, target_engine, target_version)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(p.source_engine.as_str())
            .bind(p.source_version.to_string())
            .bind(p.target_engine.as_str())
            .bind(p.target_version.to_string())
            .execute(conn)
            .await
            .map_err(crate::db_err)?;
            Ok(())
        }

        async fn bump_generation(conn: &mut <$db as sqlx::Database>::Connection) -> domain::store::StoreResult<()> {
            sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'catalog_generation'")
                .execute(&mut *conn)
                .await
                .map_err(crate::db_err)?;
            notify(conn, "catalog").await
        }

        /// Inserts an image with `sql` ([`crate::rows::INSERT_IMAGE`] or its if-new variant);
        /// true if a row was written.
        async fn insert_image(
            conn: &mut <$db as sqlx::Database>::Connection,
            i: &domain::Image,
            sql: &'static str,
        ) -> domain::store::StoreResult<bool> {
            let r = sqlx::query(sql)
                .bind(&i.id)
                .bind(i.engine.as_str())
                .bind(i.version.to_string())
                .bind(i.build.to_string())
                .bind(i.release_date.to_string())
                .bind(&i.display_name)
                .bind(&i.description)
                .bind(i64::from(i.priority))
                .bind(i.status.as_str())
                .execute(conn)
                .await
                .map_err(crate::db_err)?;
            Ok(r.rows_affected() > 0)
        }

        /// Inserts a project with its access key and Keystone user.
        async fn insert_project(
            conn: &mut <$db as sqlx::Database>::Connection,
            p: &domain::credentials::ProjectCredentials,
        ) -> domain::store::StoreResult<()> {
            use crate::db_err;
            sqlx::query("INSERT INTO projects (id, name) VALUES ($1, $2)")
                .bind(&p.project_id)
                .bind(&p.project_name)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            sqlx::query("INSERT INTO access_keys (access_key, secret_key, project_id) VALUES ($1, $2, $3)")
                .bind(&p.access_key)
                .bind(&p.secret_key)
                .bind(&p.project_id)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            sqlx::query("INSERT INTO users (name, password, project_id) VALUES ($1, $2, $3)")
                .bind(&p.user_name)
                .bind(&p.password)
                .bind(&p.project_id)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            Ok(())
        }

        /// Tells other replicas (PostgreSQL `NOTIFY`, delivered on commit) what changed.
        async fn notify(conn: &mut <$db as sqlx::Database>::Connection, payload: &str) -> domain::store::StoreResult<()> {
            sqlx::query($notify).bind(payload).execute(conn).await.map_err(crate::db_err)?;
            Ok(())
        }
    };
}

pub(crate) use impl_store;
