//! One digest of every document a device holds, so "nothing new" costs one
//! small request however many documents there are.

use automerge::ChangeHash;
use sha2::{Digest as _, Sha256};

/// SHA-256 over `(id, sorted heads)` pairs in id order. Both sides compute it
/// the same way: the device over what it holds, the server over what the
/// device may read, with the server's heads.
pub fn heads_digest<'a, I>(docs: I) -> [u8; 32]
where
    I: IntoIterator<Item = (&'a str, &'a [ChangeHash])>,
{
    let mut list: Vec<(&str, Vec<ChangeHash>)> = docs
        .into_iter()
        .filter(|(_, heads)| !heads.is_empty())
        .map(|(id, heads)| {
            let mut h = heads.to_vec();
            h.sort();
            (id, h)
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (id, heads) in list {
        hasher.update((id.len() as u32).to_be_bytes());
        hasher.update(id.as_bytes());
        hasher.update((heads.len() as u32).to_be_bytes());
        for h in heads {
            hasher.update(h.0);
        }
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_independent_and_sensitive_to_heads() {
        let a = [ChangeHash([1; 32]), ChangeHash([2; 32])];
        let b = [ChangeHash([2; 32]), ChangeHash([1; 32])];
        let c = [ChangeHash([3; 32])];
        let d1 = heads_digest([("x", &a[..]), ("y", &c[..])]);
        let d2 = heads_digest([("y", &c[..]), ("x", &b[..])]);
        assert_eq!(d1, d2);
        assert_ne!(d1, heads_digest([("x", &a[..])]));
        assert_ne!(d1, heads_digest([("x", &c[..]), ("y", &a[..])]));
        // Documents with no changes are the same as absent ones.
        assert_eq!(heads_digest([("x", &a[..]), ("z", &[][..])]), heads_digest([("x", &a[..])]));
    }
}
