//! Client-side signing of outgoing requests (used by the CLI and the integration tests).

use chrono::{DateTime, Utc};

use crate::{
    Authorization, DATE_HEADER, RequestParts, SecretKey, SignError, canonical_request,
    format_sdk_date, signature, string_to_sign,
};

/// Signs outgoing requests with an AK/SK pair, producing the same headers as the official SDK.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The access key (AK) sent in `Authorization: … Access=AK`.
    pub access_key: String,
    secret: SecretKey,
}

impl Signer {
    /// A signer for the given access key and secret key.
    pub fn new(access_key: impl Into<String>, secret: SecretKey) -> Self {
        Self {
            access_key: access_key.into(),
            secret,
        }
    }

    /// Signs a request and returns the headers to add to it:
    /// `[("X-Sdk-Date", …), ("Authorization", …)]`.
    ///
    /// `raw_path` and `raw_query` (without `?`) must be exactly what goes on the wire, already
    /// percent-encoded. `headers` should include `Host`; every header passed in is signed (names
    /// lower-cased, sorted, deduplicated — the first value of a repeated name is signed), plus
    /// `x-sdk-date`, formatted from `now`. Any `X-Sdk-Date` or `Authorization` in `headers` is
    /// ignored, since the returned ones replace them.
    ///
    /// # Panics
    ///
    /// If `raw_path` or `raw_query` holds a `%` not followed by two hex digits (the server would
    /// reject such a request anyway); use [`Signer::try_sign`] to get an error instead.
    #[must_use]
    pub fn sign(
        &self,
        method: &str,
        raw_path: &str,
        raw_query: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Vec<(String, String)> {
        match self.try_sign(method, raw_path, raw_query, headers, body, now) {
            Ok(signed) => signed,
            Err(e) => panic!("cannot sign {method} {raw_path}: {e}"),
        }
    }

    /// Like [`Signer::sign`], but reports malformed percent-encoding instead of panicking.
    ///
    /// # Errors
    ///
    /// [`SignError::MalformedEncoding`] when `raw_path` or `raw_query` holds a `%` not followed by
    /// two hex digits.
    pub fn try_sign(
        &self,
        method: &str,
        raw_path: &str,
        raw_query: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, String)>, SignError> {
        let sdk_date = format_sdk_date(now);
        let mut all: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(name, _)| {
                !name.eq_ignore_ascii_case(DATE_HEADER)
                    && !name.eq_ignore_ascii_case("authorization")
            })
            .copied()
            .collect();
        all.push((DATE_HEADER, &sdk_date));

        let mut names: Vec<String> = all.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        names.sort_unstable();
        names.dedup();
        let signed_headers: Vec<&str> = names.iter().map(String::as_str).collect();

        let req = RequestParts {
            method,
            raw_path,
            raw_query,
            headers: &all,
            body,
        };
        let canonical = canonical_request(&req, &signed_headers)?;
        let signature = signature(&self.secret, &string_to_sign(&sdk_date, &canonical));
        let authorization = Authorization {
            access_key: &self.access_key,
            signed_headers,
            signature: &signature,
        }
        .to_string();
        Ok(vec![
            (DATE_HEADER.to_owned(), sdk_date),
            ("Authorization".to_owned(), authorization),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_date, parse_authorization, verify};
    use chrono::TimeZone;

    const SK: &str = "FAKESECRETKEY0000000000000000000000000000";

    fn signer() -> Signer {
        Signer::new("FAKEACCESSKEY00000000", SecretKey::new(SK))
    }

    /// Signs, then verifies the request as a server would see it (original headers + added ones).
    fn round_trip(
        method: &str,
        path: &str,
        query: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), SignError> {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 4, 5).unwrap();
        let added = signer().sign(method, path, query, headers, body, now);
        assert_eq!(added[0].0, "X-Sdk-Date");
        assert_eq!(added[0].1, "20261201T000405Z");
        assert_eq!(added[1].0, "Authorization");

        let mut wire: Vec<(&str, &str)> = headers.to_vec();
        wire.extend(added.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let req = RequestParts {
            method,
            raw_path: path,
            raw_query: query,
            headers: &wire,
            body,
        };
        let auth = parse_authorization(&added[1].1)?;
        assert_eq!(auth.access_key, "FAKEACCESSKEY00000000");
        check_date(req.header(DATE_HEADER).unwrap(), now)?;
        verify(&req, &auth, &SecretKey::new(SK))
    }

    #[test]
    fn a_signed_request_verifies() {
        round_trip(
            "POST",
            "/v1.0/0123456789abcdef0123456789abcdef/clusters/%E4%B8%AD%20x/upgrade",
            Some("name=a%20b%2Bc&limit=10&tag=x+y&flag"),
            &[
                ("Host", "127.0.0.1:9800"),
                ("Content-Type", "application/json"),
                ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
            ],
            br#"{"x": 1}"#,
        )
        .unwrap();
        round_trip("GET", "/", None, &[("Host", "h")], b"").unwrap();
    }

    #[test]
    fn the_signer_reproduces_an_sdk_vector() {
        // Case 0 of tests/data/sdk-sign-vectors.json.
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 4, 5).unwrap();
        let added = signer().sign(
            "GET",
            "/v1.0/0123456789abcdef0123456789abcdef/clusters/4f3deec3-efa6-4f5e-9f41-0a1d6c7e0001/target/cross/images",
            Some("limit=10&offset=0"),
            &[
                ("Content-Type", "application/json"),
                ("User-Agent", "huaweicloud-usdk-python/3.0"),
                ("X-Project-Id", "0123456789abcdef0123456789abcdef"),
                ("Host", "127.0.0.1:9800"),
            ],
            b"",
            now,
        );
        assert_eq!(
            added[1].1,
            "SDK-HMAC-SHA256 Access=FAKEACCESSKEY00000000, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=25fa5a207abb46ae16ba6af3b9ee7d99111b066d65fe3d6b05ac742cff54a22c"
        );
    }

    #[test]
    fn a_caller_supplied_date_or_authorization_header_is_replaced() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 4, 5).unwrap();
        let plain = signer().sign("GET", "/x", None, &[("Host", "h")], b"", now);
        let with_stale = signer().sign(
            "GET",
            "/x",
            None,
            &[
                ("Host", "h"),
                ("x-sdk-date", "20000101T000000Z"),
                ("Authorization", "Bearer t"),
            ],
            b"",
            now,
        );
        assert_eq!(plain, with_stale);
        assert!(plain[1].1.contains("SignedHeaders=host;x-sdk-date,"));
    }

    #[test]
    fn a_malformed_path_cannot_be_signed() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 4, 5).unwrap();
        assert_eq!(
            signer().try_sign("GET", "/a%zz", None, &[("Host", "h")], b"", now),
            Err(SignError::MalformedEncoding)
        );
    }

    #[test]
    fn signer_debug_output_does_not_leak_the_secret() {
        let debug = format!("{:?}", signer());
        assert!(debug.contains("FAKEACCESSKEY00000000"));
        assert!(!debug.contains(SK), "{debug}");
        assert!(debug.contains("SecretKey(***)"));
    }
}
