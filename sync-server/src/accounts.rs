//! Office users' sign-in: passwords hashed with argon2 (never stored or
//! logged in clear), browser sessions (a random token in an HttpOnly
//! cookie, stored hashed, with the CSRF token its forms carry), and lockout
//! with back-off after failed attempts. Only office users sign in here:
//! inspectors and enterprises work on their devices and have no pages.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use lianjian_core::model::Timestamp;
use lianjian_core::rules::office_access::OfficeRank;
use lianjian_core::rules::permissions::Role;

use crate::args;
use crate::db::{hash_secret, new_secret, user_by_id, User};
use crate::sql::{DbError, Sql};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Failed attempts before the first lock.
pub const FREE_FAILURES: i64 = 5;
/// The first lock; each further failure doubles it, up to [`MAX_LOCK_MS`].
pub const FIRST_LOCK_MS: i64 = 60_000;
/// The longest lock.
pub const MAX_LOCK_MS: i64 = 3_600_000;
/// A session unused this long ends.
pub const IDLE_MS: i64 = 2 * 3_600_000;
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_MS: i64 = 12 * 3_600_000;

/// Why an account step was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// No user has that sign-in name or id.
    #[error("没有这个用户")]
    UnknownUser,
    /// Only office users sign in to the office's pages.
    #[error("只有联检办人员可以登录办公页面")]
    NotOffice,
    /// The user has no sign-in name yet.
    #[error("该用户还没有登录名，请用 --login 指定")]
    NoLogin,
    /// The sign-in name is taken by another user.
    #[error("登录名已被其他用户使用")]
    LoginTaken,
    /// A sign-in name must be short plain text.
    #[error("登录名须为 2 至 32 个字母、数字、下划线或点")]
    BadLogin,
    /// The password is too short.
    #[error("密码至少 {MIN_PASSWORD_CHARS} 个字符")]
    WeakPassword,
    /// Wrong name or password (which of the two is not said).
    #[error("登录名或密码不正确")]
    WrongPassword,
    /// Too many failures: locked until the given instant.
    #[error("尝试次数过多，账户已暂时锁定，请 {minutes} 分钟后再试")]
    Locked {
        /// Whole minutes left (at least one).
        minutes: i64,
    },
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// An office user signed in through a browser.
#[derive(Clone, Debug)]
pub struct WebSession {
    /// The user.
    pub user: User,
    /// Their rank (clerk unless set).
    pub rank: OfficeRank,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// A new session: the cookie's token (shown once) and the session.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The cookie value.
    pub token: String,
    /// The session it opens.
    pub session: WebSession,
}

fn argon2() -> Argon2<'static> {
    Argon2::default()
}

/// The argon2id hash (PHC string) of `password` with a fresh salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("system randomness");
    let salt = SaltString::encode_b64(&salt).expect("16-byte salt");
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters").to_string()
}

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

fn valid_login(login: &str) -> bool {
    (2..=32).contains(&login.chars().count())
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The user a sign-in name or id names.
fn find_user(db: &mut dyn Sql, user: &str) -> Result<Option<(User, Option<String>)>, DbError> {
    let row = db.query_opt("SELECT id, login FROM users WHERE login = $1 OR id = $1", args![user])?;
    let Some(row) = row else { return Ok(None) };
    let id = row.text(0)?;
    let login = row.opt_text(1)?;
    Ok(user_by_id(db, &id)?.map(|u| (u, login)))
}

/// Sets the password of the office user named by `user` (sign-in name or
/// id), and its sign-in name if `login` is given, and its rank if `rank` is.
pub fn set_password(
    db: &mut dyn Sql,
    user: &str,
    login: Option<&str>,
    rank: Option<OfficeRank>,
    password: &str,
) -> Result<User, AccountError> {
    let (found, current) = find_user(db, user)?.ok_or(AccountError::UnknownUser)?;
    if found.role != Role::Office {
        return Err(AccountError::NotOffice);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    let login = match (login, current) {
        (Some(l), _) => {
            if !valid_login(l) {
                return Err(AccountError::BadLogin);
            }
            if db.query_opt("SELECT 1 FROM users WHERE login = $1 AND id <> $2", args![l, &found.id])?.is_some() {
                return Err(AccountError::LoginTaken);
            }
            l.to_string()
        }
        (None, Some(l)) => l,
        (None, None) => return Err(AccountError::NoLogin),
    };
    let hash = hash_password(password);
    db.transaction(|tx| -> Result<(), DbError> {
        tx.execute(
            "UPDATE users SET login = $1, password_hash = $2, office_rank = COALESCE($3, office_rank) WHERE id = $4",
            args![&login, &hash, rank.map(|r| r.code()), &found.id],
        )?;
        // A new password ends every session opened with the old one.
        tx.execute("DELETE FROM web_sessions WHERE user_id = $1", args![&found.id])?;
        tx.execute("DELETE FROM sign_in_failures WHERE login = $1", args![&login])?;
        Ok(())
    })?;
    Ok(found)
}

/// How long `failures` consecutive failures lock an account.
pub fn lock_for(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    FIRST_LOCK_MS.saturating_mul(1 << doublings).min(MAX_LOCK_MS)
}

fn rank_of(code: Option<String>) -> OfficeRank {
    code.and_then(|c| OfficeRank::from_code(&c).ok()).unwrap_or(OfficeRank::Clerk)
}

/// Signs `login` in with `password` at `now`: a new session, or why not.
/// Every failure counts toward the lock, for names that exist and names
/// that do not alike, and a locked name is refused even with the right
/// password.
pub fn sign_in(db: &mut dyn Sql, login: &str, password: &str, now: Timestamp) -> Result<SignedIn, AccountError> {
    let now_ms = now.unix_millis();
    let login = login.trim();
    if !valid_login(login) {
        return Err(AccountError::WrongPassword);
    }
    let (failures, locked_until) = db
        .query_opt("SELECT failures, locked_until FROM sign_in_failures WHERE login = $1", args![login])?
        .map(|r| Ok::<_, DbError>((r.int(0)?, r.int(1)?)))
        .transpose()?
        .unwrap_or((0, 0));
    if locked_until > now_ms {
        return Err(AccountError::Locked { minutes: ((locked_until - now_ms) + 59_999) / 60_000 });
    }
    let row = db.query_opt(
        "SELECT id, password_hash, office_rank FROM users WHERE login = $1 AND disabled = 0 AND role = 'office'",
        args![login],
    )?;
    let found = match row {
        Some(r) => Some((r.text(0)?, r.opt_text(1)?, r.opt_text(2)?)),
        None => None,
    };
    // The same work whether or not the name exists, so timing tells nothing.
    static NO_SUCH_USER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = found
        .as_ref()
        .and_then(|(_, h, _)| h.clone())
        .unwrap_or_else(|| NO_SUCH_USER.get_or_init(|| hash_password(&new_secret())).clone());
    let ok = verify(password, &phc) && found.as_ref().is_some_and(|(_, h, _)| h.is_some());
    if !ok {
        let failures = failures + 1;
        db.execute(
            "INSERT INTO sign_in_failures (login, failures, locked_until) VALUES ($1, $2, $3)
             ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
            args![login, failures, now_ms + lock_for(failures)],
        )?;
        return Err(AccountError::WrongPassword);
    }
    let (user_id, _, rank) = found.expect("verified");
    let user = user_by_id(db, &user_id)?.ok_or(AccountError::UnknownUser)?;
    let token = new_secret();
    let csrf = new_secret();
    db.transaction(|tx| -> Result<(), DbError> {
        tx.execute("DELETE FROM sign_in_failures WHERE login = $1", args![login])?;
        tx.execute(
            "INSERT INTO web_sessions (id_hash, user_id, csrf, created_ms, seen_ms) VALUES ($1, $2, $3, $4, $4)",
            args![hash_secret(&token), &user_id, &csrf, now_ms],
        )?;
        Ok(())
    })?;
    Ok(SignedIn { token, session: WebSession { user, rank: rank_of(rank), csrf } })
}

/// The live session a cookie's `token` opens at `now`, if any (and marks it
/// used). Ended sessions, disabled users and users who are no longer office
/// users open nothing.
pub fn session(db: &mut dyn Sql, token: &str, now: Timestamp) -> Result<Option<WebSession>, DbError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let now_ms = now.unix_millis();
    let id_hash = hash_secret(token);
    let row = db.query_opt(
        "SELECT s.user_id, s.csrf, u.office_rank FROM web_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.seen_ms > $2 AND s.created_ms > $3 AND u.disabled = 0 AND u.role = 'office'",
        args![&id_hash, now_ms - IDLE_MS, now_ms - ABSOLUTE_MS],
    )?;
    let Some(row) = row else { return Ok(None) };
    let (user_id, csrf, rank) = (row.text(0)?, row.text(1)?, row.opt_text(2)?);
    let Some(user) = user_by_id(db, &user_id)? else { return Ok(None) };
    db.execute("UPDATE web_sessions SET seen_ms = $1 WHERE id_hash = $2", args![now_ms, &id_hash])?;
    Ok(Some(WebSession { user, rank: rank_of(rank), csrf }))
}

/// Ends the session of `token` (sign-out).
pub fn sign_out(db: &mut dyn Sql, token: &str) -> Result<(), DbError> {
    db.execute("DELETE FROM web_sessions WHERE id_hash = $1", args![hash_secret(token)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::lock_for;

    #[test]
    fn the_lock_grows_with_each_failure_and_has_a_ceiling() {
        assert_eq!(lock_for(4), 0);
        assert_eq!(lock_for(5), 60_000);
        assert_eq!(lock_for(6), 120_000);
        assert_eq!(lock_for(7), 240_000);
        assert_eq!(lock_for(60), super::MAX_LOCK_MS);
    }
}
