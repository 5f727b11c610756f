//! The canonical request, the string to sign and the HMAC, as `huaweicloudsdkcore` builds them.
//!
//! The SDK canonicalises the *unencoded* request (it `unquote`s the resource path and signs the
//! query parameters before they are encoded), whereas a server only sees the request as sent. So
//! every path and query component is percent-decoded here first, then re-encoded with the SDK's
//! rule (keep `A-Z a-z 0-9 - _ . ~`, write every other byte as `%XX`, upper-case hex).

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::{ALGORITHM, SecretKey, SignError};

/// A request as received on the wire, or as about to be sent.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The HTTP method, e.g. `GET` (upper-cased for signing, as the SDK does).
    pub method: &'a str,
    /// The path as sent on the wire, possibly percent-encoded (e.g. `/v1.0/p/clusters/%E4%B8%AD`).
    pub raw_path: &'a str,
    /// The query string as sent, without the `?`; `None` (or empty) when there is none.
    pub raw_query: Option<&'a str>,
    /// The request headers: name (any case) and value. When a name occurs more than once, the
    /// first occurrence is the one signed.
    pub headers: &'a [(&'a str, &'a str)],
    /// The request body, exactly as sent.
    pub body: &'a [u8],
}

impl<'a> RequestParts<'a> {
    /// The value of the first header called `name` (compared case-insensitively), untrimmed.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }
}

/// Builds the canonical request the SDK signs:
///
/// ```text
/// METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nhex(sha256(body))
/// ```
///
/// * `METHOD`: `req.method`, upper-cased.
/// * `URI`: `req.raw_path` percent-decoded, split on `/`, each segment encoded with the rule
///   above, joined with `/`, plus a trailing `/` unless already there. Because the SDK decodes the
///   whole path before splitting, an encoded `%2F` is a separator like `/`; `+` is a literal plus.
/// * `QUERY`: `req.raw_query` split on `&` (empty pieces skipped), each piece split at its first
///   `=` (no `=` means an empty value), key and value percent-decoded with `+` read as a space
///   (form encoding, as the server's query parser reads it), sorted by decoded key then decoded
///   value, re-encoded and joined as `k=v` with `&`.
/// * `HEADERS`: `name:value\n` for each of `signed_headers` in the order given, `name` verbatim
///   and `value` the request's header of that name (case-insensitive) with surrounding whitespace
///   trimmed. The line list is followed by the usual `\n` separator, so it ends in a blank line.
/// * `SIGNED_HEADERS`: `signed_headers` joined with `;`.
///
/// A body hash sent in `X-Sdk-Content-Sha256` is deliberately ignored: the body is always hashed,
/// so an `UNSIGNED-PAYLOAD` request does not verify.
///
/// # Errors
///
/// [`SignError::MissingSignedHeader`] when a signed header is absent from `req.headers`,
/// [`SignError::MalformedEncoding`] when the path or query holds a `%` not followed by two hex
/// digits.
pub fn canonical_request(
    req: &RequestParts<'_>,
    signed_headers: &[&str],
) -> Result<String, SignError> {
    let query = req.raw_query.unwrap_or("");
    let headers_len: usize = signed_headers
        .iter()
        .map(|name| name.len() + 2 + req.header(name).map_or(0, str::len))
        .sum();
    let mut out = String::with_capacity(
        req.method.len() + req.raw_path.len() * 3 + query.len() * 3 + headers_len * 2 + 80,
    );

    for c in req.method.chars() {
        out.push(c.to_ascii_uppercase());
    }
    out.push('\n');

    push_canonical_uri(&mut out, req.raw_path)?;
    out.push('\n');

    push_canonical_query(&mut out, query)?;
    out.push('\n');

    for name in signed_headers {
        let value = req
            .header(name)
            .ok_or_else(|| SignError::MissingSignedHeader((*name).to_owned()))?;
        out.push_str(name);
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');

    for (i, name) in signed_headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');

    push_hex(&mut out, &Sha256::digest(req.body));
    Ok(out)
}

/// The string to sign: `SDK-HMAC-SHA256\n<sdk_date>\n<hex sha256 of canonical_request>`.
#[must_use]
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + sdk_date.len() + 2 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(sdk_date);
    out.push('\n');
    push_hex(&mut out, &Sha256::digest(canonical_request.as_bytes()));
    out
}

/// The signature: lowercase hex of HMAC-SHA256 over `string_to_sign`, keyed by the raw bytes of
/// the secret key.
#[must_use]
pub fn signature(secret: &SecretKey, string_to_sign: &str) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, &hmac_sha256(secret, string_to_sign.as_bytes()));
    out
}

/// HMAC-SHA256 of `data` keyed by the raw bytes of `secret`.
pub(crate) fn hmac_sha256(secret: &SecretKey, data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Appends the lowercase hex of `bytes` (a table lookup: this runs on every request).
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Whether the SDK leaves `b` unencoded (RFC 3986 unreserved).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `b` encoded with the SDK rule: unreserved as is, anything else as `%XX`.
fn push_encoded_byte(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if is_unreserved(b) {
        out.push(char::from(b));
    } else {
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes the `%XX` escape whose `%` is at `bytes[i]`.
fn decode_escape(bytes: &[u8], i: usize) -> Result<u8, SignError> {
    match (bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(&hi), Some(&lo)) => match (hex_value(hi), hex_value(lo)) {
            (Some(hi), Some(lo)) => Ok(hi << 4 | lo),
            _ => Err(SignError::MalformedEncoding),
        },
        _ => Err(SignError::MalformedEncoding),
    }
}

/// Appends the canonical URI of `raw_path` (see [`canonical_request`]).
fn push_canonical_uri(out: &mut String, raw_path: &str) -> Result<(), SignError> {
    let bytes = raw_path.as_bytes();
    let mut last = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = if bytes[i] == b'%' {
            let b = decode_escape(bytes, i)?;
            i += 3;
            b
        } else {
            i += 1;
            bytes[i - 1]
        };
        if b == b'/' {
            out.push('/');
        } else {
            push_encoded_byte(out, b);
        }
        last = Some(b);
    }
    if last != Some(b'/') {
        out.push('/');
    }
    Ok(())
}

/// Percent-decodes a query key or value, reading `+` as a space. Borrows when nothing to decode.
fn decode_query_component(s: &str) -> Result<Cow<'_, [u8]>, SignError> {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(decode_escape(bytes, i)?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(Cow::Owned(out))
}

/// Appends the canonical query of `raw_query` (see [`canonical_request`]).
fn push_canonical_query(out: &mut String, raw_query: &str) -> Result<(), SignError> {
    if raw_query.is_empty() {
        return Ok(());
    }
    let mut pairs = raw_query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            Ok((decode_query_component(key)?, decode_query_component(value)?))
        })
        .collect::<Result<Vec<_>, SignError>>()?;
    // Identical pairs are interchangeable, so an unstable sort gives the same output.
    pairs.sort_unstable();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for &b in key.iter() {
            push_encoded_byte(out, b);
        }
        out.push('=');
        for &b in value.iter() {
            push_encoded_byte(out, b);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(raw: &str) -> Result<String, SignError> {
        let mut out = String::new();
        push_canonical_uri(&mut out, raw).map(|()| out)
    }

    fn query(raw: &str) -> Result<String, SignError> {
        let mut out = String::new();
        push_canonical_query(&mut out, raw).map(|()| out)
    }

    #[test]
    fn the_canonical_uri_gets_a_trailing_slash_once() {
        assert_eq!(uri("/v1.0/p/clusters").unwrap(), "/v1.0/p/clusters/");
        assert_eq!(uri("/v1.0/p/clusters/").unwrap(), "/v1.0/p/clusters/");
        assert_eq!(uri("/").unwrap(), "/");
        assert_eq!(uri("").unwrap(), "/");
        assert_eq!(uri("/a//b").unwrap(), "/a//b/");
    }

    #[test]
    fn path_segments_are_decoded_then_re_encoded_with_the_sdk_rule() {
        assert_eq!(
            uri("/clusters/%E4%B8%AD%20x").unwrap(),
            "/clusters/%E4%B8%AD%20x/"
        );
        // Lowercase escapes and needlessly escaped unreserved characters normalise.
        assert_eq!(uri("/a/%e4%b8%ad/%41%7E").unwrap(), "/a/%E4%B8%AD/A~/");
        // Characters a client may leave raw on the wire get encoded.
        assert_eq!(
            uri("/a:b/c@d/e+f/g=h").unwrap(),
            "/a%3Ab/c%40d/e%2Bf/g%3Dh/"
        );
        // The SDK unquotes the whole path before splitting, so %2F acts as a separator.
        assert_eq!(uri("/a%2Fb").unwrap(), "/a/b/");
        assert_eq!(uri("/a%2F").unwrap(), "/a/");
    }

    #[test]
    fn a_malformed_path_escape_is_an_encoding_error() {
        for raw in ["/a%", "/a%4", "/a%zz", "/a%4g/b", "/%%41"] {
            assert_eq!(uri(raw), Err(SignError::MalformedEncoding), "{raw}");
        }
    }

    #[test]
    fn query_pairs_are_sorted_by_key_then_value() {
        assert_eq!(
            query("limit=10&offset=0&action_mode=AZ_MIGRATION").unwrap(),
            "action_mode=AZ_MIGRATION&limit=10&offset=0"
        );
        assert_eq!(query("b=2&a=3&a=1&a=2").unwrap(), "a=1&a=2&a=3&b=2");
    }

    #[test]
    fn query_keys_without_values_get_an_empty_value_and_empty_pieces_are_dropped() {
        assert_eq!(query("flag&x=").unwrap(), "flag=&x=");
        assert_eq!(query("&&a=1&").unwrap(), "a=1");
        assert_eq!(query("").unwrap(), "");
        assert_eq!(query("a=b=c").unwrap(), "a=b%3Dc");
    }

    #[test]
    fn query_components_are_decoded_with_plus_as_space_then_re_encoded() {
        assert_eq!(
            query("name=a%20b%2Bc%2Fd~e&tag=x%3Dy%26z").unwrap(),
            "name=a%20b%2Bc%2Fd~e&tag=x%3Dy%26z"
        );
        assert_eq!(query("name=a+b").unwrap(), "name=a%20b");
        assert_eq!(query("q=%e4%b8%ad&r=*").unwrap(), "q=%E4%B8%AD&r=%2A");
    }

    #[test]
    fn query_sorting_uses_decoded_not_encoded_bytes() {
        // Decoded, '~' (0x7E) sorts before 'é' (0xC3); encoded, "%C3" would sort before "~".
        assert_eq!(query("k=%C3%A9&k=~").unwrap(), "k=~&k=%C3%A9");
        // Keys compare before values: "a b" (decoded from `a+b`) sorts before "a-b".
        assert_eq!(query("a-b=1&a+b=2").unwrap(), "a%20b=2&a-b=1");
    }

    #[test]
    fn a_malformed_query_escape_is_an_encoding_error() {
        assert_eq!(query("a=100%"), Err(SignError::MalformedEncoding));
        assert_eq!(query("a%zz=1"), Err(SignError::MalformedEncoding));
    }

    #[test]
    fn the_method_is_upper_cased_and_an_absent_query_is_an_empty_line() {
        let headers = [("Host", "h")];
        let req = RequestParts {
            method: "get",
            raw_path: "/x",
            raw_query: None,
            headers: &headers,
            body: b"",
        };
        let canonical = canonical_request(&req, &["host"]).unwrap();
        assert!(
            canonical.starts_with("GET\n/x/\n\nhost:h\n\nhost\n"),
            "{canonical}"
        );
        let with_empty_query = RequestParts {
            raw_query: Some(""),
            ..req
        };
        assert_eq!(
            canonical_request(&with_empty_query, &["host"]).unwrap(),
            canonical
        );
    }

    #[test]
    fn the_first_of_duplicate_headers_is_signed() {
        let headers = [("X-A", " one "), ("x-a", "two")];
        let req = RequestParts {
            method: "GET",
            raw_path: "/",
            raw_query: None,
            headers: &headers,
            body: b"",
        };
        assert!(
            canonical_request(&req, &["x-a"])
                .unwrap()
                .contains("\nx-a:one\n")
        );
    }

    #[test]
    fn the_body_hash_is_hex_sha256() {
        let req = RequestParts {
            method: "POST",
            raw_path: "/",
            raw_query: None,
            headers: &[],
            body: b"abc",
        };
        assert!(
            canonical_request(&req, &[])
                .unwrap()
                .ends_with("\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
    }

    #[test]
    fn signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let sig = signature(&SecretKey::new("Jefe"), "what do ya want for nothing?");
        assert_eq!(
            sig,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
