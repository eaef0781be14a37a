//! Starting the server as an office would: the binary runs from any
//! directory; a production start on an empty database creates only the first
//! office administrator's code; demo data is loaded only when asked; a
//! restart issues no new code to anyone who holds one; codes expire and are
//! single-use.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use lianjian_core::model::Timestamp;
use lianjian_sync_server::db;

use crate::support::*;

/// Starts the binary in `cwd` with `args`, reads what it prints up to the
/// line saying it listens, stops it, and returns the enrollment code lines.
fn start(cwd: &std::path::Path, data: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"))
        .current_dir(cwd)
        .args(["--data", data.to_str().unwrap(), "serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut codes = Vec::new();
    let mut listening = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("listening on http://127.0.0.1:") {
            listening = true;
            break;
        }
        if line.split_whitespace().any(|w| w.len() == 14 && w.matches('-').count() == 2) {
            codes.push(line);
        }
    }
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(listening, "the server did not start: {}", String::from_utf8_lossy(&out.stderr));
    codes
}

#[test]
fn a_production_start_creates_only_the_first_administrator_and_restarts_issue_nothing() {
    let elsewhere = tempfile::tempdir().unwrap();
    let data = elsewhere.path().join("data");
    let first = start(elsewhere.path(), &data, &[]);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("联检办"), "{first:?}");
    assert!(start(elsewhere.path(), &data, &[]).is_empty(), "a restart issued a new code");
}

#[test]
fn demo_data_is_loaded_when_asked_from_any_directory_and_codes_are_not_reissued() {
    let elsewhere = tempfile::tempdir().unwrap();
    let data = elsewhere.path().join("data");
    let first = start(elsewhere.path(), &data, &["--demo"]);
    assert_eq!(first.len(), 8, "{first:?}");
    assert!(start(elsewhere.path(), &data, &["--demo"]).is_empty(), "a restart issued new codes");
    // The office checks the audit trail from the command line.
    let out = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"))
        .args(["--data", data.to_str().unwrap(), "audit", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit trail intact"));
    // A missing fixtures folder is a clear error, not a panic.
    let out = Command::new(env!("CARGO_BIN_EXE_lianjian-sync-server"))
        .current_dir(elsewhere.path())
        .args(["--data", data.to_str().unwrap(), "serve", "--listen", "127.0.0.1:0", "--fixtures", "nowhere"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fixtures"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrollment_codes_expire_and_are_single_use() {
    let server = Server::start().await;
    let user = server.add_user("过期码用户", lianjian_core::rules::permissions::Role::Inspector);
    let expired = {
        let mut db = server.state.lock();
        let issued = Timestamp::from_unix_millis(Timestamp::now().unix_millis() - 8 * 24 * 3600 * 1000);
        db::issue_code(&mut *db.sql, &user.user.id, issued, db::CODE_VALIDITY).unwrap()
    };
    let store = lianjian_core::store::Store::open_in_memory().unwrap();
    let client = lianjian_core::sync::http::SyncClient::new(&server.base).unwrap();
    assert!(client.enroll(&store, &expired, "平板").await.is_err(), "an expired code enrolled a device");
    client.enroll(&store, &user.code, "平板").await.unwrap();
    let again = lianjian_core::store::Store::open_in_memory().unwrap();
    assert!(client.enroll(&again, &user.code, "平板2").await.is_err(), "a used code enrolled a second device");
}

/// Error bodies carry a code and a Chinese message; guessing a code is cut
/// short; `/metrics` answers loopback callers only (or the metrics token).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_speak_chinese_guessing_is_limited_and_metrics_stay_inside() {
    let server = Server::start().await;
    let http = reqwest::Client::new();
    let mut last = None;
    for i in 0..6 {
        let body =
            serde_json::json!({ "code": "AAAA-BBBB-CCCC", "device_name": "猜码", "actors": [format!("{i:02x}")] });
        let resp = http.post(format!("{}/v1/enroll", server.base)).json(&body).send().await.unwrap();
        last = Some((resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap()));
    }
    let (status, body) = last.unwrap();
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"], "rate_limited");
    assert!(body["message"].as_str().unwrap().contains("稍后"), "{body}");
    let resp = http.post(format!("{}/v1/sync/digest", server.base)).bearer_auth("nope").send().await.unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(body["message"].as_str().unwrap().contains("登记"), "{body}");
    // Loopback: the metrics are there (the handler refuses other addresses
    // without the token; a loopback test cannot come from elsewhere).
    let metrics = http.get(format!("{}/metrics", server.base)).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(metrics
        .text()
        .await
        .unwrap()
        .contains("lianjian_http_requests_total{route=\"/v1/enroll\",status=\"429\"}"));
    // Without connection details (not served over TCP) and without the token: nothing.
    let req = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(lianjian_sync_server::app(server.state.clone()), req).await.unwrap();
    assert_eq!(resp.status(), 404);
}
