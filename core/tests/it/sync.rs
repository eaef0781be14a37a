//! The sync protocol in memory: devices and a server store exchanging the
//! real CBOR messages through the sans-I/O client and server handlers.

use std::collections::BTreeSet;

use automerge::{Automerge, Change};
use lianjian_core::doc::Edit;
use lianjian_core::model::InspectionStatus;
use lianjian_core::store::Store;
use lianjian_core::sync::client::{ClientSession, Progress, Request, Response};
use lianjian_core::sync::serve::{self, Access, SessionStates};
use lianjian_core::sync::wire::{decode, encode};
use lianjian_core::{Error, Result};

use crate::support::*;

/// A test access table: what one device may read and write.
pub struct TestAccess {
    pub readable: BTreeSet<String>,
    pub writable: BTreeSet<String>,
    /// Documents this device may create on the server.
    pub creatable: BTreeSet<String>,
    pub actors: BTreeSet<String>,
}

impl Access for TestAccess {
    fn readable(&self) -> Result<BTreeSet<String>> {
        Ok(self.readable.clone())
    }
    fn may_write(&self, doc: &str, exists: bool) -> bool {
        if exists {
            self.writable.contains(doc)
        } else {
            self.creatable.contains(doc)
        }
    }
    fn is_own_actor(&self, actor: &str) -> bool {
        self.actors.contains(actor)
    }
    fn validate(
        &self,
        _doc: &str,
        merged: &Automerge,
        _known: &[automerge::ChangeHash],
        _new: &[Change],
    ) -> Result<()> {
        // The document must still be an inspection this build understands.
        lianjian_core::doc::InspectionDoc::from_automerge(merged.clone()).map(|_| ())
    }
}

/// Runs one whole session of `device` against `server`, through CBOR.
pub fn sync(device: &mut Store, server: &mut Store, docs: &[String], write: bool) -> Result<Progress> {
    let access = &access_for(device, docs, write);
    let mut session = ClientSession::new("server");
    let mut states = SessionStates::new();
    let peer = device.actor().to_hex_string();
    let now = at("2026-03-02T12:00:00+08:00");
    let mut next = Some(session.start(device)?);
    while let Some(req) = next {
        let (sent, resp) = match req {
            Request::Digest(r) => {
                let bytes = encode(&r);
                let r = serve::digest(server, access, &decode(&bytes)?)?;
                (bytes.len(), (encode(&r), Response::Digest(r)))
            }
            Request::Heads(r) => {
                let bytes = encode(&r);
                let r = serve::heads(server, access, &decode(&bytes)?)?;
                (bytes.len(), (encode(&r), Response::Heads(r)))
            }
            Request::Batch(r) => {
                let bytes = encode(&r);
                let r = serve::batch(server, &peer, &mut states, access, &decode(&bytes)?, now)?;
                (bytes.len(), (encode(&r), Response::Batch(r)))
            }
        };
        session.count_bytes(sent, resp.0.len());
        next = session.handle(device, resp.1, now)?;
    }
    Ok(session.progress().clone())
}

fn access_for(device: &Store, docs: &[String], write: bool) -> TestAccess {
    TestAccess {
        readable: docs.iter().cloned().collect(),
        writable: if write { docs.iter().cloned().collect() } else { BTreeSet::new() },
        creatable: if write { docs.iter().cloned().collect() } else { BTreeSet::new() },
        actors: [device.actor().to_hex_string()].into(),
    }
}

#[test]
fn devices_converge_through_the_server() {
    let (mut lead, insp, c, t) = started_store("construction");
    let id = insp.id.to_string();
    let mut server = Store::open_in_memory().unwrap();
    let mut a = Store::open_in_memory().unwrap();
    // The office's checklist is on the server and on both tablets already.
    let key = c.version_key();
    let checklist_doc = lead.export(&key).unwrap();
    for store in [&mut server, &mut a] {
        store.receive(&key, &checklist_doc, at("2026-03-02T08:00:00+08:00")).unwrap();
    }
    let docs = vec![id.clone(), key];

    // The lead's tablet creates the inspection on the server.
    let p = sync(&mut lead, &mut server, &docs, true).unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    // Its catalogue documents are the office's: not created by a tablet.
    assert!(server.stored_heads(&insp.enterprise.to_string()).unwrap().is_empty());
    assert_eq!(server.heads(&id).unwrap(), lead.heads(&id).unwrap());
    // Inspector A's empty tablet receives it as a new document.
    sync(&mut a, &mut server, &docs, true).unwrap();
    assert_eq!(a.inspection(&insp.id).unwrap(), lead.inspection(&insp.id).unwrap());

    // Offline work on both, then sync in both orders.
    for (i, item) in c.items().take(6).enumerate() {
        let when = at("2026-03-02T10:00:00+08:00");
        lead.edit(&insp.id, &t.lead, &[Edit::RecordResponse(response(item, &t.lead, i as f64, when))], when).unwrap();
        a.edit(&insp.id, &t.a, &[Edit::RecordResponse(response(item, &t.a, i as f64 + 0.5, when))], when).unwrap();
    }
    let f = finding(c.item("JZ-12").unwrap(), &t.a, at("2026-03-02T10:30:00+08:00"), "开关箱漏电保护器失效");
    a.edit(&insp.id, &t.a, &[Edit::AddFinding(f)], at("2026-03-02T10:30:00+08:00")).unwrap();
    sync(&mut a, &mut server, &docs, true).unwrap();
    sync(&mut lead, &mut server, &docs, true).unwrap();
    sync(&mut a, &mut server, &docs, true).unwrap();
    let h = server.heads(&id).unwrap();
    assert_eq!(lead.heads(&id).unwrap(), h);
    assert_eq!(a.heads(&id).unwrap(), h);
    let merged = server.inspection(&insp.id).unwrap();
    assert_eq!(merged.responses.len(), 12);
    assert_eq!(merged.findings.len(), 1);
    assert_eq!(lead.inspection(&insp.id).unwrap(), merged);
    // The server's projections are maintained like a device's.
    assert_eq!(server.findings_due_by("2026-12-31".parse().unwrap()).unwrap().len(), 1);

    // Nothing new: one request, a few dozen bytes.
    let p = sync(&mut a, &mut server, &docs, true).unwrap();
    assert_eq!(p.requests, 1);
    assert!(p.bytes_sent + p.bytes_received < 200, "{p:?}");
}

#[test]
fn server_refuses_foreign_actors_readers_and_garbage_without_damage() {
    let (mut lead, insp, c, t) = started_store("mining");
    let id = insp.id.to_string();
    let docs = vec![id.clone()];
    let mut server = Store::open_in_memory().unwrap();
    let mut a = Store::open_in_memory().unwrap();
    sync(&mut lead, &mut server, &docs, true).unwrap();
    sync(&mut a, &mut server, &docs, true).unwrap();

    // The lead's new edit reaches A directly on site Wi-Fi, then A uploads it:
    // a change authored by an actor not bound to A's device.
    let when = at("2026-03-02T11:00:00+08:00");
    lead.edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::AwaitingSignature)], when).unwrap();
    let bytes = lead.export(&id).unwrap();
    a.receive(&id, &bytes, when).unwrap();
    let before = server.heads(&id).unwrap();
    let p = sync(&mut a, &mut server, &docs, true).unwrap();
    assert_eq!(p.rejected.len(), 1);
    assert_eq!(p.rejected[0].code, "foreign_actor");
    assert_eq!(server.heads(&id).unwrap(), before, "refused changes never reach the server's copy");
    assert_eq!(server.inspection(&insp.id).unwrap().status, InspectionStatus::InProgress);

    // Once the lead syncs its own change, A's session goes through.
    sync(&mut lead, &mut server, &docs, true).unwrap();
    let p = sync(&mut a, &mut server, &docs, true).unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(a.heads(&id).unwrap(), server.heads(&id).unwrap());

    // A reader (the enterprise) may receive but not write.
    let mut ent = Store::open_in_memory().unwrap();
    sync(&mut ent, &mut server, &docs, false).unwrap();
    assert_eq!(ent.heads(&id).unwrap(), server.heads(&id).unwrap());
    let mut forged = t.lead.clone();
    forged.role = lianjian_core::rules::permissions::Role::TeamLead;
    // (Its local store lets it edit; the server is what refuses.)
    ent.edit(&insp.id, &forged, &[Edit::SetStatus(InspectionStatus::InProgress)], when).unwrap();
    let before = server.heads(&id).unwrap();
    let p = sync(&mut ent, &mut server, &docs, false).unwrap();
    assert_eq!(p.rejected[0].code, "forbidden");
    assert_eq!(server.heads(&id).unwrap(), before);

    // A document this device may not read or create is refused in round 1b.
    let mut outsider = Store::open_in_memory().unwrap();
    let p = sync(&mut outsider, &mut server, &[], false).unwrap();
    assert_eq!(p.documents_total, 0);
    assert!(outsider.stored_heads(&id).unwrap().is_empty());

    // Garbage in a batch: a typed rejection, the server keeps serving.
    let mut states = SessionStates::new();
    let junk = lianjian_core::sync::wire::BatchRequest {
        messages: vec![lianjian_core::sync::wire::DocMessage {
            doc: id.clone(),
            message: serde_bytes::ByteBuf::from(vec![0x42, 0, 1, 2]),
        }],
    };
    let r = serve::batch(&mut server, "x", &mut states, &access_for(&a, &docs, true), &junk, when).unwrap();
    assert_eq!(r.rejected[0].code, "malformed");
    assert!(matches!(decode::<lianjian_core::sync::wire::BatchRequest>(b"\x00\x01"), Err(Error::Validation { .. })));
    let _ = c;
    assert!(sync(&mut a, &mut server, &docs, true).is_ok());
}

/// The server refused the change that created an inspection (a lead who is
/// not the lead the server enrolled, say): every change of it is set aside,
/// kept and exportable, and the inspection leaves the device's records
/// instead of being rebuilt as an empty document that no projection can
/// read (which stopped the whole sync).
#[test]
fn a_document_whose_creation_is_refused_is_set_aside_whole() {
    use lianjian_core::store::ServerRefusal;
    let (mut store, insp, c, t) = started_store("construction");
    let item = c.items().next().unwrap().clone();
    let f = finding(&item, &t.a, at("2026-03-02T10:00:00+08:00"), "脚手架连墙件缺失");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f)], at("2026-03-02T10:01:00+08:00")).unwrap();
    let doc = insp.id.to_string();
    let all = automerge::Automerge::load(&store.export(&doc).unwrap()).unwrap().get_changes(&[]);
    assert!(all.len() >= 2);
    let refusal = ServerRefusal {
        doc: doc.clone(),
        code: "forbidden".into(),
        reason: "无权进行此操作".into(),
        change: Some(all[0].hash().to_string()),
        changes: vec![],
    };
    let out = store.handle_refusal(&refusal, at("2026-03-02T10:02:00+08:00")).unwrap();
    assert_eq!(out.set_aside as usize, all.len());
    assert_eq!(out.reapplied, 0);
    assert!(store.inspection(&insp.id).is_err(), "the refused inspection is still a record on the device");
    assert!(store.inspections_by_status(InspectionStatus::InProgress).unwrap().iter().all(|r| r.id != doc));
    assert_eq!(store.set_aside_changes(Some(&doc)).unwrap().len(), all.len());
    let kept = automerge::Automerge::load(&store.export_set_aside(&doc).unwrap()).unwrap();
    assert_eq!(kept.get_changes(&[]).len(), all.len(), "every change is kept for the office");
    assert_eq!(store.refusals().unwrap().len(), 1);
}
