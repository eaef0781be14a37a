//! The ledger against what the documents hold: every hazard of every stored
//! inspection is listed once, and each filter's count equals a count made
//! straight from the documents with the core's rules (not from the index
//! or its SQL); sorting and paging keep every row exactly once; the export
//! writes the filtered rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use lianjian_core::doc::closed_loop::{issuing_department, standing};
use lianjian_core::model::enterprise::township_of;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_sync_server::ledger::query::{self, SortKey};
use lianjian_sync_server::ledger::LedgerFilter;

use super::support::*;

/// One hazard as the documents say: (state, deadline in force, department, township, found on).
type Fact = (String, NaiveDate, Option<String>, String, NaiveDate);

fn facts(s: &OfficeServer) -> Vec<Fact> {
    let (stored, rules) = s.stored();
    let grids: BTreeMap<String, String> = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query("SELECT doc_id, grid FROM doc_access WHERE kind = 'enterprise'", &[])
            .unwrap()
            .iter()
            .map(|r| (r.text(0).unwrap(), r.text(1).unwrap()))
            .collect()
    });
    let scheme = GradeScheme::three_level();
    let mut out = Vec::new();
    for Stored { inspection: insp, events, .. } in stored {
        for f in insp.findings.values() {
            let (_, lc) = standing(&rules.office.calendar, Some(&scheme), f, &events);
            out.push((
                lc.state.code().to_string(),
                lc.deadline,
                issuing_department(&insp.team, f).map(|d| d.code().to_string()),
                township_of(&grids[&insp.enterprise.to_string()]).to_string(),
                lianjian_core::model::time::local_date(&f.found_at.0),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_lists_what_the_documents_hold_filtered_sorted_paged_and_exported() {
    let s = OfficeServer::start(60).await;
    let today: NaiveDate = "2026-12-04".parse().unwrap();
    let facts = facts(&s);
    assert!(facts.len() > 60, "{} hazards", facts.len());
    let mut b = s.client();
    assert_eq!(b.sign_in("clerk", PASSWORD).await.status, 303);
    let count = |pred: &dyn Fn(&Fact) -> bool| facts.iter().filter(|f| pred(f)).count() as i64;

    assert_eq!(total(&b.get("/office/ledger").await.body), facts.len() as i64);
    // The demo year has hazards in every state but 待审核's rarer cousins.
    for state in ["rectifying", "submitted", "reinspection_due", "closed"] {
        let n = count(&|f| f.0 == state);
        assert!(n > 0, "no {state} hazard in the demo year");
        assert_eq!(total(&b.get(&format!("/office/ledger?state={state}")).await.body), n, "{state}");
    }
    let overdue = count(&|f| (f.0 == "found" || f.0 == "rectifying") && f.1 < today);
    assert!(overdue > 0);
    assert_eq!(total(&b.get("/office/ledger?overdue=1").await.body), overdue);
    let dept = facts[0].2.clone().unwrap();
    assert_eq!(
        total(&b.get(&format!("/office/ledger?department={dept}&overdue=1")).await.body),
        count(&|f| f.2.as_deref() == Some(dept.as_str()) && (f.0 == "found" || f.0 == "rectifying") && f.1 < today)
    );
    let town = facts[0].3.clone();
    let town_q = super::support_encode(&town);
    assert_eq!(total(&b.get(&format!("/office/ledger?township={town_q}")).await.body), count(&|f| f.3 == town));
    let (from, to): (NaiveDate, NaiveDate) = ("2026-03-01".parse().unwrap(), "2026-06-30".parse().unwrap());
    assert_eq!(
        total(&b.get("/office/ledger?from=2026-03-01&to=2026-06-30").await.body),
        count(&|f| f.4 >= from && f.4 <= to)
    );
    // A bad date is a clear error, not an empty ledger.
    let bad = b.get("/office/ledger?from=2026-13-01").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("起始日期 不是日期"));

    // Sorted by deadline, page by page: every row once, in order.
    let mut seen = Vec::new();
    super::support::blocking(|| {
        let mut db = s.state.lock();
        let first = query::page(&mut *db.sql, &LedgerFilter::default(), today, SortKey::Due, false, 1, 25).unwrap();
        for p in 1..=first.pages() {
            let page = query::page(&mut *db.sql, &LedgerFilter::default(), today, SortKey::Due, false, p, 25).unwrap();
            seen.extend(page.rows.into_iter().map(|r| (r.due, r.id)));
        }
    });
    assert_eq!(seen.len(), facts.len());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    // The htmx request gets the table alone.
    let part =
        b.get_with("/office/ledger?state=closed", &[("hx-request", "true"), ("hx-target", "ledger-table")]).await;
    assert!(part.body.starts_with("<div id=\"ledger-table\">") && !part.body.contains("<html"));

    // The export writes the same rows (the count is in the audit trail).
    let (status, bytes) = b.get_bytes("/office/ledger.xlsx?overdue=1").await;
    assert_eq!((status, &bytes[..2]), (200, &b"PK"[..]));
    let entries = super::support::blocking(|| {
        lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap()
    });
    let export = entries.iter().rev().find(|e| e.event == "office_export").unwrap();
    assert_eq!(export.summary, format!("导出隐患台账 {overdue} 条"));
}
