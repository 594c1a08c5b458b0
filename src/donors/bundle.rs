//! Bundles: the sealed records a keyholder downloads, as one text file. Each record is an
//! ASCII-armored age file under a line naming its offer, so a keyholder can open a bundle with
//! `zbor contacts open`, or copy one block into a file and use the standard `age`/`rage` tools.

use std::io::{Read, Write};

use anyhow::{Context, bail};

use super::seal;

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
