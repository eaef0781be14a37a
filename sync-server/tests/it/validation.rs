//! Fields every device's projections read are validated before the server
//! accepts a change: a time that is not a timestamp is refused, so one bad
//! change never reaches (and stops) the rest of the team. (A finding without
//! the time it was found is refused by the same check, `check_schema`; a
//! device's own store will not even keep one, so that case is tested in the
//! core.)

use automerge::transaction::Transactable;
use automerge::ROOT;
use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;

use lianjian_sync_server::seed::Seeded;

use crate::support::*;

#[tokio::test(flavor = "multi_thread")]
async fn malformed_times_are_refused_and_the_team_syncs_on() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let b_user = server.user(Role::Inspector, 1).clone();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let team = [
        member(&lead_user, TeamRole::Lead, &ent.industry),
        member(&a_user, TeamRole::Inspector, &ent.industry),
        member(&b_user, TeamRole::Inspector, &ent.industry),
    ];
    let insp = inspection(&ent, &checklist, &team);
    let ed = editor(&lead_user, Role::TeamLead);
    lead.create_inspection(&insp, &ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    let f = finding("消防通道堵塞", "二号车间", ed.person, at("2026-03-02T09:30:00+08:00"), vec![]);
    for (edit, when) in [
        (Edit::SetStatus(InspectionStatus::InProgress), "2026-03-02T09:00:00+08:00"),
        (Edit::AddFinding(f.clone()), "2026-03-02T09:30:00+08:00"),
    ] {
        lead.edit(&insp.id, &ed, &[edit], at(when)).unwrap();
    }
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    let id = insp.id.to_string();
    let before = server_heads(&server.state, &id);

    // Inspector A's device writes a number where a time belongs, B's writes
    // words: each refused, the server unchanged.
    let forgeries: [(&Seeded, &str, automerge::ScalarValue); 2] =
        [(&a_user, "started_at", 42_i64.into()), (&b_user, "ended_at", "昨天下午".into())];
    for (who, field, value) in forgeries {
        let (mut a, a_e, _) = server.file_device(who, dir.path()).await;
        client.sync(&mut a, &a_e.token).await.unwrap();
        let mut forged = a.inspection_doc(&insp.id).unwrap().fork(a.actor().clone());
        let mut tx = forged.automerge_mut().transaction();
        tx.put(ROOT, field, value).unwrap();
        tx.commit();
        a.receive(&id, &forged.automerge_mut().save(), at("2026-03-02T10:00:00+08:00")).unwrap();
        let p = client.sync(&mut a, &a_e.token).await.unwrap();
        assert_eq!(p.rejected.len(), 1, "{field}: {:?}", p.rejected);
        assert!(p.rejected[0].reason.contains(field), "{:?}", p.rejected[0]);
        assert_eq!(server_heads(&server.state, &id), before, "the server stored a malformed {field}");
    }

    // The lead goes on working and syncing as if nothing happened.
    let g = finding("灭火器过期", "仓库", ed.person, at("2026-03-02T10:30:00+08:00"), vec![]);
    lead.edit(&insp.id, &ed, &[Edit::AddFinding(g)], at("2026-03-02T10:30:00+08:00")).unwrap();
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(server_heads(&server.state, &id), lead.heads(&id).unwrap());
    let stored = server_inspection(&server.state, &insp.id);
    assert_eq!(stored.findings.len(), 2);
    assert!(stored.started_at.is_some());
}

/// A document the device cannot keep (written into the server's tables
/// behind the validation, as an older server might have kept it) is set
/// apart on the device; its other documents sync on, and the user sees why.
#[tokio::test(flavor = "multi_thread")]
async fn a_document_the_device_cannot_keep_is_quarantined_and_the_rest_syncs() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let ents = lead.search_enterprises("", 2).unwrap();
    let mut ids = Vec::new();
    for summary in &ents {
        let ent = lead.enterprise(&summary.id.parse().unwrap()).unwrap();
        ids.push(plan_inspection(&mut lead, &lead_user, &a_user, &ent, false).0.id);
    }
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    // Behind the validation: the first inspection gets a finding with no time found.
    let bad = ids[0].to_string();
    {
        let mut db = server.state.lock();
        let mut docs = db.docs();
        docs.put(
            &bad,
            lianjian_core::store::DocKind::Inspection,
            at("2026-03-02T09:00:00+08:00"),
            |_| unreachable!(),
            |doc| {
                let mut tx = doc.transaction();
                let (_, findings) = automerge::ReadDoc::get(&tx, ROOT, "findings").unwrap().unwrap();
                let f = tx.put_object(&findings, FindingId::new().to_string(), automerge::ObjType::Map).unwrap();
                tx.put(&f, "description", "没有发现时间的隐患").unwrap();
                tx.commit();
                Ok(())
            },
        )
        .unwrap();
    }
    let (mut a, a_e, _) = server.device(&a_user).await;
    let report = client.sync(&mut a, &a_e.token).await.unwrap();
    assert_eq!(report.quarantined, vec![bad.clone()]);
    assert_eq!(a.open_inspection(&ids[1]).unwrap().id, ids[1], "the other inspection synced on");
    let q = a.quarantined().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].0, bad);
    assert!(!q[0].1.is_empty());
    // The next sync does not fail either.
    assert_eq!(client.sync(&mut a, &a_e.token).await.unwrap().quarantined, vec![bad]);
}
