//! Bundles: the sealed records a keyholder downloads, as one text file. Each record is an
//! ASCII-armored age file under a line naming its offer, so a keyholder can open a bundle with
//! `zbor contacts open`, or copy one block into a file and use the standard `age`/`rage` tools.

use std::io::{Read, Write};

use anyhow::{Context, bail};

use super::contacts::Vault;
use super::seal;
use crate::auth::Role;
use crate::collection::command::{Command, CommandError, CommandResult, Tx};

const HEADER: &str = "zbor contacts bundle v1";

/// One record of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRecord {
    pub offer_ref: String,
    /// The age file (binary).
    pub age_file: Vec<u8>,
}

/// Writes a bundle of stored records (`offer_ref`, envelope).
pub fn write(records: &[(String, Vec<u8>)]) -> anyhow::Result<String> {
    let mut out = format!(
        "{HEADER}\n# Sealed donor records. Open with: zbor contacts open THIS_FILE --identity YOUR_KEY\n\
         # or save one block to a file and run: age -d -i YOUR_KEY BLOCK.age (the record is padded with zeros)\n"
    );
    for (offer_ref, envelope) in records {
        let age_file = seal::age_file(envelope).map_err(|e| anyhow::anyhow!("record {offer_ref}: {e}"))?;
        let mut armored = Vec::new();
        let mut writer = age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)?;
        writer.write_all(age_file)?;
        writer.finish()?;
        out.push_str(&format!("\noffer {offer_ref}\n"));
        out.push_str(std::str::from_utf8(&armored).context("armor is text")?);
    }
    Ok(out)
}

/// Reads a bundle.
pub fn parse(text: &str) -> anyhow::Result<Vec<BundleRecord>> {
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some(HEADER) {
        bail!("not a zbor contacts bundle");
    }
    let mut records = Vec::new();
    let mut offer: Option<String> = None;
    let mut block: Option<String> = None;
    for line in lines {
        if let Some(current) = block.as_mut() {
            current.push_str(line);
            current.push('\n');
            if line.starts_with("-----END AGE ENCRYPTED FILE-----") {
                let armored = block.take().unwrap_or_default();
                let offer_ref = offer.take().context("a record without its offer line")?;
                let mut age_file = Vec::new();
                age::armor::ArmoredReader::new(armored.as_bytes())
                    .read_to_end(&mut age_file)
                    .with_context(|| format!("record {offer_ref} is damaged"))?;
                records.push(BundleRecord { offer_ref, age_file });
            }
        } else if let Some(offer_ref) = line.strip_prefix("offer ") {
            offer = Some(offer_ref.trim().to_owned());
        } else if line.starts_with("-----BEGIN AGE ENCRYPTED FILE-----") {
            block = Some(format!("{line}\n"));
        }
    }
    if block.is_some() {
        bail!("the bundle ends in the middle of a record");
    }
    Ok(records)
}

/// Longest reason for a bundle download, in characters.
pub const MAX_REASON: usize = 500;

/// A bundle released to a keyholder.
#[derive(Debug, Clone)]
pub struct Released {
    /// The bundle file's text.
    pub text: String,
    pub records: usize,
}

/// Releases the sealed records of the chosen offers to a keyholder as a bundle, for a reason.
/// The release is audited in the same transaction, before a byte of it is sent; this is the
/// only read of chosen records the vault allows.
#[derive(Debug, Clone)]
pub struct ReleaseBundle<'v> {
    pub vault: &'v Vault,
    /// Offer ids.
    pub offers: Vec<String>,
    pub reason: String,
}

impl Command for ReleaseBundle<'_> {
    type Output = Released;

    async fn run(self, tx: &mut Tx) -> CommandResult<Released> {
        tx.require(Role::can_open_bundles)?;
        let reason = self.reason.trim();
        if self.offers.is_empty() {
            return Err(CommandError::Refused("admin-bundle-none"));
        }
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(CommandError::Refused("admin-bundle-reason"));
        }
        let mut known = Vec::new();
        for id in &self.offers {
            let number: Option<String> = sqlx::query_scalar("SELECT entry_number FROM offers WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            if let Some(number) = number {
                known.push((id.clone(), number));
            }
        }
        let refs: Vec<String> = known.iter().map(|(id, _)| id.clone()).collect();
        let records = self.vault.fetch(&refs).await?;
        if records.is_empty() {
            return Err(CommandError::NotFound);
        }
        let text = write(&records)?;
        let entries: Vec<&str> = known.iter().map(|(_, number)| number.as_str()).collect();
        let details = serde_json::json!({ "reason": reason, "offers": refs, "entries": entries });
        tx.audit("bundle-download", &entries.join(", "), details).await?;
        Ok(Released { text, records: records.len() })
    }
}
