//! The device's signing key (ed25519). Generated once per install and kept in
//! the store's `device` table beside the automerge actor id; the public half
//! is registered in each inspection it signs, tied to the actor whose changes
//! the server has authenticated. The apps may later move the secret into
//! Android Keystore or the iOS Keychain; only this module would change.

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};

/// This device's ed25519 key pair.
#[derive(Clone)]
pub struct DeviceKey {
    key: SigningKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("DeviceKey").field("public", &self.public_hex()).finish()
    }
}

impl DeviceKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::validation("device_key", format!("no randomness: {e}")))?;
        Ok(DeviceKey { key: SigningKey::from_bytes(&seed) })
    }

    /// The key with this secret seed (a key moved in from a platform keystore;
    /// fixed test vectors).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        DeviceKey { key: SigningKey::from_bytes(&seed) }
    }

    /// The key stored in `conn`'s `device` table, created on first use.
    pub fn load_or_create(conn: &Connection) -> Result<Self> {
        let existing: Option<Vec<u8>> =
            conn.query_row("SELECT value FROM device WHERE key = 'signing_key'", [], |r| r.get(0)).optional()?;
        if let Some(bytes) = existing {
            let seed: [u8; 32] =
                bytes.try_into().map_err(|_| Error::Schema("the stored device signing key is malformed".into()))?;
            return Ok(DeviceKey { key: SigningKey::from_bytes(&seed) });
        }
        let key = Self::generate()?;
        conn.execute("INSERT INTO device (key, value) VALUES ('signing_key', ?1)", [key.key.to_bytes().to_vec()])?;
        Ok(key)
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Signs `message`; the signature as hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.key.sign(message).to_bytes())
    }
}

/// Whether `signature_hex` is `public_hex`'s valid signature of `message`
/// (strict verification: no malleable or small-order forms).
pub fn verify_hex(public_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Some(public) = hex::decode(public_hex).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else { return false };
    let Some(sig) = hex::decode(signature_hex).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&public) else { return false };
    key.verify_strict(message, &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_rejects_tampering() {
        let key = DeviceKey::generate().unwrap();
        let sig = key.sign_hex(b"record");
        assert!(verify_hex(&key.public_hex(), b"record", &sig));
        assert!(!verify_hex(&key.public_hex(), b"recorD", &sig));
        let other = DeviceKey::generate().unwrap();
        assert!(!verify_hex(&other.public_hex(), b"record", &sig));
        assert!(!verify_hex("zz", b"record", &sig));
        assert!(!verify_hex(&key.public_hex(), b"record", &sig[..64]));
    }

    #[test]
    fn the_key_is_created_once_and_kept() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE device (key TEXT PRIMARY KEY, value BLOB NOT NULL)").unwrap();
        let a = DeviceKey::load_or_create(&conn).unwrap();
        let b = DeviceKey::load_or_create(&conn).unwrap();
        assert_eq!(a.public_hex(), b.public_hex());
        assert!(!format!("{a:?}").contains(&hex::encode(a.key.to_bytes())));
    }
}
