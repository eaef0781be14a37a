//! What one change touched, from automerge's diff between the heads it was
//! made on and the heads it produced: root fields, and entries of the keyed
//! collections (a finding, a response, a signature...). Anything written
//! inside an entry, at any depth, touches the entry; a key that only gained a
//! losing concurrent value shows as a conflict and touches it too.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, ChangeHash, PatchAction, Prop};

/// The root keys that hold collections keyed by id.
pub const COLLECTIONS: &[&str] =
    &["team", "subgroups", "responses", "findings", "interviews", "evidence", "signatures", "refusals", "actors"];

/// What a change touched.
#[derive(Debug, Default)]
pub struct Touched {
    /// Root keys written (a scalar field, a list such as `resolutions`, or a
    /// collection itself being put or deleted).
    pub root: BTreeSet<String>,
    /// Per collection, the entry keys written, added or deleted.
    pub entries: BTreeMap<&'static str, BTreeSet<String>>,
}

impl Touched {
    /// What `doc` changed between `before` and `after`.
    pub fn between(doc: &Automerge, before: &[ChangeHash], after: &[ChangeHash]) -> Self {
        let mut out = Touched::default();
        for patch in doc.diff(before, after) {
            let key = match &patch.action {
                PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
                PatchAction::Conflict { prop: Prop::Map(key) } => Some(key.clone()),
                _ => None,
            };
            match patch.path.as_slice() {
                [] => {
                    if let Some(k) = key {
                        out.root.insert(k);
                    }
                }
                [(_, Prop::Map(first)), rest @ ..] => match collection(first) {
                    Some(c) => match (rest.first(), key) {
                        (Some((_, Prop::Map(entry))), _) => {
                            out.entries.entry(c).or_default().insert(entry.clone());
                        }
                        (None, Some(entry)) => {
                            out.entries.entry(c).or_default().insert(entry);
                        }
                        _ => {
                            out.root.insert(first.clone());
                        }
                    },
                    None => {
                        out.root.insert(first.clone());
                    }
                },
                _ => {
                    out.root.insert(String::from("?"));
                }
            }
        }
        out
    }

    /// The touched entries of `collection`.
    pub fn entries(&self, collection: &str) -> impl Iterator<Item = &String> {
        self.entries.get(collection).into_iter().flatten()
    }
}

fn collection(key: &str) -> Option<&'static str> {
    COLLECTIONS.iter().copied().find(|c| *c == key)
}
