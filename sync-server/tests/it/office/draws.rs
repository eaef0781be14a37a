//! 双随机 on the pages: only the head draws; the commitment is public before
//! the draw and the secret is not; the draw's result becomes planned
//! inspections that reach the drawn officers' devices; anyone re-runs it
//! from the public page or the command line and gets the same result, and a
//! tampered package does not verify.

use std::process::Command;

use lianjian_core::store::Store;
use lianjian_core::sync::http::SyncClient;
use lianjian_sync_server::draws::{verify, Package};

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_head_draws_the_public_checks_and_the_drawn_officers_receive_their_inspections() {
    let s = OfficeServer::start(20).await;
    let form = [
        ("title", "2026年第四季度建筑施工双随机抽查"),
        ("industry", "construction"),
        ("red", "100"),
        ("orange", "60"),
        ("yellow", "40"),
        ("blue", "30"),
        ("team_size", "2"),
    ];
    // A clerk may not draw.
    let mut clerk = s.client();
    clerk.sign_in("clerk", PASSWORD).await;
    let csrf = clerk.csrf().await;
    let mut f = form.to_vec();
    f.push(("csrf", &csrf));
    assert_eq!(clerk.post("/office/draws", &f).await.status, 403);

    let mut head = s.client();
    head.sign_in("admin", PASSWORD).await;
    let csrf = head.csrf().await;
    let mut f = form.to_vec();
    f.push(("csrf", &csrf));
    let made = head.post("/office/draws", &f).await;
    assert_eq!(made.status, 303);
    let id = made.header("location").trim_start_matches("/office/draws/").to_string();
    let (secret, commitment) = super::support::blocking(|| {
        let mut db = s.state.lock();
        let r = db
            .sql
            .query_opt("SELECT secret, commitment FROM draws WHERE id = $1", lianjian_sync_server::args![&id])
            .unwrap()
            .unwrap();
        (r.text(0).unwrap(), r.text(1).unwrap())
    });
    // Before the draw the public sees the commitment, never the secret.
    let mut public = s.client();
    let before = public.get(&format!("/public/draws/{id}")).await;
    assert_eq!(before.status, 200);
    assert!(before.body.contains(&commitment) && before.body.contains("尚未抽取"));
    assert!(!before.body.contains(&secret));
    assert_eq!(public.get(&format!("/public/draws/{id}/package.json")).await.status, 400);

    // The head draws with the witnesses' numbers.
    let ran =
        head.post(&format!("/office/draws/{id}/run"), &[("csrf", &csrf), ("witnesses", "纪检 37，企业代表 904")]).await;
    assert_eq!(ran.status, 303);
    let again = head.post(&format!("/office/draws/{id}/run"), &[("csrf", &csrf), ("witnesses", "1")]).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("已经完成"));

    // The public page re-runs it and agrees; the package verifies, a tampered one does not.
    let after = public.get(&format!("/public/draws/{id}/verify")).await;
    assert!(after.body.contains("承诺值一致") && after.body.contains("公布结果一致"), "{}", after.body);
    assert!(after.body.contains(&secret));
    let package: Package =
        serde_json::from_str(&public.get(&format!("/public/draws/{id}/package.json")).await.body).unwrap();
    assert!(!package.result.picks.is_empty());
    assert_eq!((verify(&package).commitment_matches, verify(&package).result_matches), (true, true));
    let mut tampered = package.clone();
    tampered.witnesses = "纪检 38，企业代表 904".into();
    assert!(!verify(&tampered).result_matches);
    let mut swapped = package.clone();
    swapped.pool.inspectors[0].name.push_str("（改）");
    assert!(!verify(&swapped).commitment_matches);
    // The command line agrees, on a file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draw.json");
    std::fs::write(&file, serde_json::to_vec(&package).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"))
        .args(["verify-draw", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&file, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"))
        .args(["verify-draw", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Every drawn construction site got two certified officers of 应急 or 住建,
    // never one who declared a conflict with it.
    for pick in package.result.picks.iter() {
        let e = package.pool.enterprises.iter().find(|e| e.id == pick.enterprise).unwrap();
        assert_eq!(e.industry, "construction");
        assert_eq!(pick.inspectors.len(), 2, "{pick:?}");
        for i in &pick.inspectors {
            let p = package.pool.inspectors.iter().find(|x| &x.id == i).unwrap();
            assert!(p.certificate.is_some());
            assert!(["emergency_management", "housing_construction"].contains(&p.department.as_str()));
            assert!(!p.conflicts.iter().any(|(ent, _)| *ent == e.id));
        }
    }
    // The drawn officers' devices receive their planned inspections.
    let first = &package.result.picks[0];
    let officer = s.seeded.iter().find(|x| x.user.id == first.inspectors[0]).unwrap().clone();
    let device_dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&device_dir.path().join("officer.db")).unwrap();
    let client = SyncClient::new(&s.base).unwrap();
    let enrolled = client.enroll(&store, &officer.code, "平板").await.unwrap();
    client.sync(&mut store, &enrolled.token).await.unwrap();
    let planned = store.inspections_by_status(lianjian_core::model::InspectionStatus::Draft).unwrap();
    let ent_name = &package.pool.enterprises.iter().find(|e| e.id == first.enterprise).unwrap().name;
    assert!(planned.iter().any(|i| &i.enterprise_name == ent_name), "{planned:?}");

    // 公示: nothing can be published before the inspection is signed.
    let page = head.get(&format!("/office/draws/{id}")).await.body;
    assert!(page.contains("抽查结果公示") && page.contains("结果未形成"), "{page}");
    let publish =
        |enterprise: &str| [("csrf".to_string(), csrf.clone()), ("enterprise".to_string(), enterprise.to_string())];
    let early = publish(&first.enterprise);
    let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = head.post(&format!("/office/draws/{id}/publish"), &early).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("尚未形成"), "{}", refused.body);
    // The lead takes it through: a hazard found, the enterprise signs.
    let planned = planned.iter().find(|i| &i.enterprise_name == ent_name).unwrap();
    let insp_id: lianjian_core::model::InspectionId = planned.id.parse().unwrap();
    let lead = lianjian_core::doc::Editor {
        person: officer.user.id.parse().unwrap(),
        name: officer.user.name.clone(),
        role: lianjian_core::rules::permissions::Role::TeamLead,
    };
    let t = |s: &str| lianjian_core::model::Timestamp::parse(s).unwrap();
    let f = lianjian_core::model::Finding::new(
        "脚手架连墙件缺失",
        "三号楼",
        "二级",
        lead.person,
        t("2026-12-07T10:00:00+08:00"),
    );
    use lianjian_core::doc::Edit;
    use lianjian_core::model::InspectionStatus as S;
    for (edit, when) in [
        (Edit::SetStatus(S::InProgress), "2026-12-07T09:00:00+08:00"),
        (Edit::AddFinding(f), "2026-12-07T10:00:00+08:00"),
        (Edit::SetStatus(S::AwaitingSignature), "2026-12-07T11:00:00+08:00"),
    ] {
        store.edit(&insp_id, &lead, &[edit], t(when)).unwrap();
    }
    let inspection = store.inspection(&insp_id).unwrap();
    let e = store.enterprise(&inspection.enterprise).unwrap();
    let responsible = lianjian_core::signing::Signer {
        name: e.responsible_person.name.clone(),
        role: lianjian_core::signing::SignerRole::ResponsiblePerson,
        person: None,
    };
    let strokes = vec![lianjian_core::signing::Stroke {
        points: (0..30)
            .map(|k| lianjian_core::signing::StrokePoint {
                x: 20.0 + k as f32 * 8.0,
                y: 80.0 + (k as f32 * 0.6).sin() * 30.0,
                t: k * 10,
                pressure: 0.5,
            })
            .collect(),
    }];
    let pad = lianjian_core::signing::strokes::Pad { width: 400.0, height: 160.0 };
    // The enterprise and both drawn officers sign on the lead's tablet.
    let partner = s.seeded.iter().find(|x| x.user.id == first.inspectors[1]).unwrap();
    let partner = lianjian_core::doc::Editor {
        person: partner.user.id.parse().unwrap(),
        name: partner.user.name.clone(),
        role: lianjian_core::rules::permissions::Role::Inspector,
    };
    for record in [lianjian_core::signing::RecordRef::Findings, lianjian_core::signing::RecordRef::SiteRecord] {
        let when = t("2026-12-07T11:10:00+08:00");
        store.sign_record(&insp_id, &lead, &record, responsible.clone(), &strokes, pad, when).unwrap();
        for ed in [&lead, &partner] {
            let signer = lianjian_core::signing::Signer {
                name: ed.name.clone(),
                role: lianjian_core::signing::SignerRole::Inspector,
                person: Some(ed.person),
            };
            store.sign_record(&insp_id, ed, &record, signer, &strokes, pad, when).unwrap();
        }
    }
    store.edit(&insp_id, &lead, &[Edit::SetStatus(S::Signed)], t("2026-12-07T11:20:00+08:00")).unwrap();
    let p = client.sync(&mut store, &enrolled.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);

    // Formed on 12-07 (a Monday): due in 20 working days. The office holds
    // no 2027 calendar, so 元旦 counts as a Friday and the day, 2027-01-04,
    // is marked provisional. A clerk publishes; no name is published.
    let mut clerk = s.client();
    clerk.sign_in("clerk", PASSWORD).await;
    let clerk_csrf = clerk.csrf().await;
    let page = clerk.get(&format!("/office/draws/{id}")).await.body;
    assert!(page.contains("待公示（2027年1月4日 前），暂定"), "{page}");
    let form = [("csrf", clerk_csrf.as_str()), ("enterprise", first.enterprise.as_str())];
    assert_eq!(clerk.post(&format!("/office/draws/{id}/publish"), &form).await.status, 303);
    let again = clerk.post(&format!("/office/draws/{id}/publish"), &form).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("不能重复公示"));
    let page = clerk.get(&format!("/office/draws/{id}")).await.body;
    assert!(page.contains("已公示（2026年12月4日）"), "{page}");
    let public_page = public.get(&format!("/public/draws/{id}")).await.body;
    assert!(public_page.contains("抽查结果公告") && public_page.contains("发现一般事故隐患 1 项"), "{public_page}");
    assert!(public_page.contains(ent_name));
    assert!(!public_page.contains(&e.responsible_person.name), "a person's name is published");
}
