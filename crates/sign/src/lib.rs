//! AK/SK request signing as the official Huawei Cloud SDKs do it (`SDK-HMAC-SHA256`).
//!
//! The server side calls [`parse_authorization`] on the `Authorization` header, looks up the
//! secret key for [`Authorization::access_key`], then calls [`verify`] (the signature) and
//! [`check_date`] (the clock, at most [`MAX_CLOCK_SKEW`] away). The client side (CLI, integration
//! tests) uses [`Signer`].
//!
//! The canonical request is built the way `huaweicloudsdkcore`'s `Signer` builds it, from the
//! request exactly as it arrives on the wire (see [`canonical_request`] for the details):
//!
//! ```text
//! METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n hex(sha256(body))
//! ```
//!
//! and is signed as `hex(HMAC-SHA256(SK, "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" +
//! hex(sha256(canonical request))))`.

mod authorization;
mod canonical;
mod date;
mod secret;
mod signer;

pub use authorization::{Authorization, parse_authorization};
pub use canonical::{RequestParts, canonical_request, signature, string_to_sign};
pub use date::{check_date, format_sdk_date, parse_sdk_date};
pub use secret::SecretKey;
pub use signer::Signer;

use subtle::ConstantTimeEq;

/// The signing algorithm name: first word of the `Authorization` header and first line of the
/// string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The header carrying the signing time, formatted with [`DATE_FORMAT`] (`YYYYMMDD'T'HHMMSS'Z'`, UTC).
pub const DATE_HEADER: &str = "X-Sdk-Date";

/// `chrono` format string of the [`DATE_HEADER`] value, e.g. `20240102T030405Z`.
pub const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// How far the [`DATE_HEADER`] time may be from the server clock, in either direction, for
/// [`check_date`] to accept it: 15 minutes. A difference of exactly 15 minutes is accepted.
pub const MAX_CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// Why a request could not be authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The `Authorization` header is not `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`
    /// (missing, duplicated or unknown field, empty value, signature not 64 hex digits).
    #[error("malformed Authorization header")]
    MalformedAuthorization,
    /// The `Authorization` header names a scheme other than `SDK-HMAC-SHA256`.
    #[error("unsupported signing algorithm (expected SDK-HMAC-SHA256)")]
    UnsupportedAlgorithm,
    /// A header listed in `SignedHeaders` is not present on the request.
    #[error("signed header `{0}` is missing from the request")]
    MissingSignedHeader(String),
    /// The request carries no `X-Sdk-Date` header.
    #[error("missing X-Sdk-Date header")]
    MissingDate,
    /// The `X-Sdk-Date` value is not `YYYYMMDDTHHMMSSZ`.
    #[error("malformed X-Sdk-Date header (expected YYYYMMDDTHHMMSSZ)")]
    MalformedDate,
    /// The `X-Sdk-Date` time is more than [`MAX_CLOCK_SKEW`] away from the server clock.
    #[error("X-Sdk-Date is more than 15 minutes away from the server time")]
    DateOutOfRange,
    /// The signature does not match the request.
    #[error("signature does not match")]
    SignatureMismatch,
    /// The path or query contains a `%` not followed by two hex digits.
    #[error("malformed percent-encoding in the request path or query")]
    MalformedEncoding,
}

/// Verifies the signature of `req` against `auth` with `secret`, in constant time.
///
/// The caller has already parsed `auth` (with [`parse_authorization`]) and looked up `secret`
/// by `auth.access_key`. The canonical request is rebuilt from `req` using `auth.signed_headers`,
/// the string to sign uses the request's `X-Sdk-Date` value, and the HMAC is compared with
/// `auth.signature` (hex, either case). The clock is *not* checked here: call [`check_date`].
///
/// # Errors
///
/// [`SignError::MissingDate`] without an `X-Sdk-Date` header, [`SignError::MalformedAuthorization`]
/// if `auth.signature` is not 64 hex digits, [`SignError::MissingSignedHeader`] and
/// [`SignError::MalformedEncoding`] from [`canonical_request`], and
/// [`SignError::SignatureMismatch`] when the signature is wrong.
pub fn verify(
    req: &RequestParts<'_>,
    auth: &Authorization<'_>,
    secret: &SecretKey,
) -> Result<(), SignError> {
    let sdk_date = req
        .header(DATE_HEADER)
        .ok_or(SignError::MissingDate)?
        .trim();
    let mut claimed = [0u8; 32];
    hex::decode_to_slice(auth.signature, &mut claimed)
        .map_err(|_| SignError::MalformedAuthorization)?;
    let canonical = canonical_request(req, &auth.signed_headers)?;
    let expected = canonical::hmac_sha256(secret, string_to_sign(sdk_date, &canonical).as_bytes());
    if bool::from(expected.as_slice().ct_eq(&claimed)) {
        Ok(())
    } else {
        Err(SignError::SignatureMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    const VECTORS_JSON: &str = include_str!("../tests/data/sdk-sign-vectors.json");

    #[derive(Deserialize)]
    struct Vectors {
        access_key: String,
        secret_key: String,
        cases: Vec<Case>,
    }

    #[derive(Deserialize, Clone)]
    struct Case {
        method: String,
        uri: String,
        headers: BTreeMap<String, String>,
        body: String,
        authorization: String,
    }

    /// An owned request that can be tampered with and borrowed as [`RequestParts`].
    #[derive(Clone)]
    struct Owned {
        method: String,
        path: String,
        query: Option<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Owned {
        fn from_case(case: &Case) -> Self {
            let (path, query) = match case.uri.split_once('?') {
                Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                None => (case.uri.clone(), None),
            };
            Self {
                method: case.method.clone(),
                path,
                query,
                headers: case
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                body: case.body.as_bytes().to_vec(),
            }
        }

        fn verify(&self, authorization: &str, secret: &SecretKey) -> Result<(), SignError> {
            let headers: Vec<(&str, &str)> = self
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let req = RequestParts {
                method: &self.method,
                raw_path: &self.path,
                raw_query: self.query.as_deref(),
                headers: &headers,
                body: &self.body,
            };
            let auth = parse_authorization(authorization)?;
            verify(&req, &auth, secret)
        }

        fn header_mut(&mut self, name: &str) -> &mut String {
            &mut self
                .headers
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .expect("header present")
                .1
        }
    }

    fn vectors() -> Vectors {
        serde_json::from_str(VECTORS_JSON).expect("sdk-sign-vectors.json parses")
    }

    fn design_vector() -> Owned {
        Owned {
            method: "GET".into(),
            path: "/v1.0/0123456789abcdef0123456789abcdef/clusters/c-1/upgrade/detail".into(),
            query: Some("limit=10&offset=0&action_mode=AZ_MIGRATION".into()),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("host".into(), "127.0.0.1:18080".into()),
                ("user-agent".into(), "huaweicloud-usdk-python/3.0".into()),
                (
                    "x-project-id".into(),
                    "0123456789abcdef0123456789abcdef".into(),
                ),
                ("x-sdk-date".into(), "20240102T030405Z".into()),
            ],
            body: Vec::new(),
        }
    }

    const DESIGN_SK: &str = "FAKESECRETKEY0000000000000000000000000000";
    const DESIGN_SIGNATURE: &str =
        "e620286690e5d89c4ea2c39c920a3500d211da6672ab9850d7f2b4808079c978";

    #[test]
    fn the_design_vector_canonicalises_and_signs_as_documented() {
        let owned = design_vector();
        let headers: Vec<(&str, &str)> = owned
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = RequestParts {
            method: &owned.method,
            raw_path: &owned.path,
            raw_query: owned.query.as_deref(),
            headers: &headers,
            body: &owned.body,
        };
        let signed = [
            "content-type",
            "host",
            "user-agent",
            "x-project-id",
            "x-sdk-date",
        ];
        let canonical = canonical_request(&req, &signed).unwrap();
        assert_eq!(
            canonical,
            "GET\n\
             /v1.0/0123456789abcdef0123456789abcdef/clusters/c-1/upgrade/detail/\n\
             action_mode=AZ_MIGRATION&limit=10&offset=0\n\
             content-type:application/json\n\
             host:127.0.0.1:18080\n\
             user-agent:huaweicloud-usdk-python/3.0\n\
             x-project-id:0123456789abcdef0123456789abcdef\n\
             x-sdk-date:20240102T030405Z\n\
             \n\
             content-type;host;user-agent;x-project-id;x-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let sts = string_to_sign("20240102T030405Z", &canonical);
        assert!(sts.starts_with("SDK-HMAC-SHA256\n20240102T030405Z\n"));
        assert_eq!(
            signature(&SecretKey::new(DESIGN_SK), &sts),
            DESIGN_SIGNATURE
        );
    }

    #[test]
    fn the_design_vector_verifies_and_rejects_a_wrong_secret() {
        let owned = design_vector();
        let header = format!(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature={DESIGN_SIGNATURE}"
        );
        owned.verify(&header, &SecretKey::new(DESIGN_SK)).unwrap();
        assert_eq!(
            owned.verify(&header, &SecretKey::new("other")),
            Err(SignError::SignatureMismatch)
        );
    }

    #[test]
    fn every_sdk_vector_verifies_as_given() {
        let v = vectors();
        assert_eq!(
            v.cases.len(),
            11,
            "11 SDK vectors plus the DESIGN one make 12"
        );
        let secret = SecretKey::new(v.secret_key.as_str());
        for (i, case) in v.cases.iter().enumerate() {
            let auth = parse_authorization(&case.authorization).unwrap();
            assert_eq!(auth.access_key, v.access_key, "case {i}");
            Owned::from_case(case)
                .verify(&case.authorization, &secret)
                .unwrap_or_else(|e| panic!("case {i} ({} {}): {e}", case.method, case.uri));
        }
    }

    fn assert_rejected(i: usize, what: &str, owned: &Owned, authorization: &str, sk: &SecretKey) {
        assert_eq!(
            owned.verify(authorization, sk),
            Err(SignError::SignatureMismatch),
            "case {i}: tampering with {what} was not detected"
        );
    }

    #[test]
    fn every_sdk_vector_is_rejected_after_any_tampering() {
        let v = vectors();
        let secret = SecretKey::new(v.secret_key.as_str());
        for (i, case) in v.cases.iter().enumerate() {
            let original = Owned::from_case(case);
            let auth = case.authorization.as_str();

            let mut t = original.clone();
            t.method = if t.method == "GET" { "POST" } else { "GET" }.into();
            assert_rejected(i, "the method", &t, auth, &secret);

            let mut t = original.clone();
            t.path = t.path.replacen("clusters", "clusterz", 1);
            assert_ne!(t.path, original.path);
            assert_rejected(i, "the path", &t, auth, &secret);

            let mut t = original.clone();
            t.path.push_str("/x");
            assert_rejected(i, "the path (extra segment)", &t, auth, &secret);

            let mut t = original.clone();
            t.query = Some(match &t.query {
                Some(q) => format!("{q}0"),
                None => "x=1".to_owned(),
            });
            assert_rejected(i, "the query", &t, auth, &secret);

            if original.query.is_some() {
                let mut t = original.clone();
                t.query = None;
                assert_rejected(i, "the query (removed)", &t, auth, &secret);
            }

            let signed = parse_authorization(auth).unwrap().signed_headers;
            for name in signed
                .iter()
                .filter(|n| !n.eq_ignore_ascii_case(DATE_HEADER))
            {
                let mut t = original.clone();
                t.header_mut(name).push('x');
                assert_rejected(i, name, &t, auth, &secret);
            }

            let mut t = original.clone();
            t.body.push(b'x');
            assert_rejected(i, "the body", &t, auth, &secret);

            let mut t = original.clone();
            let date = parse_sdk_date(t.header_mut(DATE_HEADER)).unwrap();
            *t.header_mut(DATE_HEADER) = format_sdk_date(date + chrono::TimeDelta::seconds(1));
            assert_rejected(i, "X-Sdk-Date", &t, auth, &secret);

            assert_rejected(
                i,
                "the secret key",
                &original,
                auth,
                &SecretKey::new(format!("{}1", v.secret_key)),
            );

            let sig_at = auth.rfind("Signature=").unwrap() + "Signature=".len();
            for pos in [sig_at, auth.len() - 1] {
                let mut bad = auth.to_owned();
                let flipped = if &bad[pos..=pos] == "0" { "1" } else { "0" };
                bad.replace_range(pos..=pos, flipped);
                assert_eq!(
                    original.verify(&bad, &secret),
                    Err(SignError::SignatureMismatch),
                    "case {i}: signature hex"
                );
            }
        }
    }

    #[test]
    fn a_missing_signed_header_or_date_is_reported_as_such() {
        let v = vectors();
        let secret = SecretKey::new(v.secret_key.as_str());
        let case = &v.cases[0];

        let mut t = Owned::from_case(case);
        t.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("x-project-id"));
        assert_eq!(
            t.verify(&case.authorization, &secret),
            Err(SignError::MissingSignedHeader("x-project-id".into()))
        );

        let mut t = Owned::from_case(case);
        t.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case(DATE_HEADER));
        assert_eq!(
            t.verify(&case.authorization, &secret),
            Err(SignError::MissingDate)
        );
    }

    #[test]
    fn header_names_match_case_insensitively_and_values_are_trimmed() {
        let v = vectors();
        let secret = SecretKey::new(v.secret_key.as_str());
        let case = &v.cases[0];
        let mut t = Owned::from_case(case);
        for (k, val) in &mut t.headers {
            *k = k.to_ascii_uppercase();
            *val = format!("  {val}\t");
        }
        t.verify(&case.authorization, &secret).unwrap();
    }

    #[test]
    fn an_uppercase_signature_is_accepted() {
        let v = vectors();
        let secret = SecretKey::new(v.secret_key.as_str());
        let case = &v.cases[3];
        let sig_at = case.authorization.rfind("Signature=").unwrap() + "Signature=".len();
        let upper = format!(
            "{}{}",
            &case.authorization[..sig_at],
            case.authorization[sig_at..].to_ascii_uppercase()
        );
        Owned::from_case(case).verify(&upper, &secret).unwrap();
    }

    #[test]
    fn a_path_with_a_malformed_escape_is_rejected_before_comparing() {
        let v = vectors();
        let secret = SecretKey::new(v.secret_key.as_str());
        let case = &v.cases[0];
        let mut t = Owned::from_case(case);
        t.path.push_str("/%zz");
        assert_eq!(
            t.verify(&case.authorization, &secret),
            Err(SignError::MalformedEncoding)
        );
    }

    #[test]
    fn verify_rejects_a_hand_built_authorization_with_bad_hex() {
        let owned = design_vector();
        let headers: Vec<(&str, &str)> = owned
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let req = RequestParts {
            method: &owned.method,
            raw_path: &owned.path,
            raw_query: owned.query.as_deref(),
            headers: &headers,
            body: &owned.body,
        };
        let auth = Authorization {
            access_key: "AK",
            signed_headers: vec!["host", "x-sdk-date"],
            signature: "zz",
        };
        assert_eq!(
            verify(&req, &auth, &SecretKey::new(DESIGN_SK)),
            Err(SignError::MalformedAuthorization)
        );
    }
}
