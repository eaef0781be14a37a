//! Opening a device store and who is using it. The store object is shared
//! by every other area (catalogue, inspections, tasks, sync); it is `Send +
//! Sync` through a mutex, and tells registered listeners when a sync brings
//! new data so screens can refresh.

use std::sync::{Arc, Mutex, MutexGuard};

use lianjian_core::clock::{Clock, SystemClock};
use lianjian_core::doc::Editor;
use lianjian_core::model::Timestamp;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;

use crate::error::{ApiError, ApiResult};

/// The person using this device, from enrollment.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UserInfo {
    /// Person id (as the server knows them).
    pub person_id: String,
    /// Name, as written on documents.
    pub name: String,
    /// Role code: `inspector`, `team_lead`, `office`, `enterprise`.
    pub role: String,
}

/// Told when documents change under the app (a merge from sync).
#[uniffi::export(with_foreign)]
pub trait ChangeListener: Send + Sync {
    /// `document_ids` changed on this device.
    fn on_change(&self, document_ids: Vec<String>);
    /// A sync moved some hazard in the loop (a report, a decision, a new
    /// deadline, an escalation): the task lists are to be read again.
    fn on_tasks_changed(&self);
}

/// The time source an app may hand the store instead of the device clock
/// (previews, tests, a clock corrected against the server).
#[uniffi::export(with_foreign)]
pub trait DeviceClock: Send + Sync {
    /// Now, as milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

struct ForeignClock(Arc<dyn DeviceClock>);

impl std::fmt::Debug for ForeignClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForeignClock")
    }
}

impl Clock for ForeignClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_millis(self.0.now_millis())
    }
}

/// One device's store: its database, its blob files, and its user.
#[derive(uniffi::Object)]
pub struct LianjianStore {
    inner: Mutex<Store>,
    clock: Arc<dyn Clock>,
    path: std::path::PathBuf,
    user: Mutex<Option<(UserInfo, Editor)>>,
    listeners: Mutex<Vec<Arc<dyn ChangeListener>>>,
}

impl LianjianStore {
    /// The core store, locked. A panic elsewhere cannot leave SQLite
    /// half-written (every write is one transaction), so poison is ignored.
    pub(crate) fn core(&self) -> MutexGuard<'_, Store> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The signed-in user as the core's editor.
    pub(crate) fn editor(&self) -> ApiResult<Editor> {
        let user = self.user.lock().unwrap_or_else(|p| p.into_inner());
        user.as_ref().map(|(_, e)| e.clone()).ok_or_else(|| ApiError::validation("user", "no user is signed in"))
    }

    /// A second connection to the same database (WAL allows it), owned by
    /// long transfers so the app's own calls are not blocked behind them.
    pub(crate) fn open_another(&self) -> ApiResult<Store> {
        Ok(Store::open(&self.path)?)
    }

    /// Now, from the store's clock: every rule that needs the time gets it here.
    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The store's clock, for transfers that record times.
    pub(crate) fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    fn with_clock(path: String, clock: Arc<dyn Clock>) -> ApiResult<Arc<Self>> {
        let store = Store::open(std::path::Path::new(&path))?;
        Ok(Arc::new(LianjianStore {
            inner: Mutex::new(store),
            clock,
            path: path.into(),
            user: Mutex::new(None),
            listeners: Mutex::new(vec![]),
        }))
    }

    /// Tells the listeners the task lists changed.
    pub(crate) fn notify_tasks(&self) {
        let listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for l in listeners {
            l.on_tasks_changed();
        }
    }

    pub(crate) fn notify(&self, ids: Vec<String>) {
        if ids.is_empty() {
            return;
        }
        let listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner()).clone();
        for l in listeners {
            l.on_change(ids.clone());
        }
    }
}

#[uniffi::export]
impl LianjianStore {
    /// Opens (creating) the store at `path` (a SQLite file; blob files go
    /// beside it in `<path>.blobs/`). A database from a newer app version
    /// is refused and left untouched.
    /// Times come from the device clock.
    #[uniffi::constructor]
    pub fn open(path: String) -> ApiResult<Arc<Self>> {
        Self::with_clock(path, Arc::new(SystemClock))
    }

    /// Like [`LianjianStore::open`], with times from `clock`.
    #[uniffi::constructor]
    pub fn open_with_clock(path: String, clock: Arc<dyn DeviceClock>) -> ApiResult<Arc<Self>> {
        Self::with_clock(path, Arc::new(ForeignClock(clock)))
    }

    /// This install's automerge actor id (hex), registered at enrollment.
    pub fn device_actor(&self) -> String {
        self.core().actor().to_hex_string()
    }

    /// Sets who uses the device (after enrollment, or at app start).
    pub fn sign_in(&self, user: UserInfo) -> ApiResult<()> {
        let role = Role::from_code(&user.role)?;
        let person = user.person_id.parse()?;
        let editor = Editor { person, name: user.name.clone(), role };
        *self.user.lock().unwrap_or_else(|p| p.into_inner()) = Some((user, editor));
        Ok(())
    }

    /// The signed-in user.
    pub fn current_user(&self) -> Option<UserInfo> {
        self.user.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|(u, _)| u.clone())
    }

    /// Registers a listener for documents changed by sync.
    pub fn add_change_listener(&self, listener: Arc<dyn ChangeListener>) {
        self.listeners.lock().unwrap_or_else(|p| p.into_inner()).push(listener);
    }
}
