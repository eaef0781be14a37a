//! The draw: per class, the enterprises below their ceiling in id order are
//! shuffled with ChaCha20 from the seed (Fisher–Yates) and the first
//! ceil(ratio × eligible) drawn; then each drawn enterprise, in the drawn
//! order, gets `team_size` certified officers of its industry's departments
//! who declared no conflict with it, chosen at random among the least
//! loaded so far. Every officer left out for an enterprise, and why, is in
//! the result.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{DrawRules, Pool};

/// A drawn enterprise and its officers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// The enterprise's id.
    pub enterprise: String,
    /// The officers' ids (fewer than the team size: see `DrawResult::unstaffed`).
    pub inspectors: Vec<String>,
}

/// An officer left out for an enterprise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// The officer.
    pub inspector: String,
    /// The enterprise.
    pub enterprise: String,
    /// The rule: `conflict` (回避), `certificate`, `department`.
    pub rule: String,
    /// Why, in Chinese.
    pub reason: String,
}

/// What a draw produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawResult {
    /// Drawn enterprises with their teams, in drawn order.
    pub picks: Vec<Pick>,
    /// Enterprises left out because they reached their ceiling.
    pub at_cap: Vec<String>,
    /// Officers left out, per enterprise, with the reason.
    pub exclusions: Vec<Exclusion>,
    /// Drawn enterprises for which fewer than the team size could be found.
    pub unstaffed: Vec<String>,
}

/// A uniform number below `n` (rejection sampling: no modulo bias).
fn below(rng: &mut ChaCha20Rng, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

fn shuffle<T>(rng: &mut ChaCha20Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = below(rng, i + 1);
        v.swap(i, j);
    }
}

/// Runs the draw on a normalized `pool` with `rules` and `seed`.
pub fn run(pool: &Pool, rules: &DrawRules, seed: &[u8; 32]) -> DrawResult {
    let mut rng = ChaCha20Rng::from_seed(*seed);
    let mut out = DrawResult::default();
    let cap_of = |class: &str| rules.cap.iter().find(|(c, _)| c == class).map(|(_, n)| *n);
    let mut drawn: Vec<&super::PoolEnterprise> = Vec::new();
    for (class, percent) in &rules.ratio {
        let mut eligible = Vec::new();
        for e in pool.enterprises.iter().filter(|e| &e.class == class) {
            if cap_of(class).is_some_and(|cap| e.inspected_this_year >= cap) {
                out.at_cap.push(e.id.clone());
            } else {
                eligible.push(e);
            }
        }
        let take = (eligible.len() * (*percent).min(100) as usize).div_ceil(100);
        shuffle(&mut rng, &mut eligible);
        drawn.extend(eligible.into_iter().take(take));
    }
    let mut load = vec![0u32; pool.inspectors.len()];
    let team = rules.team_size.max(2) as usize;
    for e in drawn {
        let allowed = rules.departments.iter().find(|(i, _)| *i == e.industry).map(|(_, d)| d);
        let mut candidates = Vec::new();
        for (k, i) in pool.inspectors.iter().enumerate() {
            let left_out = |rule: &str, reason: String| Exclusion {
                inspector: i.id.clone(),
                enterprise: e.id.clone(),
                rule: rule.into(),
                reason,
            };
            if let Some((_, seal)) = i.conflicts.iter().find(|(ent, _)| *ent == e.id) {
                let seal: String = seal.chars().take(12).collect();
                out.exclusions.push(left_out("conflict", format!("回避（理由已登记，封存号 {seal}）")));
            } else if i.certificate.as_deref().is_none_or(|c| c.trim().is_empty()) {
                // Not an enforcement officer: never drawn (not listed per enterprise).
            } else if allowed.is_some_and(|d| !d.contains(&i.department)) {
                // Another department's field: not a candidate (not listed either).
            } else {
                candidates.push(k);
            }
        }
        // Random order first, then the least loaded: a fair spread of work.
        shuffle(&mut rng, &mut candidates);
        candidates.sort_by_key(|k| load[*k]);
        let chosen: Vec<usize> = candidates.into_iter().take(team).collect();
        for k in &chosen {
            load[*k] += 1;
        }
        if chosen.len() < team {
            out.unstaffed.push(e.id.clone());
        }
        out.picks.push(Pick {
            enterprise: e.id.clone(),
            inspectors: chosen.iter().map(|k| pool.inspectors[*k].id.clone()).collect(),
        });
    }
    out
}
