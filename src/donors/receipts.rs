//! Receipts: an optional, innocuous-looking code a donor may keep to check an offer later and
//! read the curators' replies.
//!
//! The code carries 80 random bits, written like a gift-card number (`7KQ4-M9XT-2HWP-R3CD`).
//! The server keeps only what Argon2id makes of it: 32 bytes to find the offer, and the public
//! half of an X25519 key pair derived from the other 32 bytes, to which replies are sealed. So
//! the server can write replies at any time, but only someone holding the code can read them,
//! and a seized database yields no receipt.

use std::io::{Read, Write};

use anyhow::Context;
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or retyped survives.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code, without the dashes.
const CODE_LEN: usize = 16;
/// Replies are padded to a multiple of this many bytes, so their size says little.
const REPLY_BUCKET: usize = 1024;
/// Longest reply, in bytes.
pub const MAX_REPLY_BYTES: usize = 8 * 1024;

/// A fresh receipt code, as shown to the donor once.
pub fn generate() -> SecretString {
    let mut bytes = Zeroizing::new([0u8; 10]);
    rand::rng().fill_bytes(bytes.as_mut());
    // 80 bits, five at a time.
    let mut acc = Zeroizing::new(0u128);
    for b in bytes.iter() {
        *acc = (*acc << 8) | u128::from(*b);
    }
    let mut code = Zeroizing::new(String::with_capacity(CODE_LEN + 3));
    for i in 0..CODE_LEN {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        let shift = 5 * (CODE_LEN - 1 - i);
        code.push(ALPHABET[((*acc >> shift) & 31) as usize] as char);
    }
    SecretString::from(code.as_str())
}

/// The canonical form of a code as typed: upper case, without spaces or dashes, with the
/// letters people confuse mapped as Crockford's base32 does. `None` when it cannot be a code.
pub fn normalise(typed: &str) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(CODE_LEN));
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\t' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || out.len() >= CODE_LEN {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// What the server derives from a code.
pub struct Derived {
    /// Stored, to find the offer.
    pub lookup: [u8; 32],
    /// Opens the replies; exists only while a donor's request is answered.
    pub identity: age::x25519::Identity,
}

impl Derived {
    /// The public key to store beside the offer.
    pub fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }
}

/// Argon2id (OWASP parameters) over a normalised code, salted with the installation's salt.
/// Slow on purpose; call it off the async runtime.
pub fn derive(normalised: &str, salt: &str) -> anyhow::Result<Derived> {
    let params = Params::new(19 * 1024, 2, 1, Some(64)).map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 64]);
    argon
        .hash_password_into(normalised.as_bytes(), salt.as_bytes(), out.as_mut())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    let mut lookup = [0u8; 32];
    lookup.copy_from_slice(&out[..32]);
    // age's prefix for an identity, named once (in `recipients`), so that nothing in the source
    // looks like the start of a secret key.
    let prefix = super::recipients::SECRET_PREFIX.to_ascii_lowercase();
    let hrp = bech32::Hrp::parse(&prefix).context("bech32 prefix")?;
    let encoded = Zeroizing::new(bech32::encode_lower::<bech32::Bech32>(hrp, &out[32..]).context("bech32")?);
    let identity: age::x25519::Identity =
        encoded.parse().map_err(|e: &str| anyhow::anyhow!("deriving the reply key: {e}"))?;
    Ok(Derived { lookup, identity })
}

/// Seals a curator's reply to an offer's receipt recipient.
pub fn seal_reply(recipient: &str, text: &str) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(text.len() <= MAX_REPLY_BYTES, "reply too long");
    let recipient: age::x25519::Recipient =
        recipient.parse().map_err(|e: &str| anyhow::anyhow!("receipt recipient: {e}"))?;
    let mut padded = Zeroizing::new(Vec::with_capacity(MAX_REPLY_BYTES + 4));
    padded.extend_from_slice(&(text.len() as u32).to_be_bytes());
    padded.extend_from_slice(text.as_bytes());
    let size = padded.len().div_ceil(REPLY_BUCKET) * REPLY_BUCKET;
    padded.resize(size, 0);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| anyhow::anyhow!("reply encryptor: {e}"))?;
    let mut sealed = Vec::new();
    let mut writer = encryptor.wrap_output(&mut sealed)?;
    writer.write_all(&padded)?;
    writer.finish()?;
    Ok(sealed)
}

/// Opens a reply with the identity derived from the donor's code.
pub fn open_reply(identity: &age::x25519::Identity, sealed: &[u8]) -> anyhow::Result<String> {
    let decryptor = age::Decryptor::new(sealed).map_err(|e| anyhow::anyhow!("reply: {e}"))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| anyhow::anyhow!("reply: {e}"))?;
    let mut padded = Zeroizing::new(Vec::new());
    reader.read_to_end(&mut padded)?;
    anyhow::ensure!(padded.len() >= 4, "reply too short");
    let len = u32::from_be_bytes([padded[0], padded[1], padded[2], padded[3]]) as usize;
    let text = padded.get(4..4 + len).context("reply length")?;
    String::from_utf8(text.to_vec()).context("reply text")
}

/// Exposes a generated code for showing it to the donor (the only place it is ever shown).
pub fn show(code: &SecretString) -> &str {
    code.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_look_like_gift_cards_and_survive_retyping() {
        let code = generate();
        let shown = show(&code);
        assert_eq!(shown.len(), 19);
        assert_eq!(shown.matches('-').count(), 3);
        let canonical = normalise(shown).expect("valid");
        let retyped = shown.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(normalise(&retyped).expect("retyped").as_str(), canonical.as_str());
        assert!(normalise("not a code").is_none());
        assert!(normalise(&format!("{shown}7")).is_none());
        assert_ne!(show(&generate()), shown);
    }

    #[test]
    fn replies_open_only_with_the_code_that_made_the_key() {
        let salt = "0123456789abcdef";
        let code = normalise(show(&generate())).expect("code");
        let derived = derive(&code, salt).expect("derive");
        let again = derive(&code, salt).expect("derive again");
        assert_eq!(derived.lookup, again.lookup);
        let sealed = seal_reply(&derived.recipient(), "Дзякуй! We would like to talk.").expect("seal");
        assert_eq!(open_reply(&again.identity, &sealed).expect("open"), "Дзякуй! We would like to talk.");
        let other = derive(&normalise(show(&generate())).expect("code"), salt).expect("other");
        assert_ne!(other.lookup, derived.lookup);
        assert!(open_reply(&other.identity, &sealed).is_err());
    }
}
