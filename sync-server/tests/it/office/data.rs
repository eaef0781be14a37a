//! 基础数据 through the pages: the same checks as the command line (a bad
//! line is named and nothing is stored), a preview of what would change,
//! and the import itself, which devices then receive.

use lianjian_core::import::fixtures_dir;

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_previews_and_imports_a_calendar_and_a_bad_file_stores_nothing() {
    let s = OfficeServer::start(1).await;
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    let csrf = b.csrf().await;
    let text = std::fs::read_to_string(fixtures_dir().join("calendars/test-2027.toml")).unwrap();
    let broken = text.replacen("2027-", "2027-13-", 1);
    let bad = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &broken)]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("import-error"), "{}", bad.body);
    let refused = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "calendar"), ("text", &broken)]).await;
    assert_eq!(refused.status, 400);
    let stored = |s: &OfficeServer| {
        super::support::blocking(|| {
            let mut db = s.state.lock();
            db.sql.query_opt("SELECT 1 FROM doc_access WHERE doc_id = 'calendar-2027'", &[]).unwrap().is_some()
        })
    };
    assert!(!stored(&s));
    let seen = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("calendar-2027：将新增"), "{}", seen.body);
    assert!(!stored(&s), "a preview stored something");
    let done = b.post("/office/data/import", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert!(done.body.contains("已导入（新增）"), "{}", done.body);
    assert!(stored(&s));
    let again = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "calendar"), ("text", &text)]).await;
    assert!(again.body.contains("与现有内容相同"));
    // The enterprise list the server already holds changes nothing.
    let list = std::fs::read_to_string(fixtures_dir().join("enterprises.json")).unwrap();
    let seen = b.post("/office/data/preview", &[("csrf", &csrf), ("kind", "enterprises"), ("text", &list)]).await;
    assert!(seen.body.contains("新增 0 家，更新 0 家，不变 55 家"), "{}", seen.body);
    // A forged token imports nothing.
    assert_eq!(
        b.post("/office/data/import", &[("csrf", "x"), ("kind", "calendar"), ("text", &text)]).await.status,
        403
    );
}
