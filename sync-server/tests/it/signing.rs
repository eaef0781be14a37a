//! Frozen records through the server: a signed record syncs to the team, and
//! a teammate's device that rewrites a signature or a refusal in its own
//! name is refused by the server; what it stores stays as signed.

use automerge::transaction::Transactable;
use automerge::{ReadDoc, ROOT};
use lianjian_core::doc::{Edit, InspectionDoc};
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::signing::strokes::Pad;
use lianjian_core::signing::{RecordRef, SignatureStatus, Signer, SignerRole, Stroke, StrokePoint};

use crate::support::*;

fn handwriting() -> Vec<Stroke> {
    vec![Stroke {
        points: (0..40)
            .map(|i| StrokePoint {
                x: 20.0 + i as f32 * 8.0,
                y: 80.0 + (i as f32 * 0.6).sin() * 40.0,
                t: i * 10,
                pressure: 0.6,
            })
            .collect(),
    }]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_signature_is_refused_by_the_server() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    let (mut a, a_e, _) = server.file_device(&a_user, dir.path()).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let insp = inspection(
        &ent,
        &checklist,
        &[member(&lead_user, TeamRole::Lead, &ent.industry), member(&a_user, TeamRole::Inspector, &ent.industry)],
    );
    let lead_ed = editor(&lead_user, Role::TeamLead);
    lead.create_inspection(&insp, &lead_ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    let f = finding("消防通道堵塞", "二号车间", lead_ed.person, at("2026-03-02T09:30:00+08:00"), vec![]);
    for (edit, when) in [
        (Edit::SetStatus(InspectionStatus::InProgress), "2026-03-02T09:00:00+08:00"),
        (Edit::AddFinding(f), "2026-03-02T09:30:00+08:00"),
        (Edit::SetStatus(InspectionStatus::AwaitingSignature), "2026-03-02T11:00:00+08:00"),
    ] {
        lead.edit(&insp.id, &lead_ed, &[edit], at(when)).unwrap();
    }
    let signer =
        Signer { name: ent.responsible_person.name.clone(), role: SignerRole::ResponsiblePerson, person: None };
    let pad = Pad { width: 400.0, height: 160.0 };
    let signed = lead
        .sign_record(
            &insp.id,
            &lead_ed,
            &RecordRef::Findings,
            signer,
            &handwriting(),
            pad,
            at("2026-03-02T11:10:00+08:00"),
        )
        .unwrap();
    lead.refuse_to_sign(&insp.id, &lead_ed, &RecordRef::SiteRecord, "拒绝签字", at("2026-03-02T11:12:00+08:00"))
        .unwrap();
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    client.sync(&mut a, &a_e.token).await.unwrap();
    assert_eq!(a.verify_signatures(&insp.id).unwrap()[0].status, SignatureStatus::Valid);
    let before = server_heads(&server.state, &insp.id.to_string());

    // Inspector A's device rewrites the refusal's reason, then also the
    // signature's time, each as a change of its own actor.
    let id = insp.id.to_string();
    for (collection, key, field, value) in [
        ("refusals", "site_record", "reason", "已同意签字"),
        ("signatures", signed.id.as_str(), "signed_at", "2026-03-01T11:10:00+08:00"),
    ] {
        let mut forged: InspectionDoc = a.inspection_doc(&insp.id).unwrap().fork(a.actor().clone());
        let mut tx = forged.automerge_mut().transaction();
        let (_, map) = tx.get(ROOT, collection).unwrap().unwrap();
        let (_, entry) = tx.get(&map, key).unwrap().unwrap();
        tx.put(&entry, field, value).unwrap();
        tx.commit();
        a.receive(&id, &forged.automerge_mut().save(), at("2026-03-02T12:00:00+08:00")).unwrap();
        let p = client.sync(&mut a, &a_e.token).await.unwrap();
        assert_eq!(p.rejected.len(), 1, "{collection}: {:?}", p.rejected);
        assert_eq!(p.rejected[0].code, "signing", "{:?}", p.rejected[0]);
        assert!(p.rejected[0].reason.contains(key), "{:?}", p.rejected[0]);
        assert_eq!(server_heads(&server.state, &id), before, "the server stored the forgery");
        // A's device took the refused forgery back out, and keeps it aside.
        assert_eq!(p.set_aside, 1);
        assert_eq!(a.heads(&id).unwrap(), before);
    }
    assert_eq!(a.verify_signatures(&insp.id).unwrap()[0].status, SignatureStatus::Valid);
    let aside = a.set_aside_changes(Some(&id)).unwrap();
    assert_eq!(aside.len(), 2);
    assert!(aside.iter().all(|c| c.refused && c.state == "set_aside"));
    assert!(!a.export_set_aside(&id).unwrap().is_empty());
    assert_eq!(server_inspection(&server.state, &insp.id).signatures[&signed.id], signed);
}
