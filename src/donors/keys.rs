//! Keyholders' identities, on their own computers: made with a passphrase, never stored on
//! the server. `zbor keys new` writes one; `zbor contacts open|reseal` read one.

use std::io::Read;

use age::secrecy::{ExposeSecret, SecretString};
use anyhow::{Context, bail};
use zeroize::Zeroizing;

/// A new identity, encrypted with `passphrase` (age's scrypt, ASCII-armored), and its public
/// key (recipient) for the server's recipients file.
/// Refuses a passphrase too short to guard a key kept in a file (a keyholder's identity, the
/// mirror's signing key).
pub fn check_passphrase(passphrase: &SecretString) -> anyhow::Result<()> {
    if passphrase.expose_secret().chars().count() < 12 {
        bail!("the passphrase needs at least 12 characters: it is all that guards the key");
    }
    Ok(())
}

pub fn new_protected_identity(passphrase: SecretString) -> anyhow::Result<(String, String)> {
    check_passphrase(&passphrase)?;
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let plain = Zeroizing::new(format!(
        "# zbor keyholder identity\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    ));
    let armored = age::encrypt_and_armor(&age::scrypt::Recipient::new(passphrase), plain.as_bytes())
        .context("encrypting the identity")?;
    Ok((armored, recipient))
}

/// Whether a file's bytes are an age file (binary or armored) rather than a plain identity.
fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") || bytes.starts_with(b"age-encryption.org/")
}

/// Reads identities from a keyholder's file: a passphrase-protected one (the passphrase is
/// asked for only then) or a plain age identity file (such as the demo's).
pub fn load_identities(
    bytes: &[u8],
    passphrase: impl FnOnce() -> anyhow::Result<SecretString>,
) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let plain: Zeroizing<Vec<u8>> = if is_encrypted(bytes) {
        let identity = age::scrypt::Identity::new(passphrase()?);
        let decryptor = age::Decryptor::new_buffered(age::armor::ArmoredReader::new(bytes))
            .context("the identity file is damaged")?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|_| anyhow::anyhow!("wrong passphrase, or not a zbor identity file"))?;
        let mut plain = Zeroizing::new(Vec::new());
        reader.read_to_end(&mut plain).context("decrypting the identity")?;
        plain
    } else {
        Zeroizing::new(bytes.to_vec())
    };
    let file = age::IdentityFile::from_buffer(&plain[..]).context("not an age identity file")?;
    let identities = file.into_identities().map_err(|e| anyhow::anyhow!("reading identities: {e}"))?;
    if identities.is_empty() {
        bail!("the file holds no identity");
    }
    Ok(identities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_identities_need_their_passphrase() {
        let pass = || SecretString::from("correct horse battery staple".to_owned());
        let (file, recipient) = new_protected_identity(pass()).unwrap();
        assert!(recipient.starts_with("age1"));
        assert!(
            file.lines().all(|line| line.trim().parse::<age::x25519::Identity>().is_err()),
            "the secret key is never written in the clear"
        );
        assert!(load_identities(file.as_bytes(), || Ok(SecretString::from("wrong wrong wrong".to_owned()))).is_err());
        let identities = load_identities(file.as_bytes(), || Ok(pass())).unwrap();
        let recipients = super::super::recipients::Recipients::parse(&recipient).unwrap();
        let sealed = super::super::seal::seal(
            "o",
            &super::super::seal::SealedFields {
                story: SecretString::from("s".to_owned()),
                contact: SecretString::from("c".to_owned()),
                credit_name: SecretString::from(String::new()),
            },
            &recipients,
        )
        .unwrap();
        let refs: Vec<&dyn age::Identity> = identities.iter().map(|i| i.as_ref() as &dyn age::Identity).collect();
        assert!(super::super::seal::open("o", &sealed, &refs).is_ok());
        assert!(new_protected_identity(SecretString::from("short".to_owned())).is_err());
    }
}
