//! Engine versions and image builds, both compared numerically component by component
//! (`7.10.2` > `7.9.3`, build `24.3.10` > `24.3.4`), never as strings.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A search engine family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Elasticsearch.
    Elasticsearch,
    /// OpenSearch.
    Opensearch,
    /// Logstash.
    Logstash,
}

impl Engine {
    /// All engines, in wire order.
    pub const ALL: [Engine; 3] = [Engine::Elasticsearch, Engine::Opensearch, Engine::Logstash];

    /// The wire name (`datastoreType`).
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Elasticsearch => "elasticsearch",
            Engine::Opensearch => "opensearch",
            Engine::Logstash => "logstash",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Engine {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Engine::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| ParseError(format!("unknown datastore type {s:?}")))
    }
}

/// A value could not be parsed; the message says which and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// An engine version `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl Version {
    /// A version from its parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

fn parse_numeric_parts(s: &str, what: &str) -> Result<Vec<u32>, ParseError> {
    if s.is_empty() {
        return Err(ParseError(format!("empty {what}")));
    }
    s.split('.')
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ParseError(format!("invalid {what} {s:?}")));
            }
            p.parse::<u32>()
                .map_err(|_| ParseError(format!("invalid {what} {s:?}")))
        })
        .collect()
}

impl FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse_numeric_parts(s, "version")?.as_slice() {
            [major, minor, patch] => Ok(Version::new(*major, *minor, *patch)),
            _ => Err(ParseError(format!(
                "invalid version {s:?}: expected major.minor.patch"
            ))),
        }
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An image build such as `24.3.4`: any number of numeric components, compared numerically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Build(Vec<u32>);

impl Ord for Build {
    fn cmp(&self, other: &Self) -> Ordering {
        // Lexicographic over numbers; a missing trailing component counts as 0 so that
        // `24.3` == `24.3.0`.
        let n = self.0.len().max(other.0.len());
        (0..n)
            .map(|i| {
                let a = self.0.get(i).copied().unwrap_or(0);
                let b = other.0.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Build {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl FromStr for Build {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_numeric_parts(s, "build").map(Build)
    }
}

impl Serialize for Build {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Build {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }
    fn b(s: &str) -> Build {
        s.parse().unwrap()
    }

    #[test]
    fn versions_compare_numerically_not_as_strings() {
        assert!(v("7.10.2") > v("7.9.3"));
        assert!(v("7.10.2") > v("7.6.2"));
        assert!(v("6.8.23") > v("6.8.3"));
        assert!(v("2.19.0") > v("2.17.1"));
        assert!(v("1.3.6") < v("2.0.0"));
        assert_eq!(v("7.10.2").to_string(), "7.10.2");
    }

    #[test]
    fn malformed_versions_are_rejected() {
        for bad in [
            "", "7", "7.10", "7.10.2.1", "7.x.2", "7..2", " 7.10.2", "-1.0.0",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn builds_compare_numerically_and_ignore_trailing_zeros() {
        assert!(b("24.3.10") > b("24.3.4"));
        assert!(b("24.3.4") > b("22.5.1"));
        assert!(b("24.3") < b("24.3.1"));
        assert_eq!(b("24.3").cmp(&b("24.3.0")), Ordering::Equal);
        assert!("24..3".parse::<Build>().is_err());
        assert!("".parse::<Build>().is_err());
    }

    #[test]
    fn engines_parse_from_their_wire_names_only() {
        assert_eq!("opensearch".parse::<Engine>().unwrap(), Engine::Opensearch);
        assert!("OpenSearch".parse::<Engine>().is_err());
        assert!("kibana".parse::<Engine>().is_err());
    }
}
