//! Starting a seeded server on a loopback port, and building inspections.

use std::sync::Arc;

use lianjian_core::doc::Editor;
use lianjian_core::import::fixtures_dir;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;
use lianjian_core::sync::http::{Enrollment, SyncClient};
use lianjian_sync_server::seed::{seed, Seeded};
use lianjian_sync_server::{app, AppState};

pub struct Server {
    pub base: String,
    pub state: Arc<AppState>,
    pub seeded: Vec<Seeded>,
    pub _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let state = Arc::new(AppState::open(dir.path()).unwrap());
        let seeded = seed(&state, &fixtures_dir()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Server { base: format!("http://{addr}"), state, seeded, _dir: dir }
    }

    pub fn user(&self, role: Role, n: usize) -> &Seeded {
        self.seeded.iter().filter(|s| s.user.role == role).nth(n).unwrap()
    }

    /// Creates a user directly in the server's database, with a code.
    pub fn add_user(&self, name: &str, role: Role) -> Seeded {
        add_user(&self.state, name, role)
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
    };
    let conn = state.db.lock().unwrap();
    lianjian_sync_server::db::add_user(&conn, &user).unwrap();
    let code = lianjian_sync_server::db::issue_code(&conn, &user.id, "now").unwrap();
    Seeded { user, code }
}
