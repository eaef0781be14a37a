//! An edit as the device's journal keeps it: the editor and the edits of one
//! committed change, encoded as a small automerge document (the same
//! mapping the inspection uses for every value, so nothing needs a second
//! serialization). When the server refuses a change, the device's later
//! work that depended on it is made again from here, by the same person,
//! under the rules that hold then.

use automerge::transaction::CommitOptions;
use automerge::Automerge;
use autosurgeon::{Hydrate, Reconcile};

use super::edit::{Edit, Editor};
use crate::error::{Error, Result};

#[derive(Reconcile, Hydrate)]
struct Entry {
    editor: Editor,
    edits: Vec<Edit>,
}

/// The bytes that keep `edits` by `editor`.
pub fn encode(editor: &Editor, edits: &[Edit]) -> Result<Vec<u8>> {
    let mut doc = Automerge::new();
    let entry = Entry { editor: editor.clone(), edits: edits.to_vec() };
    doc.transact_with(|_| CommitOptions::default().with_time(0), |tx| autosurgeon::reconcile(tx, &entry))
        .map_err(|f| Error::from(f.error))?;
    Ok(doc.save())
}

/// The editor and edits kept in `bytes`.
pub fn decode(bytes: &[u8]) -> Result<(Editor, Vec<Edit>)> {
    let doc = Automerge::load(bytes)?;
    let entry: Entry = autosurgeon::hydrate(&doc)?;
    Ok((entry.editor, entry.edits))
}
