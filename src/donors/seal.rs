//! Sealing a donor's story and contact to the keyholders, and opening it on a keyholder's own
//! computer.
//!
//! A record is laid out in a fixed-size buffer (so its ciphertext's size says nothing about
//! what was written), bound to its offer's random id (so records cannot be swapped between
//! offers unnoticed), and encrypted with age to every recipient. The server only ever calls
//! [`seal`]; [`open`] needs an identity, which never exists on the server.

use std::io::{Read, Write};

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::recipients::Recipients;

/// Size of every record before encryption.
pub const RECORD_SIZE: usize = 32 * 1024;
/// Format version written first in every record: 2 adds the name the donor asked to be
/// credited by; records of version 1 (story and contact only) still open.
const VERSION: u8 = 2;
/// Size of every stored record. age adds a random "grease" stanza to each header, so the age
/// file's length varies by a few hundred bytes at random; the envelope hides even that.
pub const ENVELOPE_SIZE: usize = RECORD_SIZE + 2048;
/// Marks an envelope: magic, then the age file's length, the age file, and zeros.
const ENVELOPE_MAGIC: &[u8; 8] = b"zbor-s1\n";

/// What a donor wrote that only keyholders may read.
pub struct SealedFields {
    /// The donor's own story of how the object came to them.
    pub story: SecretString,
    /// How to reach the donor, if they left a way.
    pub contact: SecretString,
    /// The name or pseudonym the donor asked to be credited by: readable in the catalogue's
    /// database only when they agreed to publication, and sealed here in every case.
    pub credit_name: SecretString,
}

impl std::fmt::Debug for SealedFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the contents, not even by accident in a log line.
        f.write_str("SealedFields { .. }")
    }
}

/// Why a record could not be sealed or opened. Carries no plaintext.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("the story and contact are too long to seal")]
    TooLong,
    #[error("encryption failed")]
    Encrypt,
    #[error("this identity cannot open the record, or the record is damaged")]
    Decrypt,
    #[error("the record is not in a known format")]
    Malformed,
    #[error("the record belongs to another offer: records were swapped or replaced")]
    WrongOffer,
}

fn push_field(buffer: &mut Zeroizing<Vec<u8>>, bytes: &[u8]) -> Result<(), SealError> {
    let len = u32::try_from(bytes.len()).map_err(|_| SealError::TooLong)?;
    buffer.extend_from_slice(&len.to_be_bytes());
    buffer.extend_from_slice(bytes);
    Ok(())
}

/// Seals `fields` for offer `offer_ref` to every recipient.
pub fn seal(offer_ref: &str, fields: &SealedFields, recipients: &Recipients) -> Result<Vec<u8>, SealError> {
    let mut plain = Zeroizing::new(Vec::with_capacity(RECORD_SIZE));
    plain.push(VERSION);
    push_field(&mut plain, offer_ref.as_bytes())?;
    push_field(&mut plain, fields.story.expose_secret().as_bytes())?;
    push_field(&mut plain, fields.contact.expose_secret().as_bytes())?;
    push_field(&mut plain, fields.credit_name.expose_secret().as_bytes())?;
    if plain.len() > RECORD_SIZE {
        return Err(SealError::TooLong);
    }
    plain.resize(RECORD_SIZE, 0);

    let encryptor = age::Encryptor::with_recipients(recipients.keys().map(|k| k as &dyn age::Recipient))
        .map_err(|_| SealError::Encrypt)?;
    let mut sealed = Vec::with_capacity(RECORD_SIZE + 1024);
    let mut writer = encryptor.wrap_output(&mut sealed).map_err(|_| SealError::Encrypt)?;
    writer.write_all(&plain).map_err(|_| SealError::Encrypt)?;
    writer.finish().map_err(|_| SealError::Encrypt)?;

    let mut envelope = Vec::with_capacity(ENVELOPE_SIZE);
    envelope.extend_from_slice(ENVELOPE_MAGIC);
    envelope.extend_from_slice(&u32::try_from(sealed.len()).map_err(|_| SealError::TooLong)?.to_be_bytes());
    envelope.extend_from_slice(&sealed);
    if envelope.len() > ENVELOPE_SIZE {
        return Err(SealError::TooLong);
    }
    envelope.resize(ENVELOPE_SIZE, 0);
    Ok(envelope)
}

/// The age file inside a stored envelope, for the standard `age`/`rage` tools.
pub fn age_file(envelope: &[u8]) -> Result<&[u8], SealError> {
    let rest = envelope.strip_prefix(ENVELOPE_MAGIC.as_slice()).ok_or(SealError::Malformed)?;
    let (len, rest) = rest.split_first_chunk::<4>().ok_or(SealError::Malformed)?;
    rest.get(..u32::from_be_bytes(*len) as usize).ok_or(SealError::Malformed)
}

fn take_field<'a>(rest: &mut &'a [u8]) -> Result<&'a [u8], SealError> {
    let (len, tail) = rest.split_first_chunk::<4>().ok_or(SealError::Malformed)?;
    let len = u32::from_be_bytes(*len) as usize;
    if tail.len() < len {
        return Err(SealError::Malformed);
    }
    let (field, tail) = tail.split_at(len);
    *rest = tail;
    Ok(field)
}

/// Opens a stored record with `identities` and checks that it was sealed for `offer_ref`.
pub fn open(offer_ref: &str, envelope: &[u8], identities: &[&dyn age::Identity]) -> Result<SealedFields, SealError> {
    open_age_file(offer_ref, age_file(envelope)?, identities)
}

/// Opens a record's age file (as in a bundle) and checks that it was sealed for `offer_ref`.
pub fn open_age_file(
    offer_ref: &str,
    sealed: &[u8],
    identities: &[&dyn age::Identity],
) -> Result<SealedFields, SealError> {
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|_| SealError::Decrypt)?;
    let mut reader = decryptor.decrypt(identities.iter().copied()).map_err(|_| SealError::Decrypt)?;
    let mut plain = Zeroizing::new(Vec::with_capacity(RECORD_SIZE));
    reader.read_to_end(&mut plain).map_err(|_| SealError::Decrypt)?;
    let (&version, mut rest) = plain.split_first().ok_or(SealError::Malformed)?;
    if !(1..=VERSION).contains(&version) || plain.len() != RECORD_SIZE {
        return Err(SealError::Malformed);
    }
    let bound_to = take_field(&mut rest)?;
    if bound_to != offer_ref.as_bytes() {
        return Err(SealError::WrongOffer);
    }
    let text =
        |bytes: &[u8]| String::from_utf8(bytes.to_vec()).map(SecretString::from).map_err(|_| SealError::Malformed);
    let story = text(take_field(&mut rest)?)?;
    let contact = text(take_field(&mut rest)?)?;
    let credit_name = if version >= 2 { text(take_field(&mut rest)?)? } else { SecretString::from(String::new()) };
    Ok(SealedFields { story, contact, credit_name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(story: &str, contact: &str) -> SealedFields {
        SealedFields {
            story: SecretString::from(story.to_owned()),
            contact: SecretString::from(contact.to_owned()),
            credit_name: SecretString::from(String::new()),
        }
    }

    fn keyholder() -> (age::x25519::Identity, Recipients) {
        let identity = age::x25519::Identity::generate();
        let recipients = Recipients::parse(&identity.to_public().to_string()).unwrap();
        (identity, recipients)
    }

    #[test]
    fn sealed_records_open_only_for_their_offer_and_their_keyholders() {
        let (identity, recipients) = keyholder();
        let sealed = seal("offer-a", &fields("CANARY-STORY", "CANARY-CONTACT @tg"), &recipients).unwrap();
        let haystack = String::from_utf8_lossy(&sealed);
        assert!(!haystack.contains("CANARY"), "no plaintext in the ciphertext");

        let opened = open("offer-a", &sealed, &[&identity]).unwrap();
        assert_eq!(opened.story.expose_secret(), "CANARY-STORY");
        assert_eq!(opened.contact.expose_secret(), "CANARY-CONTACT @tg");

        let stranger = age::x25519::Identity::generate();
        assert_eq!(open("offer-a", &sealed, &[&stranger]).unwrap_err(), SealError::Decrypt);
        assert_eq!(open("offer-b", &sealed, &[&identity]).unwrap_err(), SealError::WrongOffer);
        let mut flipped = sealed.clone();
        let last = 12 + age_file(&sealed).unwrap().len() - 10;
        flipped[last] ^= 1;
        assert_eq!(open("offer-a", &flipped, &[&identity]).unwrap_err(), SealError::Decrypt);
    }

    #[test]
    fn every_record_has_the_same_size() {
        let (_, recipients) = keyholder();
        let short = seal("o1", &fields("", "a@b.c"), &recipients).unwrap();
        let long = seal("o2", &fields(&"Гісторыя. ".repeat(300), &"x".repeat(500)), &recipients).unwrap();
        assert_eq!(short.len(), long.len());
        let too_long = fields(&"я".repeat(RECORD_SIZE), "");
        assert_eq!(seal("o3", &too_long, &recipients).unwrap_err(), SealError::TooLong);
    }
}
