//! ListImages (`GET /v1.0/{project_id}/clusters/{cluster_id}/target/{upgrade_type}/images`).

use serde::{Deserialize, Serialize};

/// One target image (`GetTargetImageIdDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageInfo {
    /// Image id, the `target_image_id` of UpgradeCore.
    pub id: String,
    /// `<version>_<build>_<MMDD>`.
    pub display_name: String,
    /// Description.
    pub image_desc: String,
    /// `elasticsearch`, `opensearch` or `logstash`.
    pub datastore_type: String,
    /// Engine version.
    pub datastore_version: String,
    /// Larger is more recommended.
    pub priority: i32,
}

/// The ListImages answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListImagesResponse {
    /// Whether target-version plugin packages still have to be uploaded.
    pub need_upload_upgrade_plugin: bool,
    /// The page of target images.
    pub image_info_list: Vec<ImageInfo>,
    /// Number of target images before paging.
    pub total_size: u64,
    /// Extension (`?explain=true` only): why no (more) images are offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable_reasons: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_round_trips() {
        let doc = r#"{"needUploadUpgradePlugin": false, "imageInfoList": [], "totalSize": 0}"#;
        let r: ListImagesResponse = serde_json::from_str(doc).unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::from_str::<serde_json::Value>(doc).unwrap()
        );
        let img = ImageInfo {
            id: "i".into(),
            display_name: "7.10.2_22.5.1_1230".into(),
            image_desc: "d".into(),
            datastore_type: "elasticsearch".into(),
            datastore_version: "7.10.2".into(),
            priority: 16,
        };
        let v = serde_json::to_value(&img).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 6);
        for k in [
            "id",
            "displayName",
            "imageDesc",
            "datastoreType",
            "datastoreVersion",
            "priority",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }
}
