//! A clerk's work in a real browser: Debian's Chromium driven through its
//! ChromeDriver (both installed by scripts/setup; nothing is downloaded),
//! against the server on loopback. Each page is also saved as a PNG at
//! 1366x768 (into docs/office/ with LIANJIAN_UPDATE_SCREENS=1), so a person
//! can look at what the office sees.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::support::*;

/// ChromeDriver on a free loopback port, stopped when dropped.
pub struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    pub async fn start() -> (Driver, Client) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver; scripts/setup installs it)");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("a Chromium session");
        (Driver { child, _profile: profile }, client)
    }
}

/// Saves what the browser shows as `docs/office/<name>.png` (when asked to
/// update them) or in the test's temporary folder.
pub async fn screenshot(client: &Client, name: &str) {
    // Usable at 1366x768: nothing runs off the side of the screen.
    let wide = client
        .execute(
            "const w = document.documentElement.clientWidth; \
             return Array.from(document.querySelectorAll('body *')) \
               .filter(e => e.getBoundingClientRect().right > w + 1) \
               .slice(0, 5).map(e => e.tagName + '.' + e.className + ' in ' + e.parentElement.tagName + '.' + e.parentElement.className + ' ' + Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, serde_json::json!([]), "{name}: wider than the screen");
    let png = client.screenshot().await.unwrap();
    assert!(png.len() > 10_000, "{name}: an empty screen?");
    let dir = if std::env::var("LIANJIAN_UPDATE_SCREENS").is_ok_and(|v| v == "1") {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/office")
    } else {
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("office-screens")
    };
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn text(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap()
}

/// Waits until `css` shows text containing `want`.
async fn wait_text(client: &Client, css: &str, want: &str) -> String {
    for _ in 0..100 {
        if let Ok(e) = client.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(want) {
                    return t;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {want:?}: {}", client.source().await.unwrap_or_default());
}

#[tokio::test]
async fn a_clerk_signs_in_filters_the_ledger_opens_a_hazard_and_exports() {
    let s = OfficeServer::start(60).await;
    let (_driver, c) = Driver::start().await;
    c.set_window_size(1366, 768).await.unwrap();

    // Straight to the ledger: the browser is sent to sign in first.
    c.goto(&format!("{}/office/ledger?overdue=1", s.base)).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/office/sign-in"));
    screenshot(&c, "sign-in").await;
    c.find(Locator::Id("login")).await.unwrap().send_keys("clerk").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys("不对的密码不对的").await.unwrap();
    c.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();
    assert!(wait_text(&c, "#sign-in-error", "不正确").await.contains("登录名或密码不正确"));
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();
    // Back where it was going, with the filter it asked for.
    let shown = wait_text(&c, "#ledger-total", "共").await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.path(), url.query()), ("/office/ledger", Some("overdue=1")));
    let overdue: i64 = shown.trim_start_matches("共 ").split(' ').next().unwrap().parse().unwrap();
    let all = {
        let mut db = s.state.lock();
        db.sql.query_opt("SELECT count(*) FROM ledger_hazards", &[]).unwrap().unwrap().int(0).unwrap()
    };
    assert!(overdue > 0 && overdue < all, "{overdue} of {all}");
    assert_eq!(c.find_all(Locator::Css("#ledger tr.overdue")).await.unwrap().len() as i64, overdue.min(50));

    // Filter by state with htmx: only the table is replaced, the address follows.
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    wait_text(&c, "#ledger-total", &format!("共 {all} 条")).await;
    screenshot(&c, "ledger").await;
    c.find(Locator::Css("#f-state option[value=closed]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("apply-filter")).await.unwrap().click().await.unwrap();
    let closed = {
        let mut db = s.state.lock();
        db.sql
            .query_opt("SELECT count(*) FROM ledger_hazards WHERE state = 'closed'", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap()
    };
    wait_text(&c, "#ledger-total", &format!("共 {closed} 条")).await;
    assert!(c.current_url().await.unwrap().query().unwrap_or_default().contains("state=closed"));
    // The filter form is still the same element: htmx swapped the table only.
    assert_eq!(c.find(Locator::Css("#f-state")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("closed"));

    // A closed hazard's history: ordered, reported with photos, accepted, passed.
    let link = c.find(Locator::Css("#ledger a.hazard-link")).await.unwrap();
    let title = link.text().await.unwrap();
    link.click().await.unwrap();
    assert_eq!(wait_text(&c, "#hazard-title", &title).await, title);
    assert_eq!(text(&c, "#hazard-state").await, "已销号");
    let events = text(&c, "#events").await;
    for step in ["下达限期整改", "提交整改报告", "整改报告审核通过", "复查合格"] {
        assert!(events.contains(step), "{events}");
    }
    let signatures = text(&c, "#signatures").await;
    assert!(signatures.contains("有效") && !signatures.contains("无效"), "{signatures}");
    // The before and after photos load (served from the server's blobs).
    let loaded = c
        .execute(
            "return Array.from(document.querySelectorAll('.pair img')).map(i => i.complete && i.naturalWidth > 0);",
            vec![],
        )
        .await
        .unwrap();
    let loaded: Vec<bool> = serde_json::from_value(loaded).unwrap();
    assert!(!loaded.is_empty() && loaded.iter().all(|x| *x), "{loaded:?}");
    screenshot(&c, "hazard").await;
    c.execute("document.querySelector('.report').scrollIntoView();", vec![]).await.unwrap();
    screenshot(&c, "hazard-report").await;

    // Export what the ledger shows, with the browser's own session.
    c.back().await.unwrap();
    let href = c.find(Locator::Id("export-xlsx")).await.unwrap().attr("href").await.unwrap().unwrap();
    assert!(href.contains("state=closed"), "{href}");
    let cookie = c.get_named_cookie("lj_session").await.unwrap();
    let mut b = s.client();
    b.cookies.insert("lj_session".into(), cookie.value().to_string());
    let (status, bytes) = b.get_bytes(&href).await;
    assert_eq!((status, &bytes[..2]), (200, &b"PK"[..]));

    // Sign out: the ledger is closed to this browser again.
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    c.find(Locator::Id("sign-out")).await.unwrap().click().await.unwrap();
    wait_text(&c, "h1", "登录").await;
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/office/sign-in"));
    c.close().await.unwrap();
}
