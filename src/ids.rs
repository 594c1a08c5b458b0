//! Random opaque ids and tokens, for whatever must be named without saying anything.

use rand::RngCore;

/// A random opaque id: 128 bits from the OS generator, hex-encoded. It says nothing about
/// what it names or when it was made.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
