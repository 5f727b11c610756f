//! The secret key (SK) half of an AK/SK pair, kept out of logs and wiped from memory on drop.

use std::fmt;

use zeroize::Zeroizing;

/// A secret key (SK).
///
/// The bytes are zeroized when the value is dropped. `Debug` prints `SecretKey(***)`; there is
/// deliberately no `Display` or `Serialize`. Read the key with [`SecretKey::expose`].
#[derive(Clone)]
pub struct SecretKey(Zeroizing<String>);

impl SecretKey {
    /// Wraps a secret key. The HMAC key is the raw UTF-8 bytes of `s`.
    pub fn new(s: impl Into<String>) -> Self {
        Self(Zeroizing::new(s.into()))
    }

    /// The secret key itself. Keep the returned string out of logs and error messages.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_does_not_leak_the_secret() {
        let sk = SecretKey::new("FAKESECRETKEY0000000000000000000000000000");
        assert_eq!(format!("{sk:?}"), "SecretKey(***)");
        assert_eq!(format!("{sk:#?}"), "SecretKey(***)");
        assert!(!format!("{:?}", Some(&sk)).contains("FAKESECRET"));
    }

    #[test]
    fn expose_and_clone_return_the_original_secret() {
        let sk = SecretKey::new(String::from("s3cr3t"));
        assert_eq!(sk.expose(), "s3cr3t");
        assert_eq!(sk.clone().expose(), "s3cr3t");
    }
}
