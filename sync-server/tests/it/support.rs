//! Starting a seeded server on a loopback port, and building inspections.

use std::sync::Arc;

use lianjian_core::doc::Editor;
use lianjian_core::import::fixtures_dir;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;
use lianjian_core::sync::http::{Enrollment, SyncClient};
use lianjian_sync_server::seed::{seed, Seeded};
use lianjian_sync_server::{app, AppState, Config};

/// Opens a test server's state (off the async threads: the PostgreSQL
/// client blocks).
pub async fn open_state(dir: &std::path::Path) -> Arc<AppState> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || Arc::new(AppState::open(&test_config(&dir)).unwrap())).await.unwrap()
}

/// Where a test server keeps its records: SQLite in `dir`, or, when
/// `LIANJIAN_TEST_POSTGRES` names a PostgreSQL server, a fresh schema there
/// (so the same suite runs against both backends).
pub fn test_config(dir: &std::path::Path) -> Config {
    let Ok(base) = std::env::var("LIANJIAN_TEST_POSTGRES") else { return Config::sqlite(dir) };
    let schema = format!("t_{}", uuid_like());
    let mut admin = postgres::Client::connect(&base, postgres::NoTls).expect("LIANJIAN_TEST_POSTGRES reachable");
    admin.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Config { data: dir.to_path_buf(), database_url: Some(format!("{base}{sep}options=-csearch_path%3D{schema}")) }
}

fn uuid_like() -> String {
    PersonId::new().to_string().replace('-', "")
}

/// The server's heads of a document.
pub fn server_heads(state: &AppState, id: &str) -> Vec<automerge::ChangeHash> {
    use lianjian_core::sync::serve::ServerDocs;
    state.lock().docs().stored_heads(id).unwrap()
}

/// The server's copy of an inspection, hydrated.
pub fn server_inspection(state: &AppState, id: &InspectionId) -> Inspection {
    let doc = state.lock().docs().with_document(&id.to_string(), |d| d.clone()).unwrap();
    lianjian_core::doc::InspectionDoc::from_automerge(doc).unwrap().hydrate().unwrap()
}

pub struct Server {
    pub base: String,
    pub state: Arc<AppState>,
    /// Where its records are (for the command line against the same database).
    pub config: Config,
    pub seeded: Vec<Seeded>,
    pub _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = {
            let d = dir.path().to_path_buf();
            tokio::task::spawn_blocking(move || test_config(&d)).await.unwrap()
        };
        let state = {
            let c = config.clone();
            tokio::task::spawn_blocking(move || Arc::new(AppState::open(&c).unwrap())).await.unwrap()
        };
        let st = state.clone();
        let seeded = tokio::task::spawn_blocking(move || seed(&st, &fixtures_dir()).unwrap()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
        });
        Server { base: format!("http://{addr}"), state, config, seeded, _dir: dir }
    }

    pub fn user(&self, role: Role, n: usize) -> &Seeded {
        self.seeded.iter().filter(|s| s.user.role == role).nth(n).unwrap()
    }

    /// Creates a user directly in the server's database, with a code.
    pub fn add_user(&self, name: &str, role: Role) -> Seeded {
        add_user(&self.state, name, role)
    }

    /// A device store on disk (it keeps blob files) in `dir`, enrolled as `who`.
    pub async fn file_device(&self, who: &Seeded, dir: &std::path::Path) -> (Store, Enrollment, SyncClient) {
        let store = Store::open(&dir.join(format!("{}.db", who.user.id))).unwrap();
        let client = SyncClient::new(&self.base).unwrap().with_chunk_size(4 << 10);
        let e = client.enroll(&store, &who.code, "平板").await.unwrap();
        (store, e, client)
    }

    /// A fresh device store enrolled as `who`.
    pub async fn device(&self, who: &Seeded) -> (Store, Enrollment, SyncClient) {
        let store = Store::open_in_memory().unwrap();
        let client = SyncClient::new(&self.base).unwrap();
        let e = client.enroll(&store, &who.code, "平板").await.unwrap();
        (store, e, client)
    }
}

pub fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub fn editor(s: &Seeded, role: Role) -> Editor {
    Editor { person: s.user.id.parse().unwrap(), name: s.user.name.clone(), role }
}

pub fn member(s: &Seeded, role: TeamRole, industry: &str) -> TeamMember {
    TeamMember {
        person: s.user.id.parse().unwrap(),
        name: s.user.name.clone(),
        department: Department::EmergencyManagement,
        role,
        certificate_no: Some("42120001001".into()),
        qualifications: vec![industry.into()],
    }
}

pub fn inspection(e: &Enterprise, c: &ChecklistTemplate, team: &[TeamMember]) -> Inspection {
    let refs = vec![ChecklistRef { id: c.id, version: c.version }];
    Inspection::planned(e, refs, team, "three-level", at("2026-03-02T08:30:00+08:00"))
}

/// Creates a user in `state`'s database and issues an enrollment code.
pub fn add_user(state: &AppState, name: &str, role: Role) -> Seeded {
    let user = lianjian_sync_server::db::User {
        id: PersonId::new().to_string(),
        name: name.into(),
        role,
        department: None,
        enterprise_id: None,
        grid: None,
    };
    let mut db = state.lock();
    lianjian_sync_server::db::add_user(&mut *db.sql, &user).unwrap();
    let code = lianjian_sync_server::db::issue_code(
        &mut *db.sql,
        &user.id,
        Timestamp::now(),
        lianjian_sync_server::db::CODE_VALIDITY,
    )
    .unwrap();
    Seeded { user, code }
}

/// A third-grade hazard found by `by` at `when`, with a week to fix it and
/// the given evidence.
pub fn finding(description: &str, location: &str, by: PersonId, when: Timestamp, evidence: Vec<String>) -> Finding {
    Finding { requirement: "限期整改".into(), evidence, ..Finding::new(description, location, "三级", by, when) }
}

/// A new inspection of `ent` (its industry's newest checklist) by `lead` with
/// `teammate`, created on the lead's `store` at 08:30 on 2026-03-02 and, when
/// `start`, started at 09:00; with the lead's editor.
pub fn plan_inspection(
    store: &mut Store,
    lead: &Seeded,
    teammate: &Seeded,
    ent: &Enterprise,
    start: bool,
) -> (Inspection, Editor) {
    let c = store.latest_checklists(&ent.industry).unwrap().remove(0);
    let team = [member(lead, TeamRole::Lead, &ent.industry), member(teammate, TeamRole::Inspector, &ent.industry)];
    let insp = inspection(ent, &c, &team);
    let ed = editor(lead, Role::TeamLead);
    store.create_inspection(&insp, &ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    if start {
        let started = [lianjian_core::doc::Edit::SetStatus(InspectionStatus::InProgress)];
        store.edit(&insp.id, &ed, &started, at("2026-03-02T09:00:00+08:00")).unwrap();
    }
    (insp, ed)
}
