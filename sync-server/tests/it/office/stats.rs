//! The statistics against an independent count: each indicator of 2026
//! computed here straight from the stored documents (hydrated, with the
//! core's life cycle), never from the indexes or the SQL the page uses.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use lianjian_core::doc::closed_loop::standing;
use lianjian_core::model::time::local_date;
use lianjian_core::rules::grades::GradeScheme;

use super::support::*;

#[derive(Default, Debug, PartialEq)]
struct Counted {
    inspections: i64,
    inspected: i64,
    hazards: i64,
    closed: i64,
    due: i64,
    closed_by_due: i64,
    reinspections: i64,
    timely: i64,
}

fn in_2026(d: NaiveDate) -> bool {
    d >= "2026-01-01".parse().unwrap() && d <= "2026-12-31".parse().unwrap()
}

fn count_2026(s: &OfficeServer) -> Counted {
    let (stored, rules) = s.stored();
    let scheme = GradeScheme::three_level();
    let mut c = Counted::default();
    let mut inspected = BTreeSet::new();
    for Stored { inspection: insp, events, .. } in stored {
        if insp.self_reported {
            continue;
        }
        if in_2026(local_date(&insp.started_at.unwrap_or(insp.created_at).0)) {
            c.inspections += 1;
            inspected.insert(insp.enterprise);
        }
        for f in insp.findings.values() {
            let (_, lc) = standing(&rules.office.calendar, Some(&scheme), f, &events);
            if in_2026(local_date(&f.found_at.0)) {
                c.hazards += 1;
                c.closed += i64::from(lc.closed_at.is_some());
            }
            if in_2026(lc.original_deadline) {
                c.due += 1;
                c.closed_by_due += i64::from(lc.closed_at.is_some_and(|t| local_date(&t.0) <= lc.original_deadline));
            }
            let checks = lc.reinspections(&rules.office.calendar, &rules.office.loop_rules);
            if checks.last().is_some_and(|r| in_2026(r.on)) {
                c.reinspections += checks.len() as i64;
                c.timely += checks.iter().filter(|r| r.on_time).count() as i64;
            }
        }
    }
    c.inspected = inspected.len() as i64;
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_equal_a_count_made_from_the_documents() {
    let s = OfficeServer::start(60).await;
    let want = count_2026(&s);
    assert!(want.inspections > 30 && want.closed > 0 && want.reinspections > 0, "{want:?}");
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let json: serde_json::Value =
        serde_json::from_str(&b.get("/office/stats.json?kind=year&year=2026").await.body).unwrap();
    let i = &json["indicators"];
    let got = Counted {
        inspections: i["inspections"].as_i64().unwrap(),
        inspected: i["coverage"]["part"].as_i64().unwrap(),
        hazards: i["hazards"].as_i64().unwrap(),
        closed: i["rectified"]["part"].as_i64().unwrap(),
        due: i["on_time"]["whole"].as_i64().unwrap(),
        closed_by_due: i["on_time"]["part"].as_i64().unwrap(),
        reinspections: i["reinspection_timely"]["whole"].as_i64().unwrap(),
        timely: i["reinspection_timely"]["part"].as_i64().unwrap(),
    };
    assert_eq!(got, want);
    assert_eq!(i["coverage"]["whole"].as_i64(), Some(55));
    // Every department's count adds up to the inspections times their departments.
    let by_dept: i64 = i["by_department"].as_array().unwrap().iter().map(|d| d[1].as_i64().unwrap()).sum();
    assert!(by_dept >= want.inspections);
    let months: i64 = json["monthly"].as_array().unwrap().iter().map(|m| m["inspections"].as_i64().unwrap()).sum();
    assert_eq!(months, want.inspections);
    let monthly_hazards: i64 = json["monthly"].as_array().unwrap().iter().map(|m| m["hazards"].as_i64().unwrap()).sum();
    assert_eq!(monthly_hazards, want.hazards);

    // The page shows the numbers with their definitions, 同比 and 环比.
    let page = b.get("/office/stats?kind=quarter&year=2026&n=4").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2026年第4季度") && page.body.contains("同比") && page.body.contains("环比"));
    assert!(page.body.contains("按期整改率") && page.body.contains("原整改期限在期内的隐患中"));
    // Each table exports; a table that does not exist is a clear error.
    let (status, bytes) = b.get_bytes("/office/stats.xlsx?kind=year&year=2026&n=1&table=department").await;
    assert_eq!((status, &bytes[..2]), (200, &b"PK"[..]));
    assert_eq!(b.get("/office/stats.xlsx?kind=year&year=2026&table=nonsense").await.status, 400);
    assert_eq!(b.get("/office/stats?kind=month&year=2026&n=13").await.status, 400);
}
