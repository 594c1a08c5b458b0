//! Ed25519 keys and signatures in minisign's file formats, so that the standard `minisign`
//! tool and zbor read each other's files: a mirror's manifest signed by either is checked by
//! either (<https://jedisct1.github.io/minisign/>).
//!
//! - public key: `untrusted comment: …` then base64 of `"Ed" ‖ key id (8) ‖ public key (32)`;
//! - secret key: base64 of `"Ed" ‖ "Sc" ‖ "B2" ‖ salt (32) ‖ opslimit (u64 LE) ‖ memlimit
//!   (u64 LE) ‖ (key id ‖ secret key (64) ‖ BLAKE2b-256 checksum)`, the part in brackets
//!   XORed with scrypt of the passphrase (parameters from the two limits as libsodium picks
//!   them);
//! - signature: base64 of `"ED" ‖ key id ‖ Ed25519(BLAKE2b-512(file))`, a trusted comment, and
//!   base64 of Ed25519(signature ‖ trusted comment).

use anyhow::{Context, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Blake2b512, Digest};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// scrypt limits written into new secret keys: N = 2¹⁶, r = 8, p = 1 (64 MiB, a fraction of a
/// second), as libsodium derives them from these two numbers. minisign's own defaults use
/// 1 GiB; both read either.
const OPSLIMIT: u64 = 1 << 21;
const MEMLIMIT: u64 = 1 << 26;

/// A public key with its 8-byte id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    id: [u8; 8],
    key: VerifyingKey,
}

/// A secret key with its id, held in memory only while signing.
pub struct SecretKey {
    id: [u8; 8],
    key: SigningKey,
}

fn base64_line(text: &str) -> anyhow::Result<Vec<u8>> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .context("no key in the file")?;
    BASE64.decode(line).context("the key is not base64")
}

impl PublicKey {
    /// Reads a public key file (or its base64 line alone).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let bytes = base64_line(text)?;
        ensure!(bytes.len() == 42 && &bytes[..2] == b"Ed", "this is not a minisign public key");
        let key = VerifyingKey::from_bytes(bytes[10..].try_into()?).context("the public key is not valid")?;
        Ok(Self { id: bytes[2..10].try_into()?, key })
    }

    /// The key's id as minisign prints it (hex, most significant byte first).
    pub fn id_hex(&self) -> String {
        self.id.iter().rev().map(|b| format!("{b:02X}")).collect()
    }

    /// The base64 line alone, as readers paste it.
    pub fn base64(&self) -> String {
        BASE64.encode([b"Ed".as_slice(), &self.id, self.key.as_bytes()].concat())
    }

    /// The public key file.
    pub fn to_file(&self) -> String {
        format!("untrusted comment: minisign public key {}\n{}\n", self.id_hex(), self.base64())
    }

    /// Checks a signature file over `message`; returns its trusted comment.
    pub fn verify(&self, message: &[u8], signature_file: &str) -> anyhow::Result<String> {
        let mut lines = signature_file.lines().map(str::trim_end);
        let untrusted = lines.next().unwrap_or_default();
        ensure!(untrusted.starts_with("untrusted comment:"), "the signature file is not minisign's format");
        let signature = BASE64.decode(lines.next().unwrap_or_default()).context("the signature is not base64")?;
        ensure!(signature.len() == 74, "the signature file is not minisign's format");
        let trusted = lines
            .next()
            .and_then(|l| l.strip_prefix("trusted comment: "))
            .context("the signature file has no trusted comment")?;
        let global = BASE64.decode(lines.next().unwrap_or_default()).context("the signature is not base64")?;
        ensure!(signature[2..10] == self.id, "signed with another key (id {})", key_id_hex(&signature[2..10]));
        let sig = Signature::from_slice(&signature[10..]).context("malformed signature")?;
        let signed = match &signature[..2] {
            b"ED" => Blake2b512::digest(message).to_vec(),
            b"Ed" => message.to_vec(),
            _ => bail!("unknown signature algorithm"),
        };
        self.key.verify(&signed, &sig).map_err(|_| anyhow::anyhow!("the signature does not match the file"))?;
        let global = Signature::from_slice(&global).context("malformed signature")?;
        self.key
            .verify(&[&signature[10..], trusted.as_bytes()].concat(), &global)
            .map_err(|_| anyhow::anyhow!("the trusted comment was changed"))?;
        Ok(trusted.to_owned())
    }
}

fn key_id_hex(id: &[u8]) -> String {
    id.iter().rev().map(|b| format!("{b:02X}")).collect()
}

/// libsodium's choice of scrypt's (log₂ N, r, p) for an opslimit and a memlimit.
fn scrypt_params(opslimit: u64, memlimit: u64) -> (u8, u32, u32) {
    let opslimit = opslimit.max(32768);
    let r: u64 = 8;
    let log_n_for = |max_n: u64| (1..63u8).find(|n| (1u64 << n) > max_n / 2).unwrap_or(63);
    if opslimit < memlimit / 32 {
        (log_n_for(opslimit / (r * 4)), 8, 1)
    } else {
        let log_n = log_n_for(memlimit / (r * 128));
        let max_rp = ((opslimit / 4) / (1u64 << log_n)).min(0x3fff_ffff);
        (log_n, 8, u32::try_from(max_rp / r).unwrap_or(1).max(1))
    }
}

fn keystream(
    passphrase: &SecretString,
    salt: &[u8],
    opslimit: u64,
    memlimit: u64,
) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    let (log_n, r, p) = scrypt_params(opslimit, memlimit);
    ensure!(log_n <= 24, "the key asks for more memory than zbor will use to open it");
    let params = scrypt::Params::new(log_n, r, p, scrypt::Params::RECOMMENDED_LEN)
        .map_err(|e| anyhow::anyhow!("scrypt parameters: {e}"))?;
    let mut stream = Zeroizing::new(vec![0u8; 104]);
    scrypt::scrypt(passphrase.expose_secret().as_bytes(), salt, &params, &mut stream)
        .map_err(|e| anyhow::anyhow!("scrypt: {e}"))?;
    Ok(stream)
}

fn checksum(id: &[u8], secret: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest([b"Ed".as_slice(), id, secret].concat()).into()
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(seed.as_mut());
        let mut id = [0u8; 8];
        rand::rng().fill_bytes(&mut id);
        Self { id, key: SigningKey::from_bytes(&seed) }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey { id: self.id, key: self.key.verifying_key() }
    }

    /// The secret key file, encrypted with `passphrase`.
    pub fn to_encrypted_file(&self, passphrase: &SecretString) -> anyhow::Result<String> {
        let mut salt = [0u8; 32];
        rand::rng().fill_bytes(&mut salt);
        let secret = Zeroizing::new(self.key.to_keypair_bytes());
        let mut inner = Zeroizing::new([self.id.as_slice(), secret.as_slice(), &checksum(&self.id, &*secret)].concat());
        let stream = keystream(passphrase, &salt, OPSLIMIT, MEMLIMIT)?;
        inner.iter_mut().zip(stream.iter()).for_each(|(b, k)| *b ^= k);
        let bytes =
            [b"EdScB2".as_slice(), &salt, &OPSLIMIT.to_le_bytes(), &MEMLIMIT.to_le_bytes(), inner.as_slice()].concat();
        Ok(format!("untrusted comment: minisign encrypted secret key\n{}\n", BASE64.encode(bytes)))
    }

    /// Reads a secret key file (minisign's or zbor's), decrypting it with `passphrase` when it
    /// is encrypted.
    pub fn from_file(text: &str, passphrase: impl FnOnce() -> anyhow::Result<SecretString>) -> anyhow::Result<Self> {
        let bytes = Zeroizing::new(base64_line(text)?);
        ensure!(
            bytes.len() == 158 && &bytes[..2] == b"Ed" && &bytes[4..6] == b"B2",
            "this is not a minisign secret key"
        );
        let mut inner = Zeroizing::new(bytes[54..].to_vec());
        let encrypted = &bytes[2..4] == b"Sc";
        match &bytes[2..4] {
            b"Sc" => {
                let opslimit = u64::from_le_bytes(bytes[38..46].try_into()?);
                let memlimit = u64::from_le_bytes(bytes[46..54].try_into()?);
                let stream = keystream(&passphrase()?, &bytes[6..38], opslimit, memlimit)?;
                inner.iter_mut().zip(stream.iter()).for_each(|(b, k)| *b ^= k);
            }
            [0, 0] => {}
            _ => bail!("unknown key encryption"),
        }
        let (id, rest) = inner.split_at(8);
        let (secret, sum) = rest.split_at(64);
        // minisign leaves the checksum of an unencrypted key (`-W`) zero; the key pair's own
        // consistency is checked below either way.
        let unchecked = !encrypted && sum.iter().all(|b| *b == 0);
        ensure!(unchecked || checksum(id, secret) == sum, "wrong passphrase, or the key file is damaged");
        let key = SigningKey::from_keypair_bytes(secret.try_into()?)
            .map_err(|_| anyhow::anyhow!("wrong passphrase, or the key file is damaged"))?;
        Ok(Self { id: id.try_into()?, key })
    }

    /// A minisign signature file over `message` (prehashed, as minisign signs by default).
    pub fn sign(&self, message: &[u8], trusted_comment: &str) -> String {
        let trusted_comment = trusted_comment.replace(['\r', '\n'], " ");
        let signature = self.key.sign(&Blake2b512::digest(message)).to_bytes();
        let global = self.key.sign(&[signature.as_slice(), trusted_comment.as_bytes()].concat()).to_bytes();
        format!(
            "untrusted comment: signature from zbor secret key {}\n{}\ntrusted comment: {}\n{}\n",
            key_id_hex(&self.id),
            BASE64.encode([b"ED".as_slice(), &self.id, &signature].concat()),
            trusted_comment,
            BASE64.encode(global)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libsodium_picks_minisigns_default_and_our_parameters() {
        // minisign's defaults (opslimit 2²⁵, memlimit 2³⁰) are N = 2²⁰, r = 8, p = 1.
        assert_eq!(scrypt_params(33_554_432, 1_073_741_824), (20, 8, 1));
        assert_eq!(scrypt_params(OPSLIMIT, MEMLIMIT), (16, 8, 1));
    }

    #[test]
    fn a_signature_verifies_and_any_change_is_refused() {
        let secret = SecretKey::generate();
        let public = PublicKey::parse(&secret.public().to_file()).unwrap();
        let signed = secret.sign(b"the manifest", "zbor mirror");
        assert_eq!(public.verify(b"the manifest", &signed).unwrap(), "zbor mirror");
        assert!(public.verify(b"the manifesT", &signed).is_err(), "a changed file");
        let forged = signed.replace("trusted comment: zbor mirror", "trusted comment: zbor mirrors");
        assert!(public.verify(b"the manifest", &forged).unwrap_err().to_string().contains("trusted comment"));
        let other = SecretKey::generate().public();
        assert!(other.verify(b"the manifest", &signed).unwrap_err().to_string().contains("another key"));
    }

    #[test]
    fn a_secret_key_file_opens_only_with_its_passphrase() {
        let secret = SecretKey::generate();
        let file = secret.to_encrypted_file(&SecretString::from("a long passphrase")).unwrap();
        assert!(!file.contains(&BASE64.encode(secret.key.to_bytes())));
        let opened = SecretKey::from_file(&file, || Ok(SecretString::from("a long passphrase"))).unwrap();
        assert_eq!(opened.public(), secret.public());
        let wrong = SecretKey::from_file(&file, || Ok(SecretString::from("another passphrase")));
        assert!(wrong.err().unwrap().to_string().contains("wrong passphrase"));
    }
}
