//! Parsing and formatting of the `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…,
//! Signature=…` header.

use std::fmt;

use crate::{ALGORITHM, SignError};

/// A parsed `Authorization` header, borrowing from the header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The access key (AK) from `Access=`.
    pub access_key: &'a str,
    /// The names from `SignedHeaders=`, in the order and case given (the SDKs send them
    /// lowercase and sorted). They are used verbatim in the canonical request.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature from `Signature=` (64 hex digits).
    pub signature: &'a str,
}

impl fmt::Display for Authorization<'_> {
    /// Formats the header value exactly as the SDKs do:
    /// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ALGORITHM} Access={}, SignedHeaders=", self.access_key)?;
        for (i, name) in self.signed_headers.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(name)?;
        }
        write!(f, ", Signature={}", self.signature)
    }
}

/// Parses an `Authorization` header value of the form
/// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex`.
///
/// The three fields may come in any order and with any whitespace around the commas, but each
/// must appear exactly once, be non-empty, and no other field is allowed. Header names must be
/// non-empty HTTP tokens; the signature must be 64 hex digits.
///
/// # Errors
///
/// [`SignError::UnsupportedAlgorithm`] when the scheme is not `SDK-HMAC-SHA256` (e.g. `Bearer`),
/// [`SignError::MalformedAuthorization`] for anything else that does not fit.
pub fn parse_authorization(header: &str) -> Result<Authorization<'_>, SignError> {
    let header = header.trim();
    let (scheme, params) = header
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((header, ""));
    if scheme.is_empty() {
        return Err(SignError::MalformedAuthorization);
    }
    if scheme != ALGORITHM {
        return Err(SignError::UnsupportedAlgorithm);
    }

    let mut access_key = None;
    let mut signed_headers = None;
    let mut signature = None;
    for param in params.split(',') {
        let (name, value) = param
            .trim()
            .split_once('=')
            .ok_or(SignError::MalformedAuthorization)?;
        let slot = match name {
            "Access" => &mut access_key,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(SignError::MalformedAuthorization),
        };
        if slot.is_some() || value.is_empty() || value.contains(char::is_whitespace) {
            return Err(SignError::MalformedAuthorization);
        }
        *slot = Some(value);
    }

    let (Some(access_key), Some(signed_headers), Some(signature)) =
        (access_key, signed_headers, signature)
    else {
        return Err(SignError::MalformedAuthorization);
    };
    let signed_headers: Vec<&str> = signed_headers.split(';').collect();
    if !signed_headers.iter().all(|name| is_token(name)) {
        return Err(SignError::MalformedAuthorization);
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignError::MalformedAuthorization);
    }
    Ok(Authorization {
        access_key,
        signed_headers,
        signature,
    })
}

/// Whether `s` is a non-empty HTTP header-name token (RFC 9110 `tchar`s).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "25fa5a207abb46ae16ba6af3b9ee7d99111b066d65fe3d6b05ac742cff54a22c";

    #[test]
    fn a_well_formed_header_parses_into_its_three_fields() {
        let header = format!(
            "SDK-HMAC-SHA256 Access=FAKEACCESSKEY00000000, SignedHeaders=content-type;host;x-sdk-date, Signature={SIG}"
        );
        let auth = parse_authorization(&header).unwrap();
        assert_eq!(auth.access_key, "FAKEACCESSKEY00000000");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-sdk-date"]);
        assert_eq!(auth.signature, SIG);
        assert_eq!(auth.to_string(), header);
    }

    #[test]
    fn fields_may_come_in_any_order_with_loose_spacing() {
        let header = format!("  SDK-HMAC-SHA256   Signature={SIG} ,Access=AK,SignedHeaders=host  ");
        let auth = parse_authorization(&header).unwrap();
        assert_eq!(auth.access_key, "AK");
        assert_eq!(auth.signed_headers, ["host"]);
        assert_eq!(auth.signature, SIG);
    }

    #[test]
    fn another_scheme_is_an_unsupported_algorithm() {
        for header in [
            "Bearer abc",
            "Basic Zm9vOmJhcg==",
            "SDK-HMAC-SM3 Access=AK, SignedHeaders=host, Signature=00",
            "sdk-hmac-sha256 Access=AK, SignedHeaders=host, Signature=00",
        ] {
            assert_eq!(
                parse_authorization(header),
                Err(SignError::UnsupportedAlgorithm),
                "{header}"
            );
        }
    }

    #[test]
    fn malformed_headers_are_rejected() {
        let bad = [
            String::new(),
            "   ".to_owned(),
            "SDK-HMAC-SHA256".to_owned(),
            "SDK-HMAC-SHA256 ".to_owned(),
            format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, Signature={SIG}"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host".to_owned(),
            format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=ho:st, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=A K, SignedHeaders=host, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={SIG}, Extra=1"),
            format!("SDK-HMAC-SHA256 access=AK, SignedHeaders=host, Signature={SIG}"),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={SIG},"),
            format!("SDK-HMAC-SHA256 Access AK, SignedHeaders=host, Signature={SIG}"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc".to_owned(),
            format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={SIG}0"),
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={}",
                SIG.replace('a', "g")
            ),
        ];
        for header in &bad {
            assert_eq!(
                parse_authorization(header),
                Err(SignError::MalformedAuthorization),
                "{header:?}"
            );
        }
    }
}
