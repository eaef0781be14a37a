//! The audit trail: enrollments, a token's use from a new address, accepted
//! and refused changes are appended
//! to the hash-chained log; the chain verifies, searches find them, the
//! database refuses to rewrite the log, and a rewrite behind its back (the
//! guard dropped, as someone with the database's keys could) breaks the
//! chain at the entry rewritten.

use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_sync_server::audit::{self, ChainError};
use lianjian_sync_server::sql::Backend;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_and_enrollment_is_in_the_chain() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let summary = lead.search_enterprises("", 1).unwrap().remove(0);
    let ent = lead.enterprise(&summary.id.parse().unwrap()).unwrap();
    let (insp, ed) = plan_inspection(&mut lead, &lead_user, &a_user, &ent, false);
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    // A refused change: the lead's device, patched, re-points the enterprise.
    let id = insp.id.to_string();
    let mut forged = automerge::Automerge::load(&lead.export(&id).unwrap()).unwrap().with_actor(lead.actor().clone());
    let mut tx = forged.transaction();
    automerge::transaction::Transactable::put(&mut tx, automerge::ROOT, "enterprise", EnterpriseId::new().to_string())
        .unwrap();
    tx.commit();
    lead.receive(&id, &forged.save(), at("2026-03-02T09:00:00+08:00")).unwrap();
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert_eq!(p.rejected.len(), 1);
    // A refused enrollment.
    let stranger = lianjian_core::store::Store::open_in_memory().unwrap();
    assert!(client.enroll(&stranger, "0000-0000-0000", "平板").await.is_err());
    // An accepted edit.
    lead.edit(&insp.id, &ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:05:00+08:00"))
        .unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());

    let mut db = server.state.lock();
    let sql = &mut *db.sql;
    let total = audit::verify(sql).unwrap().unwrap();
    let mine = audit::list(sql, Some(&lead_user.user.id), None, None).unwrap();
    assert_eq!(mine[0].event, "enroll");
    assert_eq!(mine[0].device, lead_e.device_id);
    // The token's first use from an address, once however many syncs follow.
    let addresses: Vec<_> = mine.iter().filter(|e| e.event == "token_new_address").collect();
    assert_eq!(addresses.len(), 1, "{mine:#?}");
    assert!(addresses[0].summary.contains("127.0.0.1"));
    let about = audit::list(sql, None, Some(&id), None).unwrap();
    let results: Vec<&str> = about.iter().map(|e| e.result.as_str()).collect();
    assert_eq!(results, ["accepted", "refused:immutable", "accepted"], "{about:#?}");
    assert!(about[0].summary.contains("create inspection"), "{}", about[0].summary);
    assert!(about[2].summary.contains("status in_progress"), "{}", about[2].summary);
    assert!(!about.iter().any(|e| e.summary.contains(&lead_user.user.name)), "no names in the trail");
    let refused_enroll = audit::list(sql, None, None, None).unwrap();
    assert!(refused_enroll.iter().any(|e| e.event == "enroll" && e.result == "refused:unauthorized"));
    let later = audit::list(sql, None, None, Some(at("2999-01-01T00:00:00+08:00"))).unwrap();
    assert!(later.is_empty());

    // The database refuses to rewrite the trail.
    assert!(sql.execute("UPDATE audit_log SET summary = 'x' WHERE seq = 2", &[]).is_err());
    assert!(sql.execute("DELETE FROM audit_log WHERE seq = 2", &[]).is_err());
    // Behind its back, a rewritten entry breaks the chain there.
    match sql.backend() {
        Backend::Sqlite => sql.batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete").unwrap(),
        Backend::Postgres => sql.batch("DROP TRIGGER audit_no_change ON audit_log").unwrap(),
    }
    sql.execute("UPDATE audit_log SET result = 'accepted' WHERE seq = $1", &[about[1].seq.into()]).unwrap();
    assert_eq!(audit::verify(sql).unwrap(), Err(ChainError::Broken(about[1].seq)));
    sql.execute("UPDATE audit_log SET result = 'refused:immutable' WHERE seq = $1", &[about[1].seq.into()]).unwrap();
    assert_eq!(audit::verify(sql).unwrap(), Ok(total));
    sql.execute("DELETE FROM audit_log WHERE seq = $1", &[about[1].seq.into()]).unwrap();
    assert_eq!(audit::verify(sql).unwrap(), Err(ChainError::Gap(about[1].seq)));
}
