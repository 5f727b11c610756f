//! Target-image selection, the rules behind ListImages
//! (`GET …/clusters/{cluster_id}/target/{upgrade_type}/images`):
//!
//! - `same`: the newest available build of the cluster's own version, if newer than its build;
//! - `cross`: for each same-engine upgrade path from the cluster's version, the newest available
//!   build of the target version;
//! - `cross-engine`: the same over the cross-engine paths.
//!
//! Results are ordered by priority, then version, both descending. When the list is empty, the
//! reasons say why (returned with `?explain=true`).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::catalog::{Catalog, Image};
use crate::version::{Build, Engine, ParseError, Version};

/// The kind of upgrade a client asks targets for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpgradeType {
    /// Newer build of the same version.
    Same,
    /// Newer version of the same engine.
    Cross,
    /// Another engine (Elasticsearch → OpenSearch).
    CrossEngine,
}

impl UpgradeType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeType::Same => "same",
            UpgradeType::Cross => "cross",
            UpgradeType::CrossEngine => "cross-engine",
        }
    }
}

impl fmt::Display for UpgradeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UpgradeType {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "same" => Ok(UpgradeType::Same),
            "cross" => Ok(UpgradeType::Cross),
            "cross-engine" => Ok(UpgradeType::CrossEngine),
            _ => Err(ParseError(format!(
                "upgrade_type must be one of same, cross, cross-engine, not {s:?}"
            ))),
        }
    }
}

/// Why a selection came back (partly) empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnavailableReason {
    /// The cluster already runs the newest build of its version.
    AlreadyLatest,
    /// No upgrade path leads away from the cluster's version for this type.
    NoUpgradePath,
    /// Paths exist, but every image of their targets is end-of-service.
    TargetImagesEos,
    /// Paths exist, but the catalog has no image of their target versions.
    NoTargetImages,
    /// The cluster's engine cannot change engine.
    CrossEngineNotAllowed,
    /// The cluster's nodes run images the catalog does not know.
    UnknownCurrentImage,
}

/// What the cluster is judged by when choosing targets.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    /// Engine.
    pub engine: Engine,
    /// Lowest version any node runs.
    pub version: Version,
    /// Build of that image.
    pub build: &'a Build,
}

/// The outcome of target selection, before paging.
#[derive(Debug, Clone, Default)]
pub struct TargetSelection<'c> {
    /// Targets, in answer order.
    pub images: Vec<&'c Image>,
    /// Why there are no (more) targets; empty when the list is not empty.
    pub reasons: Vec<UnavailableReason>,
}

/// Chooses the upgrade targets of a cluster.
pub fn select<'c>(
    catalog: &'c Catalog,
    current: Current<'_>,
    kind: UpgradeType,
) -> TargetSelection<'c> {
    let mut sel = TargetSelection::default();
    match kind {
        UpgradeType::Same => {
            let newer = |i: &&Image| {
                i.engine == current.engine
                    && i.version == current.version
                    && i.build > *current.build
            };
            match catalog.latest_available(current.engine, current.version) {
                Some(latest) if latest.build > *current.build => sel.images.push(latest),
                _ if catalog.images.iter().any(|i| newer(&i)) => {
                    sel.reasons.push(UnavailableReason::TargetImagesEos);
                }
                _ => sel.reasons.push(UnavailableReason::AlreadyLatest),
            }
        }
        UpgradeType::Cross | UpgradeType::CrossEngine => {
            let cross_engine = kind == UpgradeType::CrossEngine;
            if cross_engine && current.engine != Engine::Elasticsearch {
                sel.reasons.push(UnavailableReason::CrossEngineNotAllowed);
                return sel;
            }
            let mut targets: Vec<(Engine, Version)> = catalog
                .paths
                .iter()
                .filter(|p| {
                    p.source_engine == current.engine
                        && p.source_version == current.version
                        && p.is_cross_engine() == cross_engine
                })
                .map(|p| (p.target_engine, p.target_version))
                .collect();
            targets.sort();
            targets.dedup();
            if targets.is_empty() {
                sel.reasons.push(UnavailableReason::NoUpgradePath);
            }
            for (engine, version) in targets {
                match catalog.latest_available(engine, version) {
                    Some(image) => sel.images.push(image),
                    None if catalog
                        .images
                        .iter()
                        .any(|i| i.engine == engine && i.version == version) =>
                    {
                        sel.reasons.push(UnavailableReason::TargetImagesEos);
                    }
                    None => sel.reasons.push(UnavailableReason::NoTargetImages),
                }
            }
            sel.reasons.dedup();
        }
    }
    sel.images
        .sort_by(|a, b| b.priority.cmp(&a.priority).then(b.version.cmp(&a.version)));
    if !sel.images.is_empty() {
        sel.reasons.clear();
    }
    sel
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DEFAULT_CATALOG, ImageStatus, UpgradePath};
    use chrono::NaiveDate;

    const ES: Engine = Engine::Elasticsearch;
    const OS: Engine = Engine::Opensearch;

    fn catalog() -> Catalog {
        Catalog::from_toml(DEFAULT_CATALOG).unwrap()
    }

    fn oldest(c: &Catalog, e: Engine, v: &str) -> Image {
        c.images
            .iter()
            .filter(|i| i.engine == e && i.version == v.parse().unwrap())
            .min_by(|a, b| a.build.cmp(&b.build))
            .unwrap()
            .clone()
    }

    fn targets(c: &Catalog, from: &Image, kind: UpgradeType) -> Vec<String> {
        let cur = Current {
            engine: from.engine,
            version: from.version,
            build: &from.build,
        };
        select(c, cur, kind)
            .images
            .iter()
            .map(|i| format!("{} {}", i.engine, i.version))
            .collect()
    }

    #[test]
    fn every_documented_cross_path_is_offered() {
        let c = catalog();
        let mut t = targets(&c, &oldest(&c, ES, "6.2.3"), UpgradeType::Cross);
        t.sort();
        assert_eq!(t, ["elasticsearch 6.5.4", "elasticsearch 6.8.23"]);
        assert_eq!(
            targets(&c, &oldest(&c, ES, "7.6.2"), UpgradeType::Cross),
            ["elasticsearch 7.10.2"]
        );
        assert_eq!(
            targets(&c, &oldest(&c, ES, "7.9.3"), UpgradeType::Cross),
            ["elasticsearch 7.10.2"]
        );
        assert_eq!(
            targets(&c, &oldest(&c, OS, "1.3.6"), UpgradeType::Cross),
            ["opensearch 2.19.0"]
        );
        assert!(targets(&c, &oldest(&c, ES, "7.10.2"), UpgradeType::Cross).is_empty());
        assert!(targets(&c, &oldest(&c, OS, "2.19.0"), UpgradeType::Cross).is_empty());
    }

    #[test]
    fn opensearch_1_3_6_is_never_offered_2_17_1() {
        let c = catalog();
        let t = targets(&c, &oldest(&c, OS, "1.3.6"), UpgradeType::Cross);
        assert!(!t.contains(&"opensearch 2.17.1".to_owned()));
    }

    #[test]
    fn cross_engine_goes_from_elasticsearch_7_10_2_to_opensearch_1_3_6_only() {
        let c = catalog();
        assert_eq!(
            targets(&c, &oldest(&c, ES, "7.10.2"), UpgradeType::CrossEngine),
            ["opensearch 1.3.6"]
        );
        assert!(targets(&c, &oldest(&c, ES, "7.6.2"), UpgradeType::CrossEngine).is_empty());
        let os = oldest(&c, OS, "1.3.6");
        let cur = Current {
            engine: OS,
            version: os.version,
            build: &os.build,
        };
        let sel = select(&c, cur, UpgradeType::CrossEngine);
        assert!(sel.images.is_empty());
        assert_eq!(sel.reasons, [UnavailableReason::CrossEngineNotAllowed]);
    }

    #[test]
    fn cross_targets_are_the_latest_build_of_each_version() {
        let c = catalog();
        let cur = oldest(&c, ES, "7.6.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: cur.version,
                build: &cur.build,
            },
            UpgradeType::Cross,
        );
        let latest = c.latest_available(ES, "7.10.2".parse().unwrap()).unwrap();
        assert_eq!(sel.images.len(), 1);
        assert_eq!(sel.images[0].id, latest.id);
        assert!(
            c.images
                .iter()
                .filter(|i| i.version == latest.version)
                .all(|i| i.build <= latest.build)
        );
    }

    #[test]
    fn same_offers_the_newest_build_only_when_newer() {
        let c = catalog();
        let old = oldest(&c, ES, "7.10.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: old.version,
                build: &old.build,
            },
            UpgradeType::Same,
        );
        let latest = c.latest_available(ES, old.version).unwrap();
        assert_eq!(
            sel.images.iter().map(|i| &i.id).collect::<Vec<_>>(),
            [&latest.id]
        );

        let sel = select(
            &c,
            Current {
                engine: ES,
                version: latest.version,
                build: &latest.build,
            },
            UpgradeType::Same,
        );
        assert!(sel.images.is_empty());
        assert_eq!(sel.reasons, [UnavailableReason::AlreadyLatest]);
    }

    #[test]
    fn eos_images_are_never_offered_and_say_so() {
        let mut c = catalog();
        let v: Version = "7.10.2".parse().unwrap();
        for i in c.images.iter_mut().filter(|i| i.version == v) {
            i.status = ImageStatus::Eos;
        }
        let from = oldest(&c, ES, "7.6.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: from.version,
                build: &from.build,
            },
            UpgradeType::Cross,
        );
        assert!(sel.images.is_empty());
        assert_eq!(sel.reasons, [UnavailableReason::TargetImagesEos]);

        let old = oldest(&c, ES, "7.10.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: old.version,
                build: &old.build,
            },
            UpgradeType::Same,
        );
        assert!(sel.images.is_empty());
        assert_eq!(sel.reasons, [UnavailableReason::TargetImagesEos]);
    }

    #[test]
    fn versions_without_paths_say_so() {
        let c = catalog();
        let from = oldest(&c, ES, "7.10.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: from.version,
                build: &from.build,
            },
            UpgradeType::Cross,
        );
        assert_eq!(sel.reasons, [UnavailableReason::NoUpgradePath]);
    }

    #[test]
    fn targets_are_ordered_by_priority_then_version() {
        let mut c = catalog();
        let from = oldest(&c, ES, "6.2.3");
        let cur = Current {
            engine: ES,
            version: from.version,
            build: &from.build,
        };
        let set_priority = |c: &mut Catalog, v: &str, p: i32| {
            for i in c
                .images
                .iter_mut()
                .filter(|i| i.version == v.parse().unwrap())
            {
                i.priority = p;
            }
        };
        set_priority(&mut c, "6.5.4", 50);
        set_priority(&mut c, "6.8.23", 10);
        let order: Vec<_> = select(&c, cur, UpgradeType::Cross)
            .images
            .iter()
            .map(|i| i.version.to_string())
            .collect();
        assert_eq!(order, ["6.5.4", "6.8.23"]);
        set_priority(&mut c, "6.5.4", 10);
        let order: Vec<_> = select(&c, cur, UpgradeType::Cross)
            .images
            .iter()
            .map(|i| i.version.to_string())
            .collect();
        assert_eq!(
            order,
            ["6.8.23", "6.5.4"],
            "equal priority: higher version first"
        );
    }

    #[test]
    fn a_new_build_appears_as_a_same_target_at_once() {
        let mut c = catalog();
        let latest = c
            .latest_available(ES, "7.10.2".parse().unwrap())
            .unwrap()
            .clone();
        let cur_build = latest.build.clone();
        let build: Build = "99.1.0".parse().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        c.images.push(Image {
            id: "new".into(),
            display_name: Image::display_name_for(latest.version, &build, date),
            build,
            release_date: date,
            ..latest.clone()
        });
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: latest.version,
                build: &cur_build,
            },
            UpgradeType::Same,
        );
        assert_eq!(sel.images[0].id, "new");
        assert_eq!(sel.images[0].display_name, "7.10.2_99.1.0_1130");
    }

    #[test]
    fn paths_to_versions_without_images_are_reported() {
        let mut c = catalog();
        c.paths.push(UpgradePath {
            source_engine: ES,
            source_version: "7.10.2".parse().unwrap(),
            target_engine: ES,
            target_version: "7.17.0".parse().unwrap(),
        });
        let from = oldest(&c, ES, "7.10.2");
        let sel = select(
            &c,
            Current {
                engine: ES,
                version: from.version,
                build: &from.build,
            },
            UpgradeType::Cross,
        );
        assert_eq!(sel.reasons, [UnavailableReason::NoTargetImages]);
    }
}
