//! Jurisdiction-scoped sync: inspectors receive the enterprise files and
//! checklists of their department's industries (within their grid, when the
//! office gave them one) and those of the inspections they are on; an
//! enterprise user its own file; the office everything. The division of
//! duties is the fixtures' office document (`fixtures/scopes/`).

use std::collections::BTreeSet;

use lianjian_core::import::{fixtures_dir, load_enterprises};
use lianjian_core::model::*;
use lianjian_core::office::scope::Scope;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::{DocKind, Store};
use lianjian_sync_server::db;
use lianjian_sync_server::seed::Seeded;

use crate::support::*;

fn held(store: &Store, kind: DocKind) -> BTreeSet<String> {
    store.document_ids(kind).unwrap().into_iter().collect()
}

fn expected(scope: &Scope, department: &str, grid: Option<&str>) -> BTreeSet<String> {
    load_enterprises(&fixtures_dir().join("enterprises.json"))
        .unwrap()
        .into_iter()
        .filter(|e| scope.oversees(Some(department), &e.industry) && grid.is_none_or(|g| e.grid.starts_with(g)))
        .map(|e| e.id.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_user_receives_exactly_their_jurisdiction() {
    let server = Server::start().await;
    let scope =
        Scope::from_toml(&std::fs::read_to_string(fixtures_dir().join("scopes/departments.toml")).unwrap()).unwrap();
    // 刘海燕, 住建, every grid: the construction enterprises and checklists only.
    let housing = server.user(Role::Inspector, 0).clone();
    assert_eq!(housing.user.department.as_deref(), Some("housing_construction"));
    let (mut h, h_e, client) = server.device(&housing).await;
    client.sync(&mut h, &h_e.token).await.unwrap();
    let want = expected(&scope, "housing_construction", None);
    assert_eq!(want.len(), 8);
    assert_eq!(held(&h, DocKind::Enterprise), want);
    let industries: BTreeSet<String> = held(&h, DocKind::Checklist)
        .iter()
        .map(|key| {
            let (id, version) = key.split_once('@').unwrap();
            h.checklist(&id.parse().unwrap(), version.parse().unwrap()).unwrap().industry
        })
        .collect();
    assert_eq!(industries, BTreeSet::from(["construction".to_string()]));

    // A 住建 inspector of 赤壁市 only: the construction enterprises there.
    let grid_user = {
        let user = db::User {
            id: PersonId::new().to_string(),
            name: "赤壁住建检查员".into(),
            role: Role::Inspector,
            department: Some("housing_construction".into()),
            enterprise_id: None,
            grid: Some("赤壁市".into()),
        };
        let mut state_db = server.state.lock();
        db::add_user(&mut *state_db.sql, &user).unwrap();
        let code = db::issue_code(&mut *state_db.sql, &user.id, Timestamp::now(), db::CODE_VALIDITY).unwrap();
        Seeded { user, code }
    };
    let (mut g, g_e, _) = server.device(&grid_user).await;
    client.sync(&mut g, &g_e.token).await.unwrap();
    let want_grid = expected(&scope, "housing_construction", Some("赤壁市"));
    assert!(!want_grid.is_empty() && want_grid.len() < want.len());
    assert_eq!(held(&g, DocKind::Enterprise), want_grid);

    // Put on a mining inspection, 刘海燕 also receives that enterprise and its checklists.
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (mut lead, lead_e, _) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let mine = lead
        .search_enterprises("", 60)
        .unwrap()
        .into_iter()
        .map(|s| lead.enterprise(&s.id.parse().unwrap()).unwrap())
        .find(|e| e.industry == "mining")
        .unwrap();
    assert_eq!(held(&lead, DocKind::Enterprise).len(), 55, "the lead's department oversees every industry");
    let c = lead.latest_checklists("mining").unwrap().remove(0);
    let (insp, _) = plan_inspection(&mut lead, &lead_user, &housing, &mine, true);
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    client.sync(&mut h, &h_e.token).await.unwrap();
    let mut with_mine = want.clone();
    with_mine.insert(mine.id.to_string());
    assert_eq!(held(&h, DocKind::Enterprise), with_mine);
    assert!(h.latest_checklists("mining").unwrap().iter().any(|m| m.id == c.id));
    assert_eq!(h.open_inspection(&insp.id).unwrap().id, insp.id);

    // The enterprise user: its own file only. The office: every file.
    let ent = server.user(Role::Enterprise, 0).clone();
    let (mut e, e_e, _) = server.device(&ent).await;
    client.sync(&mut e, &e_e.token).await.unwrap();
    assert_eq!(held(&e, DocKind::Enterprise), BTreeSet::from([ent.user.enterprise_id.clone().unwrap()]));
    assert!(held(&e, DocKind::Checklist).is_empty());
    let office = server.user(Role::Office, 0).clone();
    let (mut o, o_e, _) = server.device(&office).await;
    client.sync(&mut o, &o_e.token).await.unwrap();
    assert_eq!(held(&o, DocKind::Enterprise).len(), 55);
    // Nothing new is still one request.
    let p = client.sync(&mut h, &h_e.token).await.unwrap();
    assert_eq!(p.requests, 1);
}

async fn digests_computed(base: &str) -> u64 {
    let text = reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix("lianjian_digests_computed_total ")).unwrap().parse().unwrap()
}

/// One team's change does not make the server recompute the digest of a
/// user who reads nothing it touched; the team's own digests move.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_recomputes_only_the_digests_it_touches() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let outsider = server.user(Role::Inspector, 1).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    let (mut b, b_e, _) = server.device(&outsider).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    // A construction site (住建's), which the outsider (市场监管) does not oversee.
    let site = lead
        .search_enterprises("", 60)
        .unwrap()
        .into_iter()
        .map(|s| lead.enterprise(&s.id.parse().unwrap()).unwrap())
        .find(|e| e.industry == "construction")
        .unwrap();
    let (insp, ed) = plan_inspection(&mut lead, &lead_user, &a_user, &site, true);
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    client.sync(&mut b, &b_e.token).await.unwrap();
    client.sync(&mut b, &b_e.token).await.unwrap();
    let before = digests_computed(&server.base).await;

    let f = finding("基坑临边无防护", "基坑", ed.person, at("2026-03-02T09:30:00+08:00"), vec![]);
    lead.edit(&insp.id, &ed, &[lianjian_core::doc::Edit::AddFinding(f)], at("2026-03-02T09:30:00+08:00")).unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    let after_lead = digests_computed(&server.base).await;
    // The outsider's "nothing new" is still one request, from the cache.
    let p = client.sync(&mut b, &b_e.token).await.unwrap();
    assert_eq!(p.requests, 1);
    assert_eq!(digests_computed(&server.base).await, after_lead, "the outsider's digest was recomputed");
    // The teammate's digest moves: the change is theirs to receive.
    let (mut a, a_e, _) = server.device(&a_user).await;
    client.sync(&mut a, &a_e.token).await.unwrap();
    assert!(digests_computed(&server.base).await > after_lead);
    assert!(after_lead >= before);
    assert_eq!(a.inspection(&insp.id).unwrap().findings.len(), 1);
}
