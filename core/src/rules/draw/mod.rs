//! 双随机: drawing the enterprises to inspect and the inspectors to send,
//! so that anyone can check it. The office freezes a pool (the enterprises
//! with their classes and this year's inspections, the inspectors with their
//! departments, certificates, qualifications and declared conflicts) and the
//! rules (a ratio per class, the yearly ceilings, two certified officers of
//! the right departments per enterprise), and publishes a commitment: the
//! SHA-256 of the pool, the rules and the hash of a secret seed. After the
//! draw it publishes the seed; the witnesses' numbers, entered at the draw,
//! are mixed in, so neither the office nor the witnesses alone chose the
//! outcome. The draw itself ([`run`]) is a deterministic function of the
//! pool, the rules and the seed: re-running it gives the same result.

mod run;

pub use run::{run, DrawResult, Exclusion, Pick};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version of the algorithm in [`run`] (kept in every draw record).
pub const ALGORITHM: &str = "lianjian-draw/1 (ChaCha20, stratified Fisher-Yates, load-balanced matching)";

/// One enterprise of the pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEnterprise {
    /// Its id.
    pub id: String,
    /// Its name (published with the result).
    pub name: String,
    /// Industry code.
    pub industry: String,
    /// Class for the draw (the office's credit rule's result: red…blue).
    pub class: String,
    /// Government inspections so far this year, of every kind.
    pub inspected_this_year: u32,
}

/// One inspector of the pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolInspector {
    /// Person id.
    pub id: String,
    /// Name (published with the result).
    pub name: String,
    /// Department code.
    pub department: String,
    /// 执法证 number; an inspector without one is never drawn.
    pub certificate: Option<String>,
    /// Declared conflicts (回避): enterprise id and the reason's seal
    /// ([`seal_reason`]). The pool is published; why an officer is tied to
    /// an enterprise (a relative works there, a former employer) is
    /// personal, so only its seal is, which the office can open for an
    /// auditor by showing the reason and its salt.
    pub conflicts: Vec<(String, String)>,
}

/// The pool, frozen for one draw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    /// Enterprises, in id order.
    pub enterprises: Vec<PoolEnterprise>,
    /// Inspectors, in id order.
    pub inspectors: Vec<PoolInspector>,
}

/// The rules of one draw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRules {
    /// Percent of each class to draw (class code → 0..=100), rounded up.
    pub ratio: Vec<(String, u32)>,
    /// The yearly ceiling per class: an enterprise at it is not drawn.
    pub cap: Vec<(String, u32)>,
    /// Officers per enterprise (at least two).
    pub team_size: u32,
    /// The departments whose officers may inspect each industry
    /// (industry code → department codes); an industry not listed takes
    /// any department.
    pub departments: Vec<(String, Vec<String>)>,
}

impl Pool {
    /// Sorts both lists by id, so the same pool always hashes the same.
    pub fn normalized(mut self) -> Self {
        self.enterprises.sort_by(|a, b| a.id.cmp(&b.id));
        self.inspectors.sort_by(|a, b| a.id.cmp(&b.id));
        for i in &mut self.inspectors {
            i.conflicts.sort();
        }
        self
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The hash of the secret seed, as the commitment covers it.
pub fn seed_hash(seed: &[u8; 32]) -> [u8; 32] {
    sha256(seed)
}

/// The commitment published before the draw: SHA-256 of the pool's and the
/// rules' canonical JSON and the seed's hash, each length-prefixed.
pub fn commitment(pool: &Pool, rules: &DrawRules, seed_hash: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    for part in [
        serde_json::to_vec(pool).expect("a pool serializes"),
        serde_json::to_vec(rules).expect("rules serialize"),
        seed_hash.to_vec(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(&part);
    }
    hex::encode(h.finalize())
}

/// The seal of a conflict's reason: SHA-256 (hex) of a domain tag, the
/// office's random `salt` for that declaration, and the reason. Without the
/// salt a short reason cannot be guessed from its seal.
pub fn seal_reason(reason: &str, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"lianjian-recusal/1\0");
    h.update((salt.len() as u64).to_be_bytes());
    h.update(salt.as_bytes());
    h.update(reason.as_bytes());
    hex::encode(h.finalize())
}

/// The seed the draw runs on: the committed secret and the witnesses'
/// numbers, as entered at the draw.
pub fn draw_seed(secret: &[u8; 32], witnesses: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(secret);
    h.update(witnesses.trim().as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests;
