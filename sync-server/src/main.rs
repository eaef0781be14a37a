//! `lianjian-sync-server`: run the server, or administer it.
//!
//! `lianjian-sync-server serve` starts it on 127.0.0.1:8080 with its data in
//! `./data` (SQLite + blob files). A production start on an empty database
//! creates only the first office administrator and prints its enrollment
//! code; `serve --demo` also loads the fixtures (the checkout's `fixtures/`
//! unless `--fixtures` says otherwise, so it runs from any directory) and
//! creates demo users. Codes are printed once, when issued: a restart issues
//! none to a user who already holds one. `--database-url postgres://…` (or
//! `LIANJIAN_DATABASE_URL`) keeps the records in PostgreSQL instead.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use lianjian_core::model::{PersonId, Timestamp};
use lianjian_core::office::documents::{ImportOutcome, KIND_CALENDAR, KIND_LOOP_RULES, KIND_REGION, KIND_SCOPE};
use lianjian_core::rules::permissions::Role;
use lianjian_sync_server::{app, db, seed, template_import, AppState, Config};

#[derive(Parser)]
#[command(name = "lianjian-sync-server", about = "The server Lianjian devices sync with")]
struct Cli {
    /// Data folder (blobs, and the SQLite database unless a URL is given).
    #[arg(long, default_value = "data", global = true)]
    data: PathBuf,
    /// PostgreSQL URL (postgres://user@host/db) to use instead of SQLite.
    #[arg(long, env = "LIANJIAN_DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load demo data (enterprises, checklists, regions, demo users).
        #[arg(long)]
        demo: bool,
        /// Fixtures to load demo data from (implies --demo); by default the
        /// `fixtures/` folder of the checkout this binary was built from.
        #[arg(long)]
        fixtures: Option<PathBuf>,
        /// Inspections in the demo's year, made on the first start (0: none).
        #[arg(long, default_value_t = DEMO_INSPECTIONS)]
        demo_year: usize,
    },
    /// Create a user.
    UserAdd {
        /// Name.
        #[arg(long)]
        name: String,
        /// Role: inspector, team_lead, office, enterprise.
        #[arg(long)]
        role: String,
        /// Department code (inspectors).
        #[arg(long)]
        department: Option<String>,
        /// Enterprise id (enterprise users).
        #[arg(long)]
        enterprise: Option<String>,
        /// The grid an inspector works in (a prefix, e.g. 赤壁市); none: every grid.
        #[arg(long)]
        grid: Option<String>,
    },
    /// Issue a one-time enrollment code for a user.
    EnrollCode {
        /// User id.
        #[arg(long)]
        user: String,
        /// Hours the code stays valid.
        #[arg(long, default_value_t = 168)]
        valid_hours: u64,
    },
    /// Revoke a device: its token is refused at once.
    RevokeDevice {
        /// Device id.
        #[arg(long)]
        device: String,
    },
    /// Import enterprise files (JSON, fixtures/schema/enterprises.schema.json).
    ImportEnterprises {
        /// The file.
        file: PathBuf,
    },
    /// Import checklist versions (a folder of TOML files).
    ImportChecklists {
        /// The folder.
        dir: PathBuf,
    },
    /// Import one year's official holiday calendar (the format of
    /// fixtures/calendars/cn-holidays.toml, one year, with `source` and
    /// `published`); devices receive it with their next sync.
    ImportCalendar {
        /// The file.
        file: PathBuf,
        /// Who imports it (recorded in the calendar's history).
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
    },
    /// Import a region: the enterprises it covers (grid prefixes) and the
    /// grade scheme their findings use (fixtures/regions/*.toml).
    ImportRegion {
        /// The file.
        file: PathBuf,
        /// Who imports it (recorded in the region's history).
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
    },
    /// Import the division of duties: which industries each department's
    /// inspectors oversee (fixtures/scopes/departments.toml).
    ImportScope {
        /// The file.
        file: PathBuf,
        /// Who imports it.
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
    },
    /// Import the closed loop's time rules: when the 复查 is due after the
    /// deadline or the 复查申请 (fixtures/loop-rules.toml).
    ImportLoopRules {
        /// The file.
        file: PathBuf,
        /// Who imports it.
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
    },
    /// Import a document template set: a folder with manifest.toml and its
    /// .typ files (see documents/templates/default/). Every form is laid out
    /// with demo data first; devices receive the set with their next sync.
    ImportTemplate {
        /// The folder.
        dir: PathBuf,
        /// Who imports it.
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
        /// Fonts to lay the trial out with (Noto Serif CJK SC by default).
        #[arg(long, default_value = lianjian_documents::fonts::NOTO_DIR)]
        fonts: PathBuf,
    },
    /// Import an office's font file (TrueType/OpenType with Chinese glyphs,
    /// e.g. a licensed 仿宋_GB2312): checked, stored once, and fetched by
    /// devices after their next sync; templates name it by family.
    ImportFont {
        /// The font file.
        file: PathBuf,
        /// Who imports it.
        #[arg(long, env = "USER", default_value = "office")]
        by: String,
    },
    /// Disable a user: all their devices are refused at once.
    DisableUser {
        /// User id.
        #[arg(long)]
        user: String,
    },
    /// Deletes blobs no document references and partial uploads, older than `days`.
    ExpireUploads {
        /// Age in days.
        #[arg(long, default_value_t = 30)]
        days: u64,
    },
    /// Exports the office's records.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Sets how many document numbers a device receives per block.
    NumberBlockSize {
        /// Numbers per block (1 to 1000).
        size: u32,
    },
    /// The audit trail: check its hash chain, or search it.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Re-runs a published 双随机 draw from its package (the public page's
    /// JSON): checks the commitment and that the draw gives the published result.
    VerifyDraw {
        /// The package file.
        file: PathBuf,
    },
    /// Office users' accounts for the web pages.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Sets an office user's password for the web pages, read from standard
    /// input (one line); every session opened with the old one ends.
    SetPassword {
        /// The user's sign-in name or id.
        user: String,
        /// Give the user this sign-in name too.
        #[arg(long)]
        login: Option<String>,
        /// Set the rank: clerk (科员) or head (联检办负责人).
        #[arg(long)]
        rank: Option<String>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The 隐患台账 as xlsx, with the 文书登记 sheet of document numbers.
    Ledger {
        /// Where to write the workbook.
        #[arg(long)]
        out: PathBuf,
        /// Hazards found on or after this date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Hazards found on or before this date.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// Only this responsible department (code, e.g. emergency_management).
        #[arg(long)]
        department: Option<String>,
        /// Only this status (open, rectifying, awaiting_reinspection, closed, reopened).
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Checks the hash chain from the first entry to the last.
    Verify,
    /// Lists entries, oldest first.
    List {
        /// Only this person's (user id).
        #[arg(long)]
        person: Option<String>,
        /// Only about this document.
        #[arg(long)]
        document: Option<String>,
        /// Only from this time on (RFC 3339).
        #[arg(long)]
        since: Option<String>,
    },
}

/// Inspections in the demo's year.
const DEMO_INSPECTIONS: usize = 160;

/// Days after which an upload no document references is deleted (at every start).
const UPLOAD_EXPIRY_DAYS: u64 = 30;

/// Deletes unreferenced blobs and partial uploads older than `days`, and
/// records it in the audit trail.
fn expire(state: &AppState, days: u64) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    let cutoff = Timestamp::from_unix_millis(Timestamp::now().unix_millis() - (days as i64) * 86_400_000);
    let (blobs, partial) =
        lianjian_sync_server::blobs::expire_unreferenced(&mut *state.lock().sql, &state.blobs, cutoff)?;
    if blobs + partial > 0 {
        audit(
            state,
            "expire_uploads",
            None,
            None,
            format!("{blobs} 个未引用文件，{partial} 个未完成上传（{days} 天）"),
        )?;
    }
    Ok((blobs, partial))
}

/// Appends an office action taken on the command line to the audit trail.
fn audit(
    state: &AppState,
    event: &str,
    person: Option<&str>,
    device: Option<&str>,
    summary: String,
) -> Result<(), Box<dyn std::error::Error>> {
    let e = lianjian_sync_server::audit::Event {
        person,
        device,
        event,
        summary,
        result: "accepted".into(),
        ..Default::default()
    };
    lianjian_sync_server::audit::append(&mut *state.lock().sql, Timestamp::now(), &e)?;
    Ok(())
}

/// The fixtures of the checkout this binary was built from.
const BUILT_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn progress_bar(len: usize, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let now = Timestamp::now().to_string();
    let config = Config { data: cli.data.clone(), database_url: cli.database_url.clone() };
    let command = cli.command.unwrap_or(Command::Serve {
        listen: "127.0.0.1:8080".parse()?,
        demo: false,
        fixtures: None,
        demo_year: DEMO_INSPECTIONS,
    });
    let kind = match &command {
        Command::ImportCalendar { .. } => KIND_CALENDAR,
        Command::ImportScope { .. } => KIND_SCOPE,
        Command::ImportLoopRules { .. } => KIND_LOOP_RULES,
        _ => KIND_REGION,
    };
    match command {
        Command::Serve { listen, demo, fixtures, demo_year } => {
            let state = Arc::new(AppState::open(&config)?);
            let seeded = if demo || fixtures.is_some() {
                let fixtures = fixtures.unwrap_or_else(|| PathBuf::from(BUILT_FIXTURES));
                if !fixtures.join("enterprises.json").is_file() {
                    return Err(format!(
                        "no demo data at {}: pass --fixtures with the project's fixtures folder",
                        fixtures.display()
                    )
                    .into());
                }
                let seeded = seed::seed(&state, &fixtures)?;
                let made = seed::demo_year(&state, &fixtures, state.clock.today(), demo_year)?;
                if made.inspections > 0 {
                    println!("demo year: {} inspections, {} hazards", made.inspections, made.hazards);
                }
                for (login, password) in seed::demo_passwords(&state)? {
                    println!("office pages: sign in as {login} with password {password} (shown once)");
                }
                seeded
            } else {
                let seeded = seed::first_admin(&state)?;
                if !seeded.is_empty() {
                    println!("set the office's first password: lianjian-sync-server admin set-password admin");
                }
                seeded
            };
            seed::rebuild_ledger_if_empty(&state)?;
            if !seeded.is_empty() {
                println!("enrollment codes (one-time, valid 7 days):");
            }
            for s in &seeded {
                println!("  {:<10} {:<12} {}  {}", s.user.role.label(), s.user.name, s.code, s.user.id);
            }
            expire(&state, UPLOAD_EXPIRY_DAYS)?;
            let where_ = if config.database_url.is_some() { "PostgreSQL" } else { "SQLite" };
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen).await?;
                println!(
                    "联检 Lianjian sync server — records in {where_}, blobs in {}, listening on http://{}",
                    cli.data.join("blobs").display(),
                    listener.local_addr()?
                );
                axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
                    .with_graceful_shutdown(async {
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await
            })?;
        }
        Command::UserAdd { name, role, department, enterprise, grid } => {
            let role = Role::from_code(&role)?;
            let state = AppState::open(&config)?;
            let user =
                db::User { id: PersonId::new().to_string(), name, role, department, enterprise_id: enterprise, grid };
            db::add_user(&mut *state.lock().sql, &user)?;
            audit(&state, "user_add", Some(&user.id), None, format!("角色 {}", user.role.code()))?;
            println!("{}", user.id);
        }
        Command::EnrollCode { user, valid_hours } => {
            let state = AppState::open(&config)?;
            let valid = std::time::Duration::from_secs(valid_hours.saturating_mul(3600));
            let code = db::issue_code(&mut *state.lock().sql, &user, Timestamp::now(), valid)?;
            audit(&state, "enroll_code", Some(&user), None, format!("有效 {valid_hours} 小时"))?;
            println!("{code}");
        }
        Command::RevokeDevice { device } => {
            let state = AppState::open(&config)?;
            if !db::revoke_device(&mut *state.lock().sql, &device, &now)? {
                return Err(format!("no active device {device}").into());
            }
            audit(&state, "revoke_device", None, Some(&device), String::new())?;
            println!("revoked {device}");
        }
        Command::ImportEnterprises { file } => {
            let state = AppState::open(&config)?;
            let list = lianjian_core::import::load_enterprises(&file)?;
            let bar = progress_bar(list.len(), "企业档案");
            seed::import_enterprises(&state, &list, |done, _| bar.set_position(done as u64))?;
            bar.finish();
            audit(&state, "import", None, None, format!("企业档案 {} 份（{}）", list.len(), file.display()))?;
        }
        Command::ImportChecklists { dir } => {
            let state = AppState::open(&config)?;
            let list = lianjian_core::import::load_checklists(&dir, &state.scheme)?;
            let bar = progress_bar(list.len(), "检查表");
            seed::import_checklists(&state, &list, |done, _| bar.set_position(done as u64))?;
            bar.finish();
            audit(&state, "import", None, None, format!("检查表 {} 份（{}）", list.len(), dir.display()))?;
        }
        Command::ImportCalendar { file, by }
        | Command::ImportRegion { file, by }
        | Command::ImportScope { file, by }
        | Command::ImportLoopRules { file, by } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let state = AppState::open(&config)?;
            let outcome = seed::import_office_doc(&state, kind, &text, &by, Timestamp::now())
                .map_err(|e| format!("{}: {e}", file.display()))?;
            audit(&state, "import", None, None, format!("{kind}：{}（{:?}）", file.display(), outcome))?;
            match outcome {
                ImportOutcome::Added => println!("imported {}", file.display()),
                ImportOutcome::Replaced(old) => println!("imported {}, replacing {old}", file.display()),
                ImportOutcome::Unchanged => println!("{} is already in force; nothing changed", file.display()),
            }
        }
        Command::ImportTemplate { dir, by, fonts } => {
            use lianjian_documents::templates::TemplateSet;
            let set = TemplateSet::from_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let manifest = std::fs::read_to_string(dir.join("manifest.toml"))?;
            let state = AppState::open(&config)?;
            let import = || -> lianjian_core::Result<_> {
                let bundle = template_import::check(&state, &manifest, set.files.clone(), &fonts)?;
                Ok((template_import::import(&state, &bundle, &by, Timestamp::now())?, bundle))
            };
            let (outcome, bundle) = import().map_err(|e| format!("{}: {e}", dir.display()))?;
            audit(&state, "import", None, None, format!("template：{}（{:?}）", dir.display(), outcome))?;
            println!("imported template set {} ({outcome:?})", bundle.source());
        }
        Command::ImportFont { file, by } => {
            let state = AppState::open(&config)?;
            let (font, outcome) = lianjian_sync_server::font_import::import_font(&state, &file, &by, Timestamp::now())
                .map_err(|e| format!("{}: {e}", file.display()))?;
            audit(&state, "import", None, None, format!("font：{}（{:?}）", font.source(), outcome))?;
            println!("imported font {} ({outcome:?})", font.source());
        }
        Command::DisableUser { user } => {
            let state = AppState::open(&config)?;
            if !db::disable_user(&mut *state.lock().sql, &user)? {
                return Err(format!("no user {user}").into());
            }
            audit(&state, "disable_user", Some(&user), None, String::new())?;
            println!("disabled {user}");
        }
        Command::ExpireUploads { days } => {
            let state = AppState::open(&config)?;
            let (blobs, partial) = expire(&state, days)?;
            println!("removed {blobs} unreferenced blobs and {partial} stale partial uploads");
        }
        Command::Export { command: ExportCommand::Ledger { out, from, to, department, status } } => {
            let state = AppState::open(&config)?;
            let filter = lianjian_sync_server::export::LedgerFilter { from, to, department, status };
            let rows = lianjian_sync_server::export::export_ledger(&state, &filter, &out)?;
            audit(&state, "export", None, None, format!("隐患台账 {rows} 行：{}", out.display()))?;
            println!("wrote {rows} hazards to {}", out.display());
        }
        Command::NumberBlockSize { size } => {
            let state = AppState::open(&config)?;
            lianjian_sync_server::numbers::set_block_size(&mut *state.lock().sql, size).map_err(|e| e.to_string())?;
            audit(&state, "setting", None, None, format!("文书编号段大小：{size}"))?;
            println!("document number blocks hold {size} numbers from now on");
        }
        Command::Admin { command: AdminCommand::SetPassword { user, login, rank } } => {
            let rank = rank.map(|r| lianjian_core::rules::office_access::OfficeRank::from_code(&r)).transpose()?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            let state = AppState::open(&config)?;
            let set = {
                let mut db = state.lock();
                lianjian_sync_server::accounts::set_password(&mut *db.sql, &user, login.as_deref(), rank, password)?
            };
            audit(&state, "office_set_password", Some(&set.id), None, "设置办公页面密码".into())?;
            println!("password set for {} ({})", set.name, set.id);
        }
        Command::VerifyDraw { file } => {
            let package: lianjian_sync_server::draws::Package = serde_json::from_slice(&std::fs::read(&file)?)?;
            let v = lianjian_sync_server::draws::verify(&package);
            println!("commitment {}", if v.commitment_matches { "matches" } else { "DOES NOT MATCH" });
            println!("result {}", if v.result_matches { "matches" } else { "DOES NOT MATCH" });
            if !(v.commitment_matches && v.result_matches) {
                return Err("the draw does not verify".into());
            }
        }
        Command::Audit { command } => {
            let state = AppState::open(&config)?;
            let mut db = state.lock();
            match command {
                AuditCommand::Verify => match lianjian_sync_server::audit::verify(&mut *db.sql)? {
                    Ok(n) => println!("audit trail intact: {n} entries"),
                    Err(e) => return Err(format!("audit trail broken: {e}").into()),
                },
                AuditCommand::List { person, document, since } => {
                    let since = since.map(|s| Timestamp::parse(&s)).transpose()?;
                    let entries =
                        lianjian_sync_server::audit::list(&mut *db.sql, person.as_deref(), document.as_deref(), since)?;
                    for e in entries {
                        println!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            e.seq, e.at, e.person, e.device, e.document, e.event, e.result, e.summary
                        );
                    }
                }
            }
        }
    }
    Ok(())
}
