//! A server for the office pages' tests: seeded from the fixtures, with a
//! year of inspections before a fixed day, office users with known
//! passwords, on a loopback port; and a small cookie-keeping HTTP client
//! that does not follow redirects (the tests look at them).

use std::collections::BTreeMap;
use std::sync::Arc;

use lianjian_core::clock::FixedClock;
use lianjian_core::import::fixtures_dir;
use lianjian_core::rules::office_access::OfficeRank;
use lianjian_sync_server::seed::Seeded;
use lianjian_sync_server::{app, AppState};

use crate::support::test_config;

/// Runs `f`, which reaches the database directly, where blocking is allowed
/// (the PostgreSQL client blocks; the tests run on a multi-threaded runtime).
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The day the office works on in these tests.
pub const TODAY: &str = "2026-12-04T10:00:00+08:00";
/// The head's and the clerk's password.
pub const PASSWORD: &str = "正确的密码-2026";

pub struct OfficeServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub clock: Arc<FixedClock>,
    pub seeded: Vec<Seeded>,
    pub _dir: tempfile::TempDir,
}

impl OfficeServer {
    /// A server with `inspections` inspections in the year before [`TODAY`].
    pub async fn start(inspections: usize) -> OfficeServer {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let clock = Arc::new(FixedClock::parse(TODAY));
        let c = clock.clone();
        let (state, seeded) = tokio::task::spawn_blocking(move || {
            let mut state = AppState::open(&test_config(&d)).unwrap();
            state.clock = c.clone();
            let state = Arc::new(state);
            let seeded = lianjian_sync_server::seed::seed(&state, &fixtures_dir()).unwrap();
            let today = lianjian_core::clock::Clock::today(&*c);
            lianjian_sync_server::seed::demo_year(&state, &fixtures_dir(), today, inspections).unwrap();
            let mut db = state.lock();
            for (login, rank) in [("admin", OfficeRank::Head), ("clerk", OfficeRank::Clerk)] {
                lianjian_sync_server::accounts::set_password(&mut *db.sql, login, None, Some(rank), PASSWORD).unwrap();
            }
            drop(db);
            (state, seeded)
        })
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
        });
        OfficeServer { base: format!("http://{addr}"), state, clock, seeded, _dir: dir }
    }

    /// A browser-like client of this server.
    pub fn client(&self) -> Browser {
        Browser::new(&self.base)
    }
}

/// One stored inspection, read straight from its document (the tests'
/// independent count never goes through the indexes the pages read).
pub struct Stored {
    pub inspection: lianjian_core::model::Inspection,
    pub events: Vec<lianjian_core::rules::lifecycle::HazardEvent>,
    pub reports: usize,
}

impl OfficeServer {
    /// Every stored inspection, and the rule data the server holds.
    pub fn stored(&self) -> (Vec<Stored>, Arc<lianjian_sync_server::office::RuleData>) {
        blocking(|| {
            let mut db = self.state.lock();
            let ids: Vec<String> = db
                .sql
                .query("SELECT doc_id FROM doc_access WHERE kind = 'inspection'", &[])
                .unwrap()
                .iter()
                .map(|r| r.text(0).unwrap())
                .collect();
            let revision = lianjian_sync_server::db::revision(&mut *db.sql).unwrap();
            let rules = self.state.office.get(revision, &mut db.docs()).unwrap();
            let out = ids
                .iter()
                .map(|id| {
                    db.docs()
                        .with_document(id, |d| Stored {
                            inspection: autosurgeon::hydrate(d).unwrap(),
                            events: lianjian_core::doc::closed_loop::hazard_events(d).unwrap(),
                            reports: lianjian_core::doc::closed_loop::rectification_reports(d).unwrap().len(),
                        })
                        .unwrap()
                })
                .collect();
            (out, rules)
        })
    }
}

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
}

/// An HTTP client that keeps cookies like a browser and never follows
/// redirects.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { base: base.to_string(), http, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Answer {
        let req = if self.cookies.is_empty() { req } else { req.header("cookie", self.cookie_header()) };
        let resp = req.send().await.unwrap();
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.text().await.unwrap_or_default();
        Answer { status, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    pub async fn get_bytes(&mut self, path: &str) -> (u16, Vec<u8>) {
        let resp =
            self.http.get(format!("{}{path}", self.base)).header("cookie", self.cookie_header()).send().await.unwrap();
        (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let req = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    /// Posts a multipart form, as a browser's file upload does: `fields`,
    /// then each of `files` (name, bytes) under the field `files`.
    pub async fn upload(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Answer {
        let boundary = "----lianjian-test-boundary-7d2f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes());
        }
        for (name, bytes) in files {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .bytes(),
            );
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").bytes());
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.send(req).await
    }

    /// Loads the sign-in form and posts it; the answer to the post.
    pub async fn sign_in(&mut self, login: &str, password: &str) -> Answer {
        let form = self.get("/office/sign-in").await;
        let token = hidden(&form.body, "form_token");
        self.post("/office/sign-in", &[("login", login), ("password", password), ("form_token", &token)]).await
    }

    /// The session's CSRF token, from a page's meta tag.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/office/ledger").await;
        let key = "name=\"csrf-token\" content=\"";
        let start = page.body.find(key).expect("a signed-in page") + key.len();
        page.body[start..start + 64].to_string()
    }
}

/// The value of a hidden input in a page.
pub fn hidden(body: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = body.find(&key).unwrap_or_else(|| panic!("no {name} in {body}")) + key.len();
    body[start..].split('"').next().unwrap().to_string()
}

/// The "共 N 条" count of a ledger page.
pub fn total(body: &str) -> i64 {
    let start = body.find("共 ").expect("a ledger") + "共 ".len();
    body[start..].split(' ').next().unwrap().parse().unwrap()
}
