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
            // Chromium on Linux takes its UI language from the environment, not --lang.
            .env("LANGUAGE", "zh_CN")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
    let all = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql.query_opt("SELECT count(*) FROM ledger_hazards", &[]).unwrap().unwrap().int(0).unwrap()
    });
    assert!(overdue > 0 && overdue < all, "{overdue} of {all}");
    assert_eq!(c.find_all(Locator::Css("#ledger tr.overdue")).await.unwrap().len() as i64, overdue.min(50));

    // Filter by state with htmx: only the table is replaced, the address follows.
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    wait_text(&c, "#ledger-total", &format!("共 {all} 条")).await;
    screenshot(&c, "ledger").await;
    c.find(Locator::Css("#f-state option[value=closed]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("apply-filter")).await.unwrap().click().await.unwrap();
    let closed = super::support::blocking(|| {
        let mut db = s.state.lock();
        db.sql
            .query_opt("SELECT count(*) FROM ledger_hazards WHERE state = 'closed'", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap()
    });
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

    // 一企一档: search, open a dossier with its reports' photos side by side.
    c.find(Locator::LinkText("一企一档")).await.unwrap().click().await.unwrap();
    wait_text(&c, "h1", "一企一档").await;
    screenshot(&c, "enterprises").await;
    c.find(Locator::Id("q")).await.unwrap().send_keys("化工").await.unwrap();
    c.find(Locator::Id("search")).await.unwrap().click().await.unwrap();
    wait_text(&c, "p", "共").await;
    let names = text(&c, "#enterprises tbody").await;
    assert!(!names.is_empty() && names.lines().all(|l| l.contains("化工")), "{names}");
    let first = c.find(Locator::Css("a.dossier-link")).await.unwrap();
    let name = first.text().await.unwrap();
    first.click().await.unwrap();
    assert_eq!(wait_text(&c, "#dossier-title", &name).await, name);
    assert!(text(&c, "#cap").await.contains("上限"));
    screenshot(&c, "dossier").await;

    // 统计分析: the charts are drawn by ECharts from the server's own JSON.
    c.find(Locator::LinkText("统计分析")).await.unwrap().click().await.unwrap();
    for _ in 0..100 {
        let drawn = c.execute("return document.body.getAttribute('data-charts');", vec![]).await.unwrap();
        if drawn == serde_json::json!("drawn") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let canvases = c.find_all(Locator::Css(".chart canvas")).await.unwrap();
    assert!(canvases.len() >= 2, "the charts were not drawn");
    screenshot(&c, "stats").await;

    // A lost phone: its device is revoked on the people page, and its next
    // sync is refused.
    let inspector = s.seeded.iter().find(|x| x.user.name == "刘海燕").unwrap().clone();
    let mut phone = lianjian_core::store::Store::open_in_memory().unwrap();
    let sync = lianjian_core::sync::http::SyncClient::new(&s.base).unwrap();
    let enrolled = sync.enroll(&phone, &inspector.code, "刘海燕的手机").await.unwrap();
    sync.sync(&mut phone, &enrolled.token).await.unwrap();
    c.find(Locator::LinkText("人员与设备")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#people", "刘海燕的手机").await;
    screenshot(&c, "people").await;
    let device = c.find(Locator::XPath("//div[@class='device'][contains(., '刘海燕的手机')]")).await.unwrap();
    device.find(Locator::Css("button.revoke")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#people", "已停用").await;
    assert!(sync.sync(&mut phone, &enrolled.token).await.is_err(), "a revoked device synced");

    c.find(Locator::LinkText("年度计划")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("p-title")).await.unwrap().send_keys("2026年度监督检查计划").await.unwrap();
    c.find(Locator::Id("p-create")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#plan-state", "编制中").await;
    c.find(Locator::Css("#add-row input[name=item]")).await.unwrap().send_keys("危险化学品企业安全检查").await.unwrap();
    c.find(Locator::Css("#add-row input[name=basis]"))
        .await
        .unwrap()
        .send_keys("《危险化学品安全管理条例》")
        .await
        .unwrap();
    c.find(Locator::Id("p-add-row")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#plan-rows", "危险化学品企业安全检查").await;
    screenshot(&c, "plans").await;
    c.find(Locator::LinkText("基础数据")).await.unwrap().click().await.unwrap();
    let calendar =
        std::fs::read_to_string(lianjian_core::import::fixtures_dir().join("calendars/test-2027.toml")).unwrap();
    c.find(Locator::Id("data-text")).await.unwrap().send_keys(&calendar).await.unwrap();
    c.find(Locator::Id("data-preview")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#preview", "calendar-2027").await;
    screenshot(&c, "data").await;
    c.find(Locator::LinkText("审计记录")).await.unwrap().click().await.unwrap();
    assert!(wait_text(&c, "#chain", "审计链完整").await.contains("只读"));
    screenshot(&c, "audit").await;

    // Sign out: the ledger is closed to this browser again.
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    c.find(Locator::Id("sign-out")).await.unwrap().click().await.unwrap();
    wait_text(&c, "h1", "登录").await;
    c.goto(&format!("{}/office/ledger", s.base)).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/office/sign-in"));

    // The head runs a 双随机 draw; the public page re-runs it.
    c.find(Locator::Id("login")).await.unwrap().send_keys("admin").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Id("sign-in")).await.unwrap().click().await.unwrap();
    wait_text(&c, "#ledger-total", "共").await;
    c.find(Locator::LinkText("双随机抽查")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("d-title")).await.unwrap().send_keys("2026年第四季度双随机抽查").await.unwrap();
    c.find(Locator::Id("d-commit")).await.unwrap().click().await.unwrap();
    let commitment = wait_text(&c, "#commitment", "").await;
    assert_eq!(commitment.len(), 64, "{commitment}");
    c.find(Locator::Id("d-witnesses")).await.unwrap().send_keys("纪检 37，企业代表 904").await.unwrap();
    c.find(Locator::Id("d-run")).await.unwrap().click().await.unwrap();
    wait_text(&c, "h2", "抽取结果").await;
    screenshot(&c, "draw").await;
    let public = c.find(Locator::Id("public-link")).await.unwrap().attr("href").await.unwrap().unwrap();
    c.find(Locator::Id("sign-out")).await.unwrap().click().await.unwrap();
    wait_text(&c, "h1", "登录").await;
    c.goto(&format!("{}{public}", s.base)).await.unwrap();
    assert_eq!(text(&c, "#commitment").await, commitment);
    c.find(Locator::Id("verify")).await.unwrap().click().await.unwrap();
    let verdict = wait_text(&c, "#verdict", "核验结果").await;
    assert!(verdict.contains("承诺值一致") && verdict.contains("公布结果一致"), "{verdict}");
    screenshot(&c, "public-draw").await;
    c.close().await.unwrap();
}
