//! Five tablets, each making hundreds of offline edits to one inspection,
//! syncing in random orders: every replica and the server end with the same
//! heads and the same hydrated inspection.

use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_tablets_hundreds_of_edits_each_converge() {
    let server = Server::start().await;
    let users: Vec<_> = [(Role::TeamLead, 0), (Role::Inspector, 0), (Role::Inspector, 1)]
        .iter()
        .map(|(r, n)| server.user(*r, *n).clone())
        .collect();
    // Two more inspectors, created through the server's own database.
    let mut users = users;
    for name in ["孙文静", "周永刚"] {
        users.push(server.add_user(name, Role::Inspector));
    }
    let mut devices = Vec::new();
    for u in &users {
        devices.push(server.device(u).await);
    }
    let (store0, e0, client) = &mut devices[0];
    client.sync(store0, &e0.token).await.unwrap();
    let first = store0.search_enterprises("", 1).unwrap().remove(0);
    let ent = store0.enterprise(&first.id.parse().unwrap()).unwrap();
    let checklist = store0.latest_checklists(&ent.industry).unwrap().remove(0);
    let team: Vec<TeamMember> = users
        .iter()
        .enumerate()
        .map(|(i, u)| member(u, if i == 0 { TeamRole::Lead } else { TeamRole::Inspector }, &ent.industry))
        .collect();
    let insp = inspection(&ent, &checklist, &team);
    let lead = editor(&users[0], Role::TeamLead);
    store0.create_inspection(&insp, &lead, at("2026-03-02T08:30:00+08:00")).unwrap();
    store0
        .edit(&insp.id, &lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    client.sync(store0, &e0.token).await.unwrap();

    let client = devices[0].2.clone();
    let items: Vec<ChecklistItem> = checklist.items().cloned().collect();
    let mut seed = 0x5eed_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const EDITS: usize = 200;
    for round in 0..4 {
        for (i, (store, _, _)) in devices.iter_mut().enumerate() {
            let role = if i == 0 { Role::TeamLead } else { Role::Inspector };
            let ed = editor(&users[i], role);
            if store.stored_heads(&insp.id.to_string()).unwrap().is_empty() {
                continue;
            }
            for k in 0..EDITS / 4 {
                let item = &items[(next() % items.len() as u64) as usize];
                let when = at("2026-03-02T10:00:00+08:00");
                let answer = match &item.kind {
                    ItemKind::Measurement { .. } => Answer::Measured((next() % 100) as f64 / 4.0),
                    ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
                        Answer::Choices(vec![options[(next() % options.len() as u64) as usize].clone()])
                    }
                    _ => Answer::Verdict(if next() % 5 == 0 { Verdict::Fail } else { Verdict::Pass }),
                };
                let r = response_for(item, ed.person, &answer, format!("第{round}轮第{k}条记录"), when).unwrap();
                store.edit(&insp.id, &ed, &[Edit::RecordResponse(r)], when).unwrap();
            }
        }
        // Sync in a random order.
        let mut order: Vec<usize> = (0..devices.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        for i in order {
            let (store, e, _) = &mut devices[i];
            let p = client.sync(store, &e.token).await.unwrap();
            assert!(p.rejected.is_empty(), "{:?}", p.rejected);
        }
    }
    for _ in 0..2 {
        for (store, e, _) in devices.iter_mut() {
            client.sync(store, &e.token).await.unwrap();
        }
    }
    let id = insp.id.to_string();
    let (heads, merged) = (server_heads(&server.state, &id), server_inspection(&server.state, &insp.id));
    for (store, _, _) in devices.iter_mut() {
        assert_eq!(store.heads(&id).unwrap(), heads);
        assert_eq!(store.inspection(&insp.id).unwrap(), merged);
    }
    let changes = server.state.lock().docs().with_document(&id, |d| d.get_changes(&[]).len()).unwrap();
    assert!(changes >= 5 * 150, "{changes} changes");
}
