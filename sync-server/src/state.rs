//! Shared server state: the document store (core `Store` on SQLite), the
//! server database (identity and access), in-memory sync sessions, metrics.
//! SQLite connections are used from blocking tasks behind mutexes; a single
//! writer per database is what SQLite wants anyway.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::store::Store;
use lianjian_core::sync::serve::SessionStates;
use rusqlite::Connection;

use crate::db;

/// Most in-memory sync sessions kept; beyond this they are dropped (clients
/// fall back to persisted state, which is always correct, just slower).
const MAX_SESSIONS: usize = 4096;

/// Counters exported at `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests served, by route.
    pub requests: Mutex<HashMap<&'static str, u64>>,
    /// Requests refused for missing or bad credentials.
    pub unauthorized: AtomicU64,
    /// Documents whose incoming changes were rejected.
    pub rejections: AtomicU64,
    /// Request body bytes.
    pub bytes_in: AtomicU64,
    /// Response body bytes.
    pub bytes_out: AtomicU64,
}

impl Metrics {
    /// Counts one request on `route`.
    pub fn request(&self, route: &'static str) {
        *self.requests.lock().expect("metrics lock").entry(route).or_default() += 1;
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP lianjian_requests_total Requests served by route.\n# TYPE lianjian_requests_total counter\n",
        );
        let mut routes: Vec<_> = self.requests.lock().expect("metrics lock").iter().map(|(k, v)| (*k, *v)).collect();
        routes.sort();
        for (route, n) in routes {
            out.push_str(&format!("lianjian_requests_total{{route=\"{route}\"}} {n}\n"));
        }
        for (name, help, v) in [
            ("lianjian_unauthorized_total", "Requests refused for credentials.", &self.unauthorized),
            ("lianjian_sync_rejections_total", "Documents whose changes were rejected.", &self.rejections),
            ("lianjian_request_bytes_total", "Request body bytes.", &self.bytes_in),
            ("lianjian_response_bytes_total", "Response body bytes.", &self.bytes_out),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        out
    }
}

/// Everything the handlers share.
pub struct AppState {
    /// The server's copies of all documents.
    pub store: Mutex<Store>,
    /// Users, devices, access table.
    pub db: Mutex<Connection>,
    /// In-memory sync states by (device, session id).
    pub sessions: Mutex<HashMap<(String, String), SessionStates>>,
    /// The region's grade scheme (validation of incoming findings).
    pub scheme: GradeScheme,
    /// Counters.
    pub metrics: Metrics,
    /// Bumped by every write this process makes to documents or access.
    pub generation: AtomicU64,
    /// Each user's server-side digest, valid for one data version.
    pub digests: Mutex<HashMap<String, (DataVersion, [u8; 32])>>,
}

/// What a cached digest depends on: this process's writes and, through
/// SQLite's `data_version`, writes by other processes (the admin commands).
pub type DataVersion = (u64, i64, i64);

impl AppState {
    /// Opens (creating) the databases in `data`.
    pub fn open(data: &Path) -> lianjian_core::Result<Self> {
        std::fs::create_dir_all(data)?;
        let store = Store::open(&data.join("documents.db"))?;
        let db = db::open(&data.join("server.db")).map_err(|e| lianjian_core::Error::Storage(Box::new(e)))?;
        Ok(AppState {
            store: Mutex::new(store),
            db: Mutex::new(db),
            sessions: Mutex::new(HashMap::new()),
            scheme: GradeScheme::three_level(),
            metrics: Metrics::default(),
            generation: AtomicU64::new(0),
            digests: Mutex::new(HashMap::new()),
        })
    }

    /// The current data version, given both connections (locked by the caller).
    pub fn data_version(&self, db: &Connection, store: &Store) -> rusqlite::Result<DataVersion> {
        let dv = |c: &Connection| c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0));
        Ok((self.generation.load(Ordering::SeqCst), dv(db)?, dv(store.connection())?))
    }

    /// Marks that documents or access changed.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Takes the session's sync states out (to use without holding the lock).
    pub fn take_session(&self, device: &str, session: Option<&str>) -> SessionStates {
        match session {
            Some(s) => self
                .sessions
                .lock()
                .expect("sessions lock")
                .remove(&(device.to_string(), s.to_string()))
                .unwrap_or_default(),
            None => SessionStates::new(),
        }
    }

    /// Puts a session's sync states back.
    pub fn put_session(&self, device: &str, session: Option<&str>, states: SessionStates) {
        if let Some(s) = session {
            let mut map = self.sessions.lock().expect("sessions lock");
            if map.len() >= MAX_SESSIONS {
                map.clear();
            }
            map.insert((device.to_string(), s.to_string()), states);
        }
    }
}
