//! The recipients file: the keyholders' age public keys and the offline recovery key, one per
//! line. It is set on the server's disk by the operator, never through the web.

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, bail};

/// The public keys every sealed record is encrypted to.
#[derive(Debug, Clone)]
pub struct Recipients {
    keys: Vec<(String, age::x25519::Recipient)>,
}

/// How every age secret key begins (in either case): a line that begins so is refused.
pub(crate) const SECRET_PREFIX: &str = "AGE-SECRET-KEY-";

impl Recipients {
    /// Parses the file's text: `age1…` lines, blank lines and `#` comments.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // A line that parses as an identity, or merely looks like one, is a secret key
            // pasted by mistake.
            let looks_secret = line.get(..SECRET_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(SECRET_PREFIX));
            if looks_secret || age::x25519::Identity::from_str(line).is_ok() {
                // Refuse loudly: a secret key on the server breaks the first promise to donors.
                bail!("line {}: this is a SECRET key; only public keys (age1…) belong on the server", number + 1);
            }
            let key = age::x25519::Recipient::from_str(line)
                .map_err(|e| anyhow::anyhow!("line {}: not an age public key (age1…): {e}", number + 1))?;
            keys.push((line.to_owned(), key));
        }
        if keys.is_empty() {
            bail!("no recipients: add at least one keyholder's public key (age1…)");
        }
        Ok(Self { keys })
    }

    /// Reads and checks the recipients file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading the recipients file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Writes a recipients file after checking every key.
    pub fn write(path: &Path, keys: &[String]) -> anyhow::Result<Self> {
        let mut text = String::from(
            "# Keyholders' age public keys, one per line. Every donor contact is sealed to all of them.\n\
             # Change this file only on the server's disk, then run `zbor contacts reseal`.\n",
        );
        for key in keys {
            text.push_str(key.trim());
            text.push('\n');
        }
        let recipients = Self::parse(&text)?;
        crate::private::create_file(path)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        Ok(recipients)
    }

    /// Short, readable fingerprints of the keys, shown to every curator.
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|(text, _)| {
                let hash = blake3::hash(text.as_bytes()).to_hex();
                format!("{}…{} ({})", &text[..8], &text[text.len() - 6..], &hash[..8])
            })
            .collect()
    }

    pub fn keys(&self) -> impl Iterator<Item = &age::x25519::Recipient> {
        self.keys.iter().map(|(_, k)| k)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::secrecy::ExposeSecret;

    #[test]
    fn refuses_empty_malformed_and_secret_keys() {
        assert!(Recipients::parse("").is_err());
        assert!(Recipients::parse("# only a comment\n").is_err());
        assert!(Recipients::parse("age1notakey\n").is_err());
        let identity = age::x25519::Identity::generate();
        let secret = identity.to_string();
        let err = Recipients::parse(secret.expose_secret()).unwrap_err();
        assert!(format!("{err:#}").contains("SECRET"), "{err:#}");
        let public = identity.to_public().to_string();
        // One mistyped or cut short is still called what it is, not "invalid Bech32".
        // (Made from the prefix, so that no text shaped like a secret key is in the source.)
        let mistyped = format!("{SECRET_PREFIX}1NOTREALLY");
        let lower = format!("{}1abc", SECRET_PREFIX.to_ascii_lowercase());
        for cut in [&secret.expose_secret()[..40], &mistyped, &lower] {
            let err = Recipients::parse(cut).unwrap_err();
            assert!(format!("{err:#}").contains("SECRET"), "{cut}: {err:#}");
        }
        let ok = Recipients::parse(&format!("# keyholder\n{public}\n")).unwrap();
        assert_eq!(ok.len(), 1);
    }
}
