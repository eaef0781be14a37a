//! The server's guard on frozen entries: a signature or refusal is written
//! once, in one change, by the device that captured it, and a device key is
//! registered only by its own device. A change that writes into someone
//! else's frozen entry or key is refused before it is stored, so tampering
//! does not even reach other devices (and verification catches it anyway).

use automerge::{Automerge, ObjId, ReadDoc, Value, ROOT};

use crate::error::{Error, Result};

/// Checks every frozen entry and registered key of an inspection document.
pub fn check_frozen(doc: &Automerge) -> Result<()> {
    for collection in ["signatures", "refusals"] {
        let Some((Value::Object(_), map)) = doc.get(ROOT, collection)? else { continue };
        for key in doc.keys(&map) {
            let all = doc.get_all(&map, key.as_str())?;
            let [(Value::Object(_), obj)] = all.as_slice() else {
                return Err(Error::Schema(format!("{collection} entry {key} was written twice")));
            };
            let ObjId::Id(_, creator, _) = obj else { continue };
            untouched(doc, obj, creator, &format!("{collection} entry {key}"))?;
        }
    }
    if let Some((Value::Object(_), actors)) = doc.get(ROOT, "actors")? {
        for actor in doc.keys(&actors) {
            let Some((Value::Object(_), entry)) = doc.get(&actors, actor.as_str())? else { continue };
            for (_, op) in doc.get_all(&entry, "device_key")? {
                if !matches!(&op, ObjId::Id(_, writer, _) if writer.to_hex_string() == actor) {
                    return Err(Error::Schema(format!("a device key was registered for another device ({actor})")));
                }
            }
        }
    }
    Ok(())
}

/// Every value inside `obj` (recursively) is single and written by `creator`.
fn untouched(doc: &Automerge, obj: &ObjId, creator: &automerge::ActorId, what: &str) -> Result<()> {
    let keys: Vec<automerge::Prop> = match doc.object_type(obj)? {
        automerge::ObjType::Map | automerge::ObjType::Table => doc.keys(obj).map(automerge::Prop::Map).collect(),
        _ => (0..doc.length(obj)).map(automerge::Prop::Seq).collect(),
    };
    for prop in keys {
        let values = doc.get_all(obj, prop.clone())?;
        if values.len() != 1 {
            return Err(Error::Schema(format!("{what} was changed after it was frozen")));
        }
        let (value, id) = &values[0];
        if !matches!(id, ObjId::Id(_, writer, _) if writer == creator) {
            return Err(Error::Schema(format!("{what} was changed after it was frozen")));
        }
        if let Value::Object(_) = value {
            untouched(doc, id, creator, what)?;
        }
    }
    Ok(())
}
