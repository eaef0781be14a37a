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
