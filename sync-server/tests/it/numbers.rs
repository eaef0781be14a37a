//! Offline numbering through the real server: blocks are disjoint across
//! devices and sized by the office, a device numbers documents with no
//! connection and reports its ledger, a forged number is refused, and only
//! enforcement officers with a department get blocks.

use lianjian_core::model::Timestamp;
use lianjian_core::numbering::NumberUse;
use lianjian_core::rules::permissions::Role;
use lianjian_sync_server::db::{self, User};

use lianjian_sync_server::seed::Seeded;

use crate::support::{at, Server};

/// An inspector of 应急管理 with an enrollment code.
fn officer(server: &Server, name: &str) -> Seeded {
    let user = User {
        id: lianjian_core::model::PersonId::new().to_string(),
        name: name.into(),
        role: Role::Inspector,
        department: Some("emergency_management".into()),
        enterprise_id: None,
        grid: None,
    };
    let mut db = server.state.lock();
    db::add_user(&mut *db.sql, &user).unwrap();
    let code = db::issue_code(&mut *db.sql, &user.id, Timestamp::now(), db::CODE_VALIDITY).unwrap();
    Seeded { user, code }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_number_documents_offline_from_disjoint_blocks_and_report_them() {
    let server = Server::start().await;
    {
        let mut db = server.state.lock();
        lianjian_sync_server::numbers::set_block_size(&mut *db.sql, 3).unwrap();
    }
    let (a, b) = (officer(&server, "王芳"), officer(&server, "陈立新"));
    let (mut store_a, ea, client) = server.device(&a).await;
    let (mut store_b, eb, _) = server.device(&b).await;
    let form = "rectification_order";
    let block_a = client.request_number_block(&mut store_a, &ea.token, form, 2026).await.unwrap();
    let block_b = client.request_number_block(&mut store_b, &eb.token, form, 2026).await.unwrap();
    assert_eq!((block_a.start, block_a.end), (1, 3), "the office's block size");
    assert_eq!((block_b.start, block_b.end), (4, 6), "disjoint from the first device's");
    // Offline: both number documents.
    let when = at("2026-03-18T11:50:00+08:00");
    let by = a.user.id.parse().unwrap();
    let n1 = store_a.issue_number(&block_a.key, "insp-1/rectification_order", &by, when).unwrap();
    let n2 = store_a.issue_number(&block_a.key, "insp-2/rectification_order", &by, when).unwrap();
    let m1 =
        store_b.issue_number(&block_b.key, "insp-3/rectification_order", &b.user.id.parse().unwrap(), when).unwrap();
    assert_eq!((n1.seq, n2.seq, m1.seq), (1, 2, 4));
    assert!(n2.low, "one number left warns");
    store_a.void_number(&block_a.key, 2, "打印错误，作废").unwrap();
    // Back online, in any order.
    let rb = client.report_numbers(&mut store_b, &eb.token).await.unwrap();
    let ra = client.report_numbers(&mut store_a, &ea.token).await.unwrap();
    assert_eq!((ra.accepted, rb.accepted), (2, 1));
    assert!(ra.refused.is_empty() && rb.refused.is_empty());
    assert!(store_a.number_uses(true).unwrap().is_empty(), "reported entries are not sent again");
    let ledger = {
        let mut db = server.state.lock();
        lianjian_sync_server::numbers::ledger(&mut *db.sql).unwrap()
    };
    let lines: Vec<(u32, &str, Option<&str>)> =
        ledger.iter().map(|l| (l.entry.seq, l.entry.document.as_str(), l.entry.voided.as_deref())).collect();
    assert_eq!(
        lines,
        vec![
            (1, "insp-1/rectification_order", None),
            (2, "insp-2/rectification_order", Some("打印错误，作废")),
            (4, "insp-3/rectification_order", None)
        ]
    );
    // A patched device claims a number of the other device's block, and one
    // already used: both refused, nothing overwritten.
    let forged = vec![
        NumberUse {
            seq: 5,
            document: "x/rectification_order".into(),
            by: a.user.id.clone(),
            at: when,
            voided: None,
            key: block_a.key.clone(),
        },
        NumberUse {
            seq: 1,
            document: "y/rectification_order".into(),
            by: a.user.id.clone(),
            at: when,
            voided: None,
            key: block_a.key.clone(),
        },
    ];
    let http = reqwest::Client::new();
    let resp: serde_json::Value = http
        .post(format!("{}/v1/numbers/uses", server.base))
        .bearer_auth(&ea.token)
        .json(&forged)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp["accepted"], 0, "{resp}");
    let reasons: Vec<&str> =
        resp["refused"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert!(reasons[0].contains("不在本设备领取的编号段内") && reasons[1].contains("已被其他文书使用"), "{reasons:?}");
    // A new year starts a new sequence.
    let next_year = client.request_number_block(&mut store_a, &ea.token, form, 2027).await.unwrap();
    assert_eq!(next_year.start, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_enforcement_officers_with_a_department_get_numbers() {
    let server = Server::start().await;
    let enterprise = server.user(Role::Enterprise, 0).clone();
    let (mut store, e, client) = server.device(&enterprise).await;
    let err = client.request_number_block(&mut store, &e.token, "rectification_order", 2026).await.unwrap_err();
    assert!(
        matches!(err, lianjian_core::Error::Forbidden { .. } | lianjian_core::Error::Unauthorized(_))
            || err.to_string().contains("执法人员"),
        "{err}"
    );
    let a = officer(&server, "王芳");
    let (mut store, e, client) = server.device(&a).await;
    let err = client.request_number_block(&mut store, &e.token, "hazard_list", 2026).await.unwrap_err();
    assert!(err.to_string().contains("不是编号文书"), "{err}");
}
