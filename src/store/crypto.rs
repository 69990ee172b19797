//! Encryption of secrets at rest: XChaCha20-Poly1305 (the `chacha20poly1305` crate, a
//! RustCrypto AEAD — no hand-written crypto).
//!
//! The key comes from `ROUTEX_MASTER_KEY` (any passphrase; SHA-256 of it is the key), else
//! from `<data-dir>/master.key`, 32 random bytes created on first use with mode 0600.
//! Sealed values look like `enc:v1:<base64(nonce ‖ ciphertext)>`.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::path::Path;

use super::Error;

const PREFIX: &str = "enc:v1:";

/// The AEAD cipher for secrets.
#[derive(Clone)]
pub struct Cipher {
    aead: XChaCha20Poly1305,
    source: &'static str,
}

impl Cipher {
    /// Load the key from the environment or the data directory's key file.
    pub fn load(data_dir: &Path) -> Result<Cipher, Error> {
        if let Ok(pass) = std::env::var("ROUTEX_MASTER_KEY") {
            if !pass.is_empty() {
                let mut c = Cipher::from_passphrase(&pass);
                c.source = "ROUTEX_MASTER_KEY";
                return Ok(c);
            }
        }
        let path = data_dir.join("master.key");
        let io = |context: String| move |source| Error::Io { context, source };
        let key: Vec<u8> = match std::fs::read_to_string(&path) {
            Ok(text) => base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .ok()
                .filter(|k| k.len() == 32)
                .ok_or_else(|| {
                    Error::Crypto(format!(
                        "the key file {} is not a base64 32-byte key; restore it from backup or set ROUTEX_MASTER_KEY",
                        path.display()
                    ))
                })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::getrandom(&mut key).map_err(|e| Error::Crypto(format!("no randomness for a key: {e}")))?;
                write_private(&path, base64::engine::general_purpose::STANDARD.encode(key).as_bytes())
                    .map_err(io(format!("cannot write the key file {}", path.display())))?;
                key.to_vec()
            }
            Err(e) => return Err(io(format!("cannot read the key file {}", path.display()))(e)),
        };
        Ok(Cipher { aead: XChaCha20Poly1305::new_from_slice(&key).expect("32-byte key"), source: "master.key" })
    }

    /// A cipher keyed by SHA-256 of a passphrase.
    pub fn from_passphrase(pass: &str) -> Cipher {
        let key = Sha256::digest(pass.as_bytes());
        Cipher { aead: XChaCha20Poly1305::new_from_slice(&key).expect("32-byte key"), source: "passphrase" }
    }

    /// Encrypt a secret for storage.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 24];
        getrandom::getrandom(&mut nonce).expect("randomness");
        let ct = self
            .aead
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .expect("encryption cannot fail for in-memory buffers");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(blob))
    }

    /// Decrypt a stored secret. `what` names it in the error.
    pub fn open(&self, sealed: &str, what: &str) -> Result<String, Error> {
        let bad = || {
            Error::Crypto(format!(
                "cannot decrypt {what}: it was stored with a different key than {} provides; \
                 set ROUTEX_MASTER_KEY (or restore master.key) to the one used when it was saved",
                self.source
            ))
        };
        let Some(b64) = sealed.strip_prefix(PREFIX) else {
            return Err(Error::Crypto(format!("{what} is not in the sealed format (enc:v1:…)")));
        };
        let blob = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| bad())?;
        if blob.len() < 24 {
            return Err(bad());
        }
        let (nonce, ct) = blob.split_at(24);
        let plain = self.aead.decrypt(XNonce::from_slice(nonce), ct).map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_wrong_key_fails() {
        let a = Cipher::from_passphrase("one");
        let sealed = a.seal("sk-secret-value");
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("sk-secret"));
        assert_eq!(a.open(&sealed, "k").unwrap(), "sk-secret-value");
        let b = Cipher::from_passphrase("two");
        assert!(b.open(&sealed, "the key").unwrap_err().to_string().contains("cannot decrypt the key"));
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        std::env::remove_var("ROUTEX_MASTER_KEY");
        let a = Cipher::load(dir.path()).unwrap();
        let b = Cipher::load(dir.path()).unwrap();
        let sealed = a.seal("x-secret");
        assert_eq!(b.open(&sealed, "k").unwrap(), "x-secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("master.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
