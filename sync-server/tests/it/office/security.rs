//! Sign-in, sessions and their attacks: every page without a session goes to
//! sign-in, a device's token opens no page, the sign-in form is tied to its
//! browser, failures lock with back-off, a session id the server did not
//! make opens nothing, forged and replayed CSRF tokens are refused, a
//! `<script>` in a description is text everywhere, no path leaves the
//! static files — and the server keeps serving through all of it.

use lianjian_core::model::Timestamp;
use lianjian_core::rules::permissions::Role;
use lianjian_sync_server::accounts::{self, AccountError};

use super::support::*;

const PAGES: &[&str] = &[
    "/office/ledger",
    "/office/ledger?state=rectifying&overdue=1",
    "/office/ledger.xlsx",
    "/office/hazards/01a24586-4505-75b3-ab7b-b3b51201d9d8",
    "/office/files/0000000000000000000000000000000000000000000000000000000000000000",
];

/// Every form the pages post to.
const FORMS: &[&str] = &[
    "/office/users",
    "/office/users/u/code",
    "/office/users/u/officer",
    "/office/devices/d/revoke",
    "/office/enterprises/e/incidents",
    "/office/draws",
    "/office/draws/d/run",
    "/office/plans",
    "/office/plans/p/rows",
    "/office/plans/p/approve",
    "/office/caps",
    "/office/data/preview",
    "/office/data/import",
    "/office/data/upload",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_without_a_session_goes_to_sign_in_and_changes_nothing() {
    let s = OfficeServer::start(1).await;
    let audit_len = || {
        super::support::blocking(|| {
            lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap().len()
        })
    };
    let before = audit_len();
    let mut anon = s.client();
    for form in FORMS {
        let a = anon.post(form, &[("csrf", "x"), ("red", "1"), ("orange", "1"), ("yellow", "1"), ("blue", "1")]).await;
        assert_eq!(a.status, 303, "{form}");
        assert!(a.header("location").starts_with("/office/sign-in"), "{form}: {}", a.header("location"));
    }
    assert_eq!(audit_len(), before, "a form without a session left a trace of a change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_without_a_session_goes_to_sign_in_and_devices_open_none() {
    let s = OfficeServer::start(4).await;
    let mut anon = s.client();
    for page in PAGES {
        let a = anon.get(page).await;
        assert_eq!(a.status, 303, "{page}");
        assert!(a.header("location").starts_with("/office/sign-in?next=/office/"), "{page}: {}", a.header("location"));
        // htmx is told where to go rather than given a page to swap in.
        let a = anon.get_with(page, &[("hx-request", "true")]).await;
        assert_eq!((a.status, a.header("hx-redirect").starts_with("/office/sign-in")), (401, true), "{page}");
    }
    let a = anon.post("/office/sign-out", &[("csrf", "x")]).await;
    assert_eq!(a.status, 303);
    assert!(anon.get("/office").await.header("location").ends_with("/office/ledger"));

    // An inspector's and an enterprise's device tokens open no page, and
    // neither can be given a password.
    for role in [Role::Inspector, Role::Enterprise] {
        let who = s.seeded.iter().find(|x| x.user.role == role).unwrap().clone();
        let token = super::support::blocking(|| {
            let mut db = s.state.lock();
            let (_, token, _) =
                lianjian_sync_server::db::enroll(&mut *db.sql, &who.code, "平板", &[], Timestamp::now())
                    .unwrap()
                    .unwrap();
            let refused = accounts::set_password(&mut *db.sql, &who.user.id, Some("field1"), None, PASSWORD);
            assert!(matches!(refused, Err(AccountError::NotOffice)), "{refused:?}");
            token
        });
        for page in PAGES {
            let bearer = format!("Bearer {token}");
            let a = anon.get_with(page, &[("authorization", &bearer)]).await;
            assert_eq!(a.status, 303, "{role:?} {page}");
        }
    }
    assert_eq!(anon.get("/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_form_is_tied_to_its_browser_and_failures_lock_with_back_off() {
    let s = OfficeServer::start(2).await;
    let mut b = s.client();
    // A form posted from elsewhere (no token cookie) is refused.
    let a = b.post("/office/sign-in", &[("login", "admin"), ("password", PASSWORD), ("form_token", "forged")]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("登录表单已失效"));
    // Wrong passwords: five free tries, then locked, even for the right one.
    for _ in 0..5 {
        let a = b.sign_in("admin", "不对的密码不对的").await;
        assert_eq!(a.status, 401);
        assert!(a.body.contains("登录名或密码不正确"), "{}", a.body);
    }
    let a = b.sign_in("admin", PASSWORD).await;
    assert_eq!(a.status, 401);
    assert!(a.body.contains("账户已暂时锁定，请 1 分钟后再试"), "{}", a.body);
    // A name that does not exist is counted and answered the same way.
    let a = b.sign_in("nobody", PASSWORD).await;
    assert!(a.body.contains("登录名或密码不正确"));
    // A minute later the right password works; the next lock is longer.
    s.clock.advance_millis(61_000);
    let a = b.sign_in("admin", PASSWORD).await;
    assert_eq!((a.status, a.header("location")), (303, "/office/ledger".to_string()));
    assert_eq!(b.get("/office/ledger").await.status, 200);
    for _ in 0..5 {
        b.sign_in("clerk", "不对的密码不对的").await;
    }
    s.clock.advance_millis(61_000);
    b.sign_in("clerk", "不对的密码不对的").await;
    let a = b.sign_in("clerk", PASSWORD).await;
    assert!(a.body.contains("请 2 分钟后再试"), "{}", a.body);
    // Every attempt is in the audit trail, refused ones too.
    let entries = super::support::blocking(|| {
        lianjian_sync_server::audit::list(&mut *s.state.lock().sql, None, None, None).unwrap()
    });
    let refused = entries.iter().filter(|e| e.event == "office_sign_in" && e.result == "refused:password").count();
    let locked = entries.iter().filter(|e| e.event == "office_sign_in" && e.result == "refused:locked").count();
    let accepted = entries.iter().filter(|e| e.event == "office_sign_in" && e.result == "accepted").count();
    assert_eq!((refused, locked, accepted), (12, 2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_the_servers_own_and_csrf_tokens_cannot_be_forged_or_replayed() {
    let s = OfficeServer::start(2).await;
    let mut b = s.client();
    // A session id chosen by someone else (fixation) opens nothing and is
    // replaced at sign-in.
    let fixed = "ab".repeat(32);
    b.cookies.insert("lj_session".into(), fixed.clone());
    assert_eq!(b.get("/office/ledger").await.status, 303);
    assert_eq!(b.sign_in("admin", PASSWORD).await.status, 303);
    let mine = b.cookies["lj_session"].clone();
    assert_ne!(mine, fixed);
    assert_eq!(b.get("/office/ledger").await.status, 200);
    let csrf = b.csrf().await;

    // Another clerk's session and token.
    let mut other = s.client();
    assert_eq!(other.sign_in("clerk", PASSWORD).await.status, 303);
    let other_csrf = other.csrf().await;
    assert_ne!(csrf, other_csrf);

    // Forged, missing and another session's tokens are refused; the session lives on.
    for forged in ["", "00".repeat(32).as_str(), other_csrf.as_str()] {
        let a = b.post("/office/sign-out", &[("csrf", forged)]).await;
        assert_eq!(a.status, 403, "{forged:?}");
        assert!(a.body.contains("CSRF"));
        assert_eq!(b.get("/office/ledger").await.status, 200);
    }
    // The right one signs out; the old cookie and token are dead after that.
    let a = b.post("/office/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!((a.status, a.header("location")), (303, "/office/sign-in".to_string()));
    assert!(!b.cookies.contains_key("lj_session"));
    b.cookies.insert("lj_session".into(), mine);
    assert_eq!(b.get("/office/ledger").await.status, 303);
    assert_eq!(b.post("/office/sign-out", &[("csrf", &csrf)]).await.status, 303);
    // The other session was never touched.
    assert_eq!(other.get("/office/ledger").await.status, 200);
    // Idle sessions end.
    s.clock.advance_millis(lianjian_sync_server::accounts::IDLE_MS + 1);
    assert_eq!(other.get("/office/ledger").await.status, 303);
    // Cookies are HttpOnly and SameSite.
    let mut c = s.client();
    let form = c.get("/office/sign-in").await;
    let token = hidden(&form.body, "form_token");
    let a = c.post("/office/sign-in", &[("login", "admin"), ("password", PASSWORD), ("form_token", &token)]).await;
    let set: Vec<String> = a.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(set
        .iter()
        .any(|c| c.starts_with("lj_session=") && c.contains("HttpOnly") && c.contains("SameSite=Strict")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_in_a_description_is_text_everywhere() {
    let s = OfficeServer::start(6).await;
    // Rewrite one stored hazard's description the way a device's change would.
    let evil = "<script>alert('联检')</script><img src=x onerror=alert(1)>";
    let (hazard_id, inspection_id) = super::support::blocking(|| {
        let mut db = s.state.lock();
        let row = db.sql.query_opt("SELECT id, inspection_id FROM ledger_hazards LIMIT 1", &[]).unwrap().unwrap();
        (row.text(0).unwrap(), row.text(1).unwrap())
    });
    super::support::blocking(|| {
        use automerge::transaction::Transactable;
        use automerge::ReadDoc;
        let mut db = s.state.lock();
        let mut docs = db.docs();
        docs.put(
            &inspection_id,
            lianjian_core::store::DocKind::Inspection,
            Timestamp::now(),
            |_| unreachable!("stored"),
            |doc| {
                let (_, findings) = doc.get(automerge::ROOT, "findings").unwrap().unwrap();
                let (_, f) = doc.get(&findings, hazard_id.as_str()).unwrap().unwrap();
                let mut tx = doc.transaction();
                tx.put(&f, "description", evil).unwrap();
                tx.commit();
                Ok(())
            },
        )
        .unwrap();
    });
    let mut b = s.client();
    b.sign_in("clerk", PASSWORD).await;
    for page in ["/office/ledger".to_string(), format!("/office/hazards/{hazard_id}")] {
        let a = b.get(&page).await;
        assert_eq!(a.status, 200, "{page}");
        assert!(!a.body.contains("<script>alert"), "{page}");
        assert!(!a.body.contains("<img src=x"), "{page}");
        assert!(a.body.contains("&#60;script&#62;alert(&#39;联检&#39;)&#60;/script&#62;"), "{page}");
        // No inline script could run anyway.
        assert!(a.header("content-security-policy").contains("script-src 'self'"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_path_leaves_the_static_files() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = OfficeServer::start(1).await;
    let host = s.base.trim_start_matches("http://").to_string();
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/vendor/../../src/main.rs",
        "/static/..%2f..%2fCargo.toml",
        "/static//etc/passwd",
        "/static/office.css/../../Cargo.toml",
    ] {
        // Raw bytes: a client library would tidy the path first.
        let mut conn = tokio::net::TcpStream::connect(&host).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        conn.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        conn.read_to_string(&mut out).await.unwrap();
        let status: u16 = out[9..12].parse().unwrap();
        assert!(matches!(status, 400 | 404), "{path}: {status}");
        assert!(!out.contains("[package]") && !out.contains("root:"), "{path}");
    }
    let mut b = s.client();
    let css = b.get("/static/office.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("Noto Sans CJK SC"));
    assert_eq!(b.get("/static/vendor/htmx-2.0.11.min.js").await.status, 200);
    assert_eq!(b.get("/healthz").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_trail_is_searchable_and_read_only() {
    let s = OfficeServer::start(3).await;
    let mut b = s.client();
    b.sign_in("nobody", "不对的密码不对的").await;
    b.sign_in("clerk", PASSWORD).await;
    b.get_bytes("/office/ledger.xlsx").await;
    let all = b.get("/office/audit").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("审计链完整"), "{}", all.body);
    // By person, by name: the clerk's sign-in and export, nothing of others.
    let mine = b.get(&format!("/office/audit?person={}", super::support_encode("联检办科员"))).await;
    assert!(mine.body.contains("office_sign_in") && mine.body.contains("office_export"));
    assert!(!mine.body.contains("登录名 nobody"));
    let events = b.get("/office/audit?event=office_sign_in").await;
    assert!(events.body.contains("共 2 条"), "{}", events.body);
    // By enterprise: the changes to its inspections, and nothing else.
    let ent = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql.query_opt("SELECT enterprise_id FROM office_inspections LIMIT 1", &[]).unwrap().unwrap().text(0).unwrap()
    });
    let by_ent = b.get(&format!("/office/audit?enterprise={ent}")).await;
    assert_eq!(by_ent.status, 200);
    assert!(!by_ent.body.contains("office_sign_in"));
    // Nothing on the page changes it.
    let base = s.base.clone();
    let http = reqwest::Client::new();
    let cookie = format!("lj_session={}", b.cookies["lj_session"]);
    for method in [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH] {
        let r = http
            .request(method.clone(), format!("{base}/office/audit"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 405, "{method}");
    }
    let bad = b.get("/office/audit?from=昨天").await;
    assert_eq!(bad.status, 400);
    assert!(b.get("/office/audit").await.body.contains("审计链完整"));
}

/// The pages' CSP refuses inline scripts and styles, so a template that
/// carries one would silently lose it: none does.
#[test]
fn no_template_carries_an_inline_style_or_script() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(" style="), "{}: an inline style", path.display());
        assert!(!text.contains("<style"), "{}: a style element", path.display());
        for script in text.split("<script").skip(1) {
            assert!(script.trim_start().starts_with("src="), "{}: an inline script", path.display());
        }
        assert!(!text.contains(" onclick=") && !text.contains(" onload="), "{}: an inline handler", path.display());
    }
}
