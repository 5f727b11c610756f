//! Lenient input where the documentation's own examples disagree with its types: a field
//! documented as String that examples send as a number (`"enterprise_project_id": 0`,
//! `"maxSnapshotBytesPerSeconds": 40`) is accepted either way.

use serde::{Deserialize, Deserializer};

/// Deserializes a string or a number into its string form.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        None => None,
        Some(Either::S(s)) => Some(s),
        Some(Either::I(i)) => Some(i.to_string()),
        Some(Either::F(f)) => Some(f.to_string()),
    })
}
