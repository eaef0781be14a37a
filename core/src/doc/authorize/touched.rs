//! What one change touched, read from the change's own operations: root
//! fields, and entries of the keyed collections (a finding, a response, a
//! signature...). Anything written inside an entry, at any depth, touches the
//! entry, and so does a write that loses to a concurrent one. (Automerge's
//! diff between the heads would say the same, but it walks the document:
//! 6 ms on a 300-finding inspection, where reading the ops costs microseconds.)

use std::collections::{BTreeMap, BTreeSet};

use automerge::legacy::{Key, ObjectId};
use automerge::{Automerge, Change, Prop, ReadDoc};

/// The root keys that hold collections keyed by id.
pub const COLLECTIONS: &[&str] = &[
    "team",
    "subgroups",
    "responses",
    "findings",
    "interviews",
    "evidence",
    "signatures",
    "refusals",
    "actors",
    "hazard_events",
    "rectification_reports",
    "governance_plans",
];

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
    /// What `change` (held by `doc`) wrote.
    pub fn of_change(doc: &Automerge, change: &Change) -> Self {
        let mut out = Touched::default();
        for op in change.decode().operations {
            let key = match &op.key {
                Key::Map(k) => Some(k.to_string()),
                Key::Seq(_) => None,
            };
            let path = match &op.obj {
                ObjectId::Root => vec![],
                ObjectId::Id(id) => {
                    let parents = doc
                        .import_obj(&format!("{}@{}", id.0, id.1.to_hex_string()))
                        .and_then(|obj| doc.parents(obj).map(|p| p.path()));
                    match parents {
                        Ok(path) => path.into_iter().map(|(_, prop)| prop).collect(),
                        // An object the document does not know: refuse as unknown.
                        Err(_) => vec![Prop::Map("?".into()), Prop::Map("?".into())],
                    }
                }
            };
            out.record(&path, key);
        }
        out
    }

    /// Files a write of `key` (map keys only) in the object at `path`.
    fn record(&mut self, path: &[Prop], key: Option<String>) {
        match path {
            [] => {
                if let Some(k) = key {
                    self.root.insert(k);
                }
            }
            [Prop::Map(first), rest @ ..] => match collection(first) {
                Some(c) => match (rest.first(), key) {
                    (Some(Prop::Map(entry)), _) => {
                        self.entries.entry(c).or_default().insert(entry.clone());
                    }
                    (None, Some(entry)) => {
                        self.entries.entry(c).or_default().insert(entry);
                    }
                    _ => {
                        self.root.insert(first.clone());
                    }
                },
                None => {
                    self.root.insert(first.clone());
                }
            },
            _ => {
                self.root.insert(String::from("?"));
            }
        }
    }

    /// The touched entries of `collection`.
    pub fn entries(&self, collection: &str) -> impl Iterator<Item = &String> {
        self.entries.get(collection).into_iter().flatten()
    }
}

fn collection(key: &str) -> Option<&'static str> {
    COLLECTIONS.iter().copied().find(|c| *c == key)
}
