//! The sync endpoints: CBOR bodies carrying `lianjian_core::sync::wire`
//! messages, handled by the core's sans-I/O server functions under the
//! caller's rights.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use lianjian_core::model::Timestamp;
use lianjian_core::sync::serve::ServerDocs;
use lianjian_core::sync::{serve, wire};

use crate::access::CallerAccess;
use crate::db::{self, Caller};
use crate::docs::DocTables;
use crate::error::AppError;
use crate::routes::auth::authenticate;
use crate::state::AppState;

/// The header carrying a client's sync session id.
pub const SESSION_HEADER: &str = "x-lianjian-session";

fn session(headers: &HeaderMap) -> Option<String> {
    let s = headers.get(SESSION_HEADER)?.to_str().ok()?;
    (s.len() <= 64 && !s.is_empty()).then(|| s.to_string())
}

fn cbor<T: Serialize>(state: &AppState, value: &T) -> Response {
    let bytes = wire::encode(value);
    state.metrics.bytes_out(bytes.len() as u64);
    ([(header::CONTENT_TYPE, "application/cbor")], bytes).into_response()
}

/// Runs `f` with the caller's access, the document tables, and the caller,
/// on a blocking thread.
async fn with_access<T, F>(state: Arc<AppState>, headers: HeaderMap, body: Bytes, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&AppState, &Caller, &CallerAccess<'_>, &mut DocTables<'_>, &[u8], Option<String>) -> Result<T, AppError>
        + Send
        + 'static,
{
    state.metrics.bytes_in(body.len() as u64);
    tokio::task::spawn_blocking(move || {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        let revision = crate::db::revision(&mut *db.sql).map_err(|e| lianjian_core::Error::External(Box::new(e)))?;
        let office = state.office.get(revision, &mut db.docs())?;
        let access = CallerAccess::new(&caller, &mut *db.sql, &office)?;
        let mut docs = db.docs();
        docs.author = Some(caller.user.clone());
        docs.rules = Some(office.clone());
        f(&state, &caller, &access, &mut docs, &body, session(&headers))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// `POST /v1/sync/digest`. "Nothing new" is the most frequent request of
/// all, so the caller's server-side digest is cached until the data changes.
pub async fn digest(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    state.metrics.bytes_in(body.len() as u64);
    let st = state.clone();
    let r = tokio::task::spawn_blocking(move || -> Result<wire::DigestResponse, AppError> {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        // Every sync begins with a digest: the office sees when each device
        // last synced (written at most once a minute per device).
        let now = state.clock.now();
        let due = {
            let mut seen = state.synced.lock().unwrap_or_else(|p| p.into_inner());
            let last = seen.get(&caller.device_id).copied().unwrap_or(i64::MIN);
            let due = now.unix_millis().saturating_sub(last) >= 60_000;
            if due {
                seen.insert(caller.device_id.clone(), now.unix_millis());
            }
            due
        };
        if due {
            db::note_sync(&mut *db.sql, &caller.device_id, now)?;
        }
        let req: wire::DigestRequest = wire::decode(&body)?;
        let revision = db::revision(&mut *db.sql)?;
        // The most frequent request of all: nothing changed, nothing copied.
        let current = state
            .digests
            .lock()
            .expect("digest cache")
            .get(&caller.user.id)
            .filter(|c| c.revision == revision)
            .map(|c| c.digest);
        let cached = match current {
            Some(_) => None,
            None => state.digests.lock().expect("digest cache").get(&caller.user.id).cloned(),
        };
        let ours = match (current, cached) {
            (Some(d), _) => d,
            // Other users' work moved the revision: still valid unless a
            // document this user reads, or may now read, changed since.
            (None, Some(c)) if !touches(&state, &mut db, &caller, &c, revision)? => {
                let mut cache = state.digests.lock().expect("digest cache");
                cache.insert(caller.user.id.clone(), crate::state::CachedDigest { revision, ..c.clone() });
                c.digest
            }
            _ => {
                let office = state.office.get(revision, &mut db.docs())?;
                let access = CallerAccess::new(&caller, &mut *db.sql, &office)?;
                let d = serve::server_digest(&mut db.docs(), &access)?;
                state.metrics.digest_computed();
                let readable = Arc::new(access.readable_set().clone());
                let entry = crate::state::CachedDigest { revision, digest: d, readable };
                state.digests.lock().expect("digest cache").insert(caller.user.id.clone(), entry);
                d
            }
        };
        Ok(serve::answer_digest(&ours, &req))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(cbor(&st, &r))
}

/// Whether anything changed since `cached` was computed that the caller's
/// digest covers: a document they read, or one they may read now.
fn touches(
    state: &AppState,
    db: &mut crate::state::Database,
    caller: &Caller,
    cached: &crate::state::CachedDigest,
    revision: i64,
) -> Result<bool, AppError> {
    let changed = db::access_changed_since(&mut *db.sql, &caller.user, cached.revision)?;
    if changed.iter().any(|row| cached.readable.contains(&row.doc)) {
        return Ok(true);
    }
    let office = state.office.get(revision, &mut db.docs())?;
    let scope = office.office.scope.as_ref();
    // A new inspection of theirs (or a new readable file): the digest moves.
    Ok(changed.iter().any(|row| db::may_read(&caller.user, row, scope) || row.writes))
}

/// `POST /v1/sync/heads`.
pub async fn heads(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    let st = state.clone();
    let r = with_access(state, headers, body, |_, _, access, docs, body, _| {
        let req: wire::HeadsRequest = wire::decode(body)?;
        Ok(serve::heads(docs, access, &req)?)
    })
    .await?;
    Ok(cbor(&st, &r))
}

/// `POST /v1/sync/batch`. The database is locked per document, not for the
/// whole batch: a device sending a hundred documents does not stall the
/// others' "nothing new" between two of them. Each document is judged with
/// the caller's rights as they stand when its turn comes.
pub async fn batch(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    state.metrics.bytes_in(body.len() as u64);
    let st = state.clone();
    let r = tokio::task::spawn_blocking(move || -> Result<wire::BatchResponse, AppError> {
        let req: wire::BatchRequest = wire::decode(&body)?;
        let mut seen = std::collections::BTreeSet::new();
        if !req.messages.iter().all(|m| seen.insert(m.doc.as_str())) {
            return Err(lianjian_core::Error::validation("batch", "a document appears twice in one batch").into());
        }
        let caller = authenticate(&state, &mut *state.lock().sql, &headers)?;
        let session = session(&headers);
        let mut states = state.take_session(&caller.device_id, session.as_deref());
        let mut resp = wire::BatchResponse { messages: vec![], rejected: vec![] };
        for m in req.messages {
            let one = wire::BatchRequest { messages: vec![m] };
            // After an error the in-memory state is not trusted: it is dropped.
            let part = batch_one(&state, &caller, &mut states, &one)?;
            for rej in &part.rejected {
                tracing::warn!(device = %caller.device_id, doc = %rej.doc, code = %rej.code, "changes rejected");
                state.metrics.refused(&rej.code);
            }
            resp.messages.extend(part.messages);
            resp.rejected.extend(part.rejected);
        }
        state.put_session(&caller.device_id, session.as_deref(), states);
        Ok(resp)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(cbor(&st, &r))
}

/// One document of a batch, under one hold of the database lock.
fn batch_one(
    state: &AppState,
    caller: &Caller,
    states: &mut lianjian_core::sync::serve::SessionStates,
    req: &wire::BatchRequest,
) -> Result<wire::BatchResponse, AppError> {
    let mut db = state.lock();
    let revision = db::revision(&mut *db.sql)?;
    let office = state.office.get(revision, &mut db.docs())?;
    let access = CallerAccess::new(caller, &mut *db.sql, &office)?;
    let mut docs = db.docs();
    docs.author = Some(caller.user.clone());
    docs.rules = Some(office.clone());
    let mut before = Vec::with_capacity(req.messages.len());
    for m in &req.messages {
        before.push((m.doc.clone(), ServerDocs::stored_heads(&mut docs, &m.doc)?));
    }
    let now = state.clock.now();
    let r = serve::batch(&mut docs, &caller.device_id, states, &access, req, now)?;
    record_batch(&mut docs, caller, &before, &r, now)?;
    drop(docs);
    // Straight to the longest waiter: the batch's next document queues
    // behind the devices that waited during this one.
    parking_lot::MutexGuard::unlock_fair(db);
    Ok(r)
}

/// Appends what a batch did to the audit trail: each document whose stored
/// copy changed (with the changes' own summaries), each refusal with its rule.
fn record_batch(
    docs: &mut DocTables<'_>,
    caller: &Caller,
    before: &[(String, Vec<automerge::ChangeHash>)],
    resp: &wire::BatchResponse,
    now: Timestamp,
) -> Result<(), AppError> {
    fn event<'a>(caller: &'a Caller, doc: &'a str, summary: String, result: String) -> crate::audit::Event<'a> {
        crate::audit::Event { event: "change", summary, result, ..Default::default() }.with(caller, doc)
    }
    for (doc, heads) in before {
        if let Some(rej) = resp.rejected.iter().find(|r| &r.doc == doc) {
            let e = event(caller, doc, rej.reason.chars().take(300).collect(), format!("refused:{}", rej.code));
            crate::audit::append(docs.sql(), now, &e)?;
            continue;
        }
        if ServerDocs::stored_heads(docs, doc)? == *heads {
            continue;
        }
        let summary = docs.with_document(doc, |am| {
            let changes = am.get_changes(heads);
            let messages: Vec<String> = changes.iter().filter_map(|c| c.message().map(str::to_string)).collect();
            format!("{} 项修改：{}", changes.len(), messages.join("; "))
        })?;
        let e = event(caller, doc, summary.chars().take(500).collect(), "accepted".into());
        crate::audit::append(docs.sql(), now, &e)?;
    }
    Ok(())
}
