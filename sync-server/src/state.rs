//! Shared server state: the database (SQLite or PostgreSQL, behind one
//! lock: a single connection per process, which is what SQLite wants and
//! what keeps a process's document cache coherent), the blob directory,
//! in-memory sync sessions, cached digests and metrics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use automerge::ActorId;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::sync::serve::SessionStates;

use crate::blobs::BlobDir;
use crate::docs::{DocCache, DocTables};
use crate::sql::{self, DbError, Sql};

/// Most in-memory sync sessions kept; beyond this they are dropped (clients
/// fall back to persisted state, which is always correct, just slower).
const MAX_SESSIONS: usize = 4096;
/// The database connection and the documents loaded from it.
pub struct Database {
    /// The connection.
    pub sql: Box<dyn Sql>,
    /// Loaded documents.
    pub cache: DocCache,
    actor: ActorId,
}

impl Database {
    /// The document tables.
    pub fn docs(&mut self) -> DocTables<'_> {
        DocTables::new(&mut *self.sql, &mut self.cache, self.actor.clone())
    }
}

/// Where the server keeps its data.
#[derive(Clone, Debug)]
pub struct Config {
    /// The data folder (blobs; the SQLite database unless a URL is given).
    pub data: PathBuf,
    /// `postgres://…` to keep records in PostgreSQL instead of SQLite.
    pub database_url: Option<String>,
}

impl Config {
    /// Embedded SQLite in `data`.
    pub fn sqlite(data: &Path) -> Self {
        Config { data: data.to_path_buf(), database_url: None }
    }

    /// The database URL in force.
    pub fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| self.data.join("server.db").display().to_string())
    }
}

/// A user's server-side digest, the revision it was computed at, and the
/// documents it covered.
#[derive(Clone, Debug)]
pub struct CachedDigest {
    /// The data revision it is valid for.
    pub revision: i64,
    /// The digest.
    pub digest: [u8; 32],
    /// The documents the user could read (shared: the entry is copied out
    /// of the cache on the slower path).
    pub readable: std::sync::Arc<std::collections::BTreeSet<String>>,
}

/// Everything the handlers share.
pub struct AppState {
    /// The database. A `parking_lot` lock: it hands the lock over fairly
    /// (`unlock_fair`, and on its own after a short while), where the
    /// standard one lets a thread that releases and re-takes it in a loop
    /// (a batch, document by document) starve the devices waiting for it.
    pub db: parking_lot::Mutex<Database>,
    /// A second connection for the office's reports (statistics, the
    /// ledger's lists and exports): reading a year of hazards takes a
    /// hundred milliseconds or more, which must not hold the lock the
    /// devices' syncs wait for. It only reads committed data.
    pub reports: parking_lot::Mutex<Box<dyn crate::sql::Sql>>,
    /// Complete blobs and uploads in progress.
    pub blobs: BlobDir,
    /// In-memory sync states by (device, session id).
    pub sessions: Mutex<HashMap<(String, String), SessionStates>>,
    /// The grade scheme checklists' default grades are checked against.
    pub scheme: GradeScheme,
    /// The office's calendars and regions (incoming findings are checked
    /// against the scheme their inspection names).
    pub office: crate::office::OfficeCache,
    /// Counters.
    pub metrics: crate::metrics::Metrics,
    /// The token `/metrics` also answers to (beyond loopback callers).
    pub metrics_token: Option<String>,
    /// Bytes each device may keep on the server (`LIANJIAN_DEVICE_QUOTA_MB`, default 10 GiB).
    pub device_quota: std::sync::atomic::AtomicU64,
    /// The address each device's token was last used from (this process).
    pub addresses: Mutex<HashMap<String, String>>,
    /// Enrollment rate limits.
    pub enroll_limits: crate::limits::EnrollLimits,
    /// Each user's server-side digest, valid for one data revision.
    pub digests: Mutex<HashMap<String, CachedDigest>>,
    /// When each device's last sync was written down (this process).
    pub synced: Mutex<HashMap<String, i64>>,
    /// What "now" and "today" are for the office's pages (sessions, overdue
    /// hazards); tests set a fixed one.
    pub clock: std::sync::Arc<dyn lianjian_core::clock::Clock>,
}

/// Opening the server's storage failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The data folder.
    #[error("data folder: {0}")]
    Io(#[from] std::io::Error),
}

impl AppState {
    /// Opens (creating and migrating) the server's storage.
    pub fn open(config: &Config) -> Result<Self, OpenError> {
        std::fs::create_dir_all(&config.data)?;
        let mut sql = sql::connect(&config.url())?;
        crate::migrations::migrate(&mut *sql)?;
        let reports = sql::connect(&config.url())?;
        let blobs = BlobDir::open(&config.data.join("blobs"))?;
        // Changes the server itself makes (the office's catalogue) get an
        // actor of this process; devices' actors are bound to devices.
        let actor = ActorId::from(uuid::Uuid::now_v7().as_bytes().as_slice());
        Ok(AppState {
            db: parking_lot::Mutex::new(Database { sql, cache: DocCache::default(), actor }),
            reports: parking_lot::Mutex::new(reports),
            blobs,
            sessions: Mutex::new(HashMap::new()),
            scheme: GradeScheme::three_level(),
            office: crate::office::OfficeCache::default(),
            metrics: crate::metrics::Metrics::default(),
            enroll_limits: crate::limits::EnrollLimits::default(),
            addresses: Mutex::new(HashMap::new()),
            device_quota: std::sync::atomic::AtomicU64::new(
                std::env::var("LIANJIAN_DEVICE_QUOTA_MB")
                    .ok()
                    .and_then(|m| m.parse::<u64>().ok())
                    .map_or(10 << 30, |m| m << 20),
            ),
            metrics_token: std::env::var("LIANJIAN_METRICS_TOKEN").ok().filter(|t| t.len() >= 16),
            digests: Mutex::new(HashMap::new()),
            clock: std::sync::Arc::new(lianjian_core::clock::SystemClock),
            synced: Mutex::new(HashMap::new()),
        })
    }

    /// Locks the database.
    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Database> {
        // No poisoning: a panic while holding the lock cannot leave SQL
        // half-done (every write is one transaction).
        self.db.lock()
    }
    /// The office's rules (calendars, schemes, loop rules, checklists) as of
    /// the database's current revision, from the cache when unchanged.
    pub fn rule_data(&self, db: &mut Database) -> lianjian_core::Result<std::sync::Arc<crate::rule_data::RuleData>> {
        let revision = crate::db::revision(&mut *db.sql)?;
        self.office.get(revision, &mut db.docs())
    }
    /// The reports' connection (see [`AppState::reports`]).
    pub fn reports(&self) -> parking_lot::MutexGuard<'_, Box<dyn crate::sql::Sql>> {
        self.reports.lock()
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
