//! 一企一档 and 人员与设备 over HTTP: the enterprises' list and search, one
//! dossier's counts against what its documents hold (inspections, hazards,
//! reports, this year's inspections against the ceiling), and the people
//! page adding a user, issuing a code that enrolls a device, and revoking
//! that device so its next sync is refused.

use std::collections::BTreeMap;

use lianjian_core::store::Store;
use lianjian_core::sync::http::SyncClient;

use super::support::*;

/// The number in a heading such as "隐患（12）".
fn counted(body: &str, heading: &str) -> usize {
    let start = body.find(&format!("<h2>{heading}（")).unwrap_or_else(|| panic!("no {heading}")) + heading.len() + 7;
    body[start..].split('）').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dossier_holds_what_the_enterprises_documents_hold() {
    let s = OfficeServer::start(60).await;
    // Independently: each enterprise's inspections, hazards, reports and 2026 inspections.
    let mut per: BTreeMap<String, (usize, usize, usize, u32)> = BTreeMap::new();
    for Stored { inspection: insp, reports, .. } in s.stored().0 {
        let e = per.entry(insp.enterprise.to_string()).or_default();
        let on = insp.started_at.unwrap_or(insp.created_at);
        e.0 += 1;
        e.1 += insp.findings.len();
        e.2 += reports;
        e.3 += u32::from(lianjian_core::model::time::local_date(&on.0).to_string().starts_with("2026"));
    }
    let (busiest, &(inspections, hazards, reports, this_year)) = per.iter().max_by_key(|(_, v)| (v.0, v.1)).unwrap();
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let list = b.get("/office/enterprises").await;
    assert!(list.body.contains("共 55 家"), "{}", list.body);
    let page = b.get(&format!("/office/enterprises/{busiest}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(counted(&page.body, "检查记录"), inspections);
    assert_eq!(counted(&page.body, "隐患"), hazards);
    assert_eq!(counted(&page.body, "整改报告"), reports);
    assert!(reports == 0 || page.body.contains("整改前") && page.body.contains("整改后"));
    assert!(page.body.contains(&format!("{this_year} 次 / 上限 ")), "{this_year}");
    // Search by credit code finds exactly that enterprise.
    let code_start = page.body.find("统一社会信用代码</dt><dd>").unwrap() + "统一社会信用代码</dt><dd>".len();
    let code: String = page.body[code_start..].chars().take(18).collect();
    let found = b.get(&format!("/office/enterprises?q={code}")).await;
    assert!(found.body.contains("共 1 家"), "{code}");
    // An enterprise that does not exist is a page saying so.
    let missing = b.get("/office/enterprises/01a24586-4505-75b3-ab7b-b3b51201d9d8").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("未找到"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_adds_a_user_issues_a_code_and_revokes_the_device_it_enrolled() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    // Bad input is a clear error; nothing is added.
    let bad = b.post("/office/users", &[("csrf", &csrf), ("name", "张三"), ("role", "inspector")]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("检查人员须填写所属部门"));
    let forged = b
        .post(
            "/office/users",
            &[("csrf", "forged"), ("name", "张三"), ("role", "inspector"), ("department", "fire_rescue")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let added = b
        .post(
            "/office/users",
            &[("csrf", &csrf), ("name", "张三"), ("role", "inspector"), ("department", "fire_rescue")],
        )
        .await;
    assert_eq!((added.status, added.header("location")), (303, "/office/people".to_string()));
    let people = b.get("/office/people").await;
    assert_eq!(people.body.matches("张三").count(), 1);
    let user_id = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql.query_opt("SELECT id FROM users WHERE name = '张三'", &[]).unwrap().unwrap().text(0).unwrap()
    });
    // The code is shown once; the device enrolls with it and syncs.
    let page = b.post(&format!("/office/users/{user_id}/code"), &[("csrf", &csrf)]).await;
    let start = page.body.find("id=\"enrollment-code\">").unwrap() + "id=\"enrollment-code\">".len();
    let code = page.body[start..].split('<').next().unwrap().to_string();
    let mut store = Store::open_in_memory().unwrap();
    let client = SyncClient::new(&s.base).unwrap();
    let enrolled = client.enroll(&store, &code, "张三的手机").await.unwrap();
    client.sync(&mut store, &enrolled.token).await.unwrap();
    let people = b.get("/office/people").await;
    assert!(people.body.contains("张三的手机"));
    // When it last synced, by the server's clock.
    assert!(people.body.contains("张三的手机 · 登记 2026-12-04 10:00 · 最近同步 2026-12-04 10:00"), "{}", people.body);
    let device = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query_opt("SELECT id FROM devices WHERE user_id = $1", lianjian_sync_server::args![&user_id])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap()
    });
    // A forged token revokes nothing; the right one does, at once.
    assert_eq!(b.post(&format!("/office/devices/{device}/revoke"), &[("csrf", "x")]).await.status, 403);
    client.sync(&mut store, &enrolled.token).await.unwrap();
    let revoked = b.post(&format!("/office/devices/{device}/revoke"), &[("csrf", &csrf)]).await;
    assert_eq!(revoked.status, 303);
    let refused = client.sync(&mut store, &enrolled.token).await.unwrap_err();
    assert!(refused.to_string().contains("401") || refused.to_string().contains("凭证"), "{refused}");
    assert!(b.get("/office/people").await.body.contains("已停用"));
    // Twice is a clear error, not a second entry.
    assert_eq!(b.post(&format!("/office/devices/{device}/revoke"), &[("csrf", &csrf)]).await.status, 404);
    let entries = super::support::blocking(|| {
        lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap()
    });
    assert_eq!(entries.iter().filter(|e| e.event == "revoke_device" && e.device == device).count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officers_certificate_and_declared_conflict_keep_them_out_of_a_draw_there() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("admin", PASSWORD).await;
    let csrf = b.csrf().await;
    let officer = s.seeded.iter().find(|x| x.user.name == "李红梅").unwrap().user.id.clone();
    let (ent_id, ent_name) = super::support::blocking(|| {
        let mut db = s.state.lock();
        let r = db
            .sql
            .query_opt(
                "SELECT id, name FROM office_enterprises WHERE industry = 'hazardous_chemicals' ORDER BY id LIMIT 1",
                &[],
            )
            .unwrap()
            .unwrap();
        (r.text(0).unwrap(), r.text(1).unwrap())
    });
    let path = format!("/office/users/{officer}/officer");
    // A conflict needs its reason; a bad certificate is refused.
    let bad = b
        .post(&path, &[("csrf", &csrf), ("certificate", "42120001027"), ("enterprise", &ent_name), ("reason", "")])
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(b.post(&path, &[("csrf", &csrf), ("certificate", "证号<>")]).await.status, 400);
    let ok = b
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("certificate", "42120001027"),
                ("enterprise", &ent_name),
                ("reason", "配偶在该企业任安全员"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert!(b.get("/office/people").await.body.contains(&format!("回避：{ent_name}（配偶在该企业任安全员）")));
    // Draw every hazardous-chemicals enterprise: she is never sent to that one.
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "危化全覆盖检查"),
        ("industry", "hazardous_chemicals"),
        ("red", "100"),
        ("orange", "100"),
        ("yellow", "100"),
        ("blue", "100"),
        ("team_size", "2"),
    ];
    let made = b.post("/office/draws", &form).await;
    let id = made.header("location").trim_start_matches("/office/draws/").to_string();
    b.post(&format!("/office/draws/{id}/run"), &[("csrf", &csrf), ("witnesses", "12 34")]).await;
    let package: lianjian_sync_server::draws::Package =
        serde_json::from_str(&b.get(&format!("/public/draws/{id}/package.json")).await.body).unwrap();
    let pick = package.result.picks.iter().find(|p| p.enterprise == ent_id).expect("every enterprise is drawn at 100%");
    assert!(!pick.inspectors.contains(&officer));
    // The public sees that she stood aside, and the reason's seal, not the
    // reason: it is hers and her family's.
    let x = package.result.exclusions.iter().find(|x| x.inspector == officer && x.enterprise == ent_id).unwrap();
    assert!(x.reason.starts_with("回避（理由已登记，封存号 "), "{}", x.reason);
    let public = s.client().get(&format!("/public/draws/{id}")).await.body;
    let published = serde_json::to_string(&package).unwrap();
    for text in [&public, &published] {
        assert!(!text.contains("配偶"), "the reason is published");
    }
    // The seal opens with the salt the office keeps; the office's page shows the reason.
    let salt = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query_opt(
                "SELECT salt FROM inspector_conflicts WHERE user_id = $1 AND enterprise_id = $2",
                lianjian_sync_server::args![&officer, &ent_id],
            )
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap()
    });
    let seal = lianjian_core::rules::draw::seal_reason("配偶在该企业任安全员", &salt);
    let sealed = package.pool.inspectors.iter().find(|i| i.id == officer).unwrap().conflicts.clone();
    assert_eq!(sealed, vec![(ent_id.clone(), seal.clone())]);
    assert!(x.reason.contains(&seal[..12]));
    let office_page = b.get(&format!("/office/draws/{id}")).await.body;
    assert!(office_page.contains("回避：配偶在该企业任安全员"), "{office_page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accident_and_a_complaint_recorded_on_the_dossier_raise_the_class_the_draw_uses() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    // A blue enterprise with nothing on its record.
    let id = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query_opt("SELECT id FROM office_enterprises WHERE risk = 'blue' ORDER BY id LIMIT 1", &[])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap()
    });
    let class = || {
        super::support::blocking(|| {
            lianjian_sync_server::draws::class_of(&mut *s.state.lock().sql, &id, "2026-12-04".parse().unwrap())
                .unwrap()
                .unwrap()
        })
    };
    let before = class();
    let path = format!("/office/enterprises/{id}/incidents");
    // Refused with a clear error, nothing stored: a day after today, no summary,
    // an unknown kind, a forged token.
    for (kind, day, summary, csrf, status, says) in [
        ("accident", "2026-12-05", "一人轻伤", csrf.as_str(), 400, "日期不正确"),
        ("accident", "2026-03-02", " ", csrf.as_str(), 400, "请填写简要情况"),
        ("fire", "2026-03-02", "一人轻伤", csrf.as_str(), 400, "请选择事故"),
        ("accident", "2026-03-02", "一人轻伤", "forged", 403, ""),
    ] {
        let r = b.post(&path, &[("csrf", csrf), ("kind", kind), ("on_day", day), ("summary", summary)]).await;
        assert_eq!(r.status, status, "{kind} {day}");
        assert!(r.body.contains(says), "{}", r.body);
    }
    assert_eq!(class(), before);
    let unknown = b
        .post(
            "/office/enterprises/nobody/incidents",
            &[("csrf", &csrf), ("kind", "accident"), ("on_day", "2026-03-02"), ("summary", "x")],
        )
        .await;
    assert_eq!(unknown.status, 404);
    // An accident this year raises the class one step, with its reason.
    let ok = b
        .post(
            &path,
            &[("csrf", &csrf), ("kind", "accident"), ("on_day", "2026-03-02"), ("summary", "叉车倾覆一人轻伤")],
        )
        .await;
    assert_eq!((ok.status, ok.header("location")), (303, format!("/office/enterprises/{id}")), "{}", ok.body);
    let raised = class();
    assert_ne!(raised.class, before.class);
    assert!(raised.reasons.iter().any(|r| r.contains("近三年发生生产安全事故 1 起")), "{:?}", raised.reasons);
    // A complaint four years ago does not count; one last year does.
    for day in ["2022-11-30", "2025-11-30"] {
        let r = b
            .post(
                &path,
                &[("csrf", &csrf), ("kind", "complaint"), ("on_day", day), ("summary", "群众举报夜间违规动火")],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let c = class();
    assert!(c.reasons.iter().any(|r| r.contains("近三年查实投诉举报 1 件")), "{:?}", c.reasons);
    // The dossier shows all three with who recorded them, and the class with its reasons.
    let page = b.get(&format!("/office/enterprises/{id}")).await;
    assert!(page.body.contains("叉车倾覆一人轻伤"));
    assert_eq!(page.body.matches("群众举报夜间违规动火").count(), 2);
    assert!(page.body.contains("近三年发生生产安全事故 1 起"));
    assert!(page.body.contains("联检办科员 2026-12-04 10:00"), "{}", page.body);
    // Each record is in the audit trail.
    let entries = super::support::blocking(|| {
        lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap()
    });
    assert_eq!(entries.iter().filter(|e| e.event == "record_incident").count(), 3);
}
