//! 年度检查计划: a clerk drafts, only the head approves, an approved plan is
//! frozen, and each row's progress equals the inspections counted from the
//! documents (that year, that industry, that department in the team); the
//! statistics show the plan's completion.

use lianjian_core::model::time::local_date;

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_is_drafted_approved_by_the_head_frozen_and_followed() {
    let s = OfficeServer::start(40).await;
    // Independently: 2026 government inspections of construction sites with 住建 on the team.
    let want = s
        .stored()
        .0
        .iter()
        .filter(|x| {
            let insp = &x.inspection;
            !insp.self_reported
                && local_date(&insp.started_at.unwrap_or(insp.created_at).0).to_string().starts_with("2026")
                && insp.industry == "construction"
                && insp.team.values().any(|m| m.department.code() == "housing_construction")
        })
        .count() as i64;
    let mut clerk = s.client();
    clerk.sign_in("clerk", PASSWORD).await;
    let csrf = clerk.csrf().await;
    let made =
        clerk.post("/office/plans", &[("csrf", &csrf), ("year", "2026"), ("title", "2026年度监督检查计划")]).await;
    assert_eq!(made.status, 303);
    let plan = made.header("location");
    let row = |planned: &'static str| {
        vec![
            ("department", "housing_construction"),
            ("industry", "construction"),
            ("item", "建筑施工安全检查"),
            ("basis", "《建设工程安全生产管理条例》"),
            ("mode", "key"),
            ("planned", planned),
        ]
    };
    let mut bad = row("0");
    bad.push(("csrf", &csrf));
    let refused = clerk.post(&format!("{plan}/rows"), &bad).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("计划检查次数须为"));
    let mut good = row("40");
    good.push(("csrf", &csrf));
    assert_eq!(clerk.post(&format!("{plan}/rows"), &good).await.status, 303);
    // The clerk may not approve.
    assert_eq!(clerk.post(&format!("{plan}/approve"), &[("csrf", &csrf)]).await.status, 403);
    let mut head = s.client();
    head.sign_in("admin", PASSWORD).await;
    let head_csrf = head.csrf().await;
    assert_eq!(head.post(&format!("{plan}/approve"), &[("csrf", &head_csrf)]).await.status, 303);
    // Frozen now.
    let frozen = clerk.post(&format!("{plan}/rows"), &good).await;
    assert_eq!(frozen.status, 400);
    assert!(frozen.body.contains("计划已审批"));
    // Progress from the documents.
    let page = clerk.get(&plan).await;
    let done = want.min(40);
    assert!(page.body.contains(&format!("（{done}/40）")), "want {want}: {}", page.body);
    let stats = clerk.get("/office/stats?kind=year&year=2026").await;
    assert!(stats.body.contains(&format!("（{done}/40）")), "{}", stats.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_head_sets_the_yearly_ceilings_and_the_dossier_and_draw_use_them() {
    let s = OfficeServer::start(20).await;
    let caps = [("red", "10"), ("orange", "6"), ("yellow", "3"), ("blue", "1")];
    let mut clerk = s.client();
    clerk.sign_in("clerk", PASSWORD).await;
    let csrf = clerk.csrf().await;
    let form = |csrf: &str, caps: &[(&'static str, &'static str)]| {
        let mut f = vec![("csrf", csrf.to_string())];
        f.extend(caps.iter().map(|(k, v)| (*k, v.to_string())));
        f
    };
    let f = form(&csrf, &caps);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(clerk.post("/office/caps", &f).await.status, 403);
    let plans = clerk.get("/office/plans").await;
    assert!(plans.body.contains("尚未设定，使用系统默认值") && !plans.body.contains("caps-form"));
    assert_eq!(plans.body.matches("id=\"caps\"").count(), 1, "the ceilings are shown once, in the page's body");
    assert!(plans.body.contains("<title>年度检查计划"), "{}", &plans.body[..400]);

    let mut head = s.client();
    head.sign_in("admin", PASSWORD).await;
    let csrf = head.csrf().await;
    // A riskier class may not get fewer inspections; nothing changes.
    let inverted = form(&csrf, &[("red", "2"), ("orange", "6"), ("yellow", "3"), ("blue", "1")]);
    let inverted: Vec<(&str, &str)> = inverted.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = head.post("/office/caps", &inverted).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("红 ≥ 橙"), "{}", refused.body);
    let f = form(&csrf, &caps);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(head.post("/office/caps", &f).await.status, 303);
    let plans = head.get("/office/plans").await;
    assert!(plans.body.contains("由 联检办管理员 于 2026-12-04 10:00 设定"), "{}", plans.body);
    // A blue enterprise's dossier counts against 1 now.
    let blue = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query_opt("SELECT id FROM office_enterprises WHERE risk = 'blue' ORDER BY id LIMIT 1", &[])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap()
    });
    let dossier = head.get(&format!("/office/enterprises/{blue}")).await;
    assert!(dossier.body.contains("/ 上限 1 次"), "{}", dossier.body);
    // A draw made now carries them.
    let draw = [
        ("csrf", csrf.as_str()),
        ("title", "上限检查"),
        ("industry", ""),
        ("red", "10"),
        ("orange", "10"),
        ("yellow", "10"),
        ("blue", "10"),
        ("team_size", "2"),
    ];
    let made = head.post("/office/draws", &draw).await;
    let id = made.header("location").trim_start_matches("/office/draws/").to_string();
    let record = super::support::blocking(|| lianjian_sync_server::draws::load(&mut *s.state.lock().sql, &id).unwrap());
    let cap = |c: &str| record.rules.cap.iter().find(|(k, _)| k == c).map(|(_, n)| *n);
    assert_eq!((cap("red"), cap("blue")), (Some(10), Some(1)));
}
