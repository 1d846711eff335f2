//! The `portal` command: serve, migrate, seed-demo, generate, create-admin, issue-token, audit-verify,
//! export-agency, import-agency.
use std::{process::ExitCode, sync::Arc, time::Instant};

use app::backend::{db, SystemClock};
use clap::{Parser, Subcommand};
use migrations::{Migrator, MigratorTrait};
use server::config::{Config, VARS};
use server::tasks::{admin, demo, generate};

#[derive(Parser)]
#[command(name = "portal", version, about = "Supervision portal for government websites on cloud services", after_help = env_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (applies pending migrations first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo organisations and people, unless already loaded; refuses a non-demo database.
    SeedDemo,
    /// Create a platform administrator; prints a one-time password that must be changed at first sign-in.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Platform administrator")]
        name: String,
    },
    /// Fill an empty database with the scale world for benchmarks: 20 regulators, agencies with
    /// websites, providers, engagements and months of report history (password as the demo's).
    Generate {
        #[arg(long, default_value_t = 2000)]
        agencies: usize,
        #[arg(long, default_value_t = 36)]
        months: u32,
    },
    /// Verify the audit trail's hash chain; exits non-zero and names the first broken row.
    AuditVerify,
    /// List the periodic jobs the instances share: when each last ran, when it is next due, which
    /// instance holds it now, and its last error.
    Jobs,
    /// Write everything an agency owns (records, people without passwords, files, audit segment)
    /// into one archive: a ZIP of JSON documents and files with a SHA-256 manifest.
    ExportAgency {
        /// The agency's id (as on its organisation page).
        #[arg(long)]
        agency: uuid::Uuid,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Import an agency archive written by `export-agency`: checked whole first, then written in
    /// one transaction or not at all. Prints what was imported and the administrators' one-time
    /// passwords (an archive carries no password).
    ImportAgency { file: std::path::PathBuf },
    /// Mint a personal API token for a person (printed once; only its hash is stored).
    IssueToken {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Days until it expires (1–366).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

fn env_help() -> String {
    let mut s = String::from("Environment variables:\n");
    for (k, v) in VARS {
        s.push_str(&format!("  {k:<26} {v}\n"));
    }
    s
}

#[tokio::main]
async fn main() -> ExitCode {
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        // Plain text in log files; colours only on a terminal.
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    match run(cli.command, config).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn connect(config: &Config) -> Result<sea_orm::DatabaseConnection, String> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| format!("cannot create data directory {}: {e}", config.data_dir.display()))?;
    }
    let db = db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database ({}): {e}", server::config::redact(&config.database_url)))?;
    Migrator::up(&db, None).await.map_err(|e| format!("migration failed: {e}"))?;
    // The audit chain's key, before anything writes or verifies a row.
    let (key, made) = config.load_audit_key()?;
    if let Some(path) = made {
        println!(
            "portal: made a new audit key in {} (keep a copy, or set PORTAL_AUDIT_KEY: the audit trail cannot be verified without it)",
            path.display()
        );
    }
    app::audit::service::install_key(&key);
    app::audit::service::ensure_keyed(&db, time::OffsetDateTime::now_utc())
        .await
        .map_err(|e| format!("audit chain: {e}"))?;
    Ok(db)
}

/// Anchors the audit chain's head outside the database after a command that wrote to it.
async fn anchor(db: &sea_orm::DatabaseConnection, config: &Config) -> Result<(), String> {
    app::audit::anchor::record(db, &config.data_dir).await.map(|_| ()).map_err(|e| format!("audit anchor: {e}"))
}

async fn run(command: Command, config: Config) -> Result<ExitCode, String> {
    let started = Instant::now();
    match command {
        Command::Serve => {
            server::tune_allocator();
            println!("portal: {}", config.describe());
            let db = connect(&config).await?;
            let state = server::app_state(db, Arc::new(SystemClock), &config);
            let router = server::router(state.clone(), server::leptos_options(&config));
            let transport = server::mail::Transport::new(config.smtp_url.as_deref(), &config.data_dir)?;
            let from: lettre::message::Mailbox =
                config.mail_from.parse().map_err(|e| format!("PORTAL_MAIL_FROM: {e}"))?;
            server::follow_epoch(&state).await;
            let instance = server::start_jobs(&state, std::sync::Arc::new(transport), from);
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
            println!(
                "portal: listening on {} as instance {instance} (ready in {} ms)",
                config.public_base_url,
                started.elapsed().as_millis()
            );
            axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| format!("server error: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            connect(&config).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::SeedDemo => {
            let db = connect(&config).await?;
            let files = app::backend::storage::FileStore::new(config.data_dir.join("files"));
            match demo::seed(&db, &files, time::OffsetDateTime::now_utc(), &config.public_base_url)
                .await
                .map_err(|e| e.to_string())?
            {
                demo::SeedOutcome::Loaded => {
                    anchor(&db, &config).await?;
                    println!("demo data loaded")
                }
                demo::SeedOutcome::AlreadyLoaded => println!("demo data already loaded; nothing to do"),
            }
            println!("demo sign-ins (password for all: {}):", demo::DEMO_PASSWORD);
            println!("  {:<34} {} — platform administrator", demo::PLATFORM_ADMIN, demo::PLATFORM_ORG);
            println!("  {:<34} {} — read-only", demo::PLATFORM_VIEWER, demo::PLATFORM_ORG);
            for (i, org) in demo::DEMO.iter().enumerate() {
                let admin = demo::demo_people(i, org).into_iter().next();
                if let Some(p) = admin {
                    println!("  {:<34} {} ({})", p.email, org.name, org.kind.code());
                }
            }
            println!("  every organisation also has security@, duty@, staff@ and viewer@ at its domain;");
            println!("  security@agency.example must change its password at first sign-in");
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin { email, name } => {
            let db = connect(&config).await?;
            let password = admin::create_platform_admin(&db, time::OffsetDateTime::now_utc(), &email, &name)
                .await
                .map_err(|e| match e {
                    app::backend::ServiceError::Invalid(_) => format!("not a valid email address: {email:?}"),
                    app::backend::ServiceError::Conflict { .. } => format!("{email} already has an account"),
                    other => other.to_string(),
                })?;
            anchor(&db, &config).await?;
            println!("platform administrator {email} created.");
            println!("one-time password (shown only now; must be changed at first sign-in): {password}");
            Ok(ExitCode::SUCCESS)
        }
        Command::IssueToken { email, name, days } => {
            let db = connect(&config).await?;
            let token = app::auth::tokens::issue_for(&db, time::OffsetDateTime::now_utc(), &email, &name, days)
                .await
                .map_err(|e| match e {
                app::backend::ServiceError::NotFound => format!("no active person has the email {email:?}"),
                app::backend::ServiceError::Invalid(fields) => fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.msg.text(app::i18n::Locale::En)))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            })?;
            anchor(&db, &config).await?;
            println!("API token \"{name}\" for {email}, valid {days} days (shown only now):");
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { agencies, months } => {
            if !(1..=100_000).contains(&agencies) || !(1..=120).contains(&months) {
                return Err("--agencies must be 1–100000 and --months 1–120".into());
            }
            let db = connect(&config).await?;
            let files = config.data_dir.join("files");
            let plan = generate::Plan { agencies, months, ..Default::default() };
            println!("generating {agencies} agencies with {months} months of reports into {} …", config.describe());
            let done = generate::generate(&db, &files, time::OffsetDateTime::now_utc(), &plan)
                .await
                .map_err(|e| e.to_string())?;
            anchor(&db, &config).await?;
            for (table, n) in &done.rows {
                println!("  {table:<20} {n:>9} rows");
            }
            let size = generate::database_bytes(&db).await.map_err(|e| e.to_string())?;
            println!("  {} files ({} KiB) under {}", done.files, done.file_bytes / 1024, files.display());
            println!("done in {:.1} s; database {:.1} MiB", done.seconds, size as f64 / (1024.0 * 1024.0));
            println!(
                "sign in as {} (the top regulator), {} (an agency) or {} (a CSP); password {}",
                generate::account("security", generate::TOP_REGULATOR),
                generate::account("security", &generate::agency_key(0)),
                generate::account("security", "csp-000"),
                demo::DEMO_PASSWORD
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs => {
            let db = connect(&config).await?;
            let rows = app::backend::jobs::status(&db).await.map_err(|e| e.to_string())?;
            if rows.is_empty() {
                println!("no job has run yet (they start with `portal serve`)");
            }
            let at = |t: Option<time::OffsetDateTime>| {
                t.and_then(|t| {
                    t.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).ok()
                })
                .unwrap_or_else(|| "-".into())
            };
            for j in rows {
                println!(
                    "{:<18} runs {:>7}  last {}  due {}  held by {}{}",
                    j.name,
                    j.runs,
                    at(j.last_finished_at),
                    at(Some(j.due_at)),
                    j.claimed_by.as_deref().unwrap_or("-"),
                    j.last_error.map(|e| format!("  last error: {e}")).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportAgency { agency, out } => {
            let db = connect(&config).await?;
            let files = app::backend::storage::FileStore::new(config.data_dir.join("files"));
            let schema = app::portability::service::schema_of(&db).await.map_err(|e| e.to_string())?;
            let now = time::OffsetDateTime::now_utc();
            let done = app::portability::service::export_agency(
                &db,
                &files,
                &schema,
                &app::portability::scope::Exporter::operator(agency),
                now,
                &out,
            )
            .await
            .map_err(|e| e.to_string())?;
            let m = &done.manifest;
            println!("exported {} ({}) to {}: {} bytes", m.agency_name, m.agency_id, out.display(), done.bytes);
            for (table, rows) in m.tables.iter().filter(|(_, n)| *n > 0) {
                println!("  {table:<22} {rows:>7} rows");
            }
            let files = m.entries.iter().filter(|e| e.path.starts_with("files/")).count();
            println!("  {:<22} {files:>7}", "stored files");
            if !m.missing_files.is_empty() {
                println!(
                    "  missing from this portal's file store (named by records, not carried): {}",
                    m.missing_files.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportAgency { file } => {
            let db = connect(&config).await?;
            let files = app::backend::storage::FileStore::new(config.data_dir.join("files"));
            let now = time::OffsetDateTime::now_utc();
            let r = app::portability::service::import_agency(
                &db,
                &files,
                &app::portability::scope::Importer::operator(),
                &file,
                now,
            )
            .await
            .map_err(|e| format!("{e}\nnothing was imported"))?;
            anchor(&db, &config).await?;
            println!("imported {} ({})", r.agency_name, r.agency_id);
            for (table, written, kept) in r.tables.iter().filter(|(_, w, k)| w + k > 0) {
                if *kept > 0 {
                    println!("  {table:<22} {written:>7} rows ({kept} already here, kept)");
                } else {
                    println!("  {table:<22} {written:>7} rows");
                }
            }
            println!("  {:<22} {:>7}", "stored files", r.files_stored);
            println!("  {:<22} {:>7}", "audit entries", r.audit_entries);
            if !r.new_organisations.is_empty() {
                println!(
                    "organisations this portal lacked, created inactive as name cards (no people can sign in for them): {}",
                    r.new_organisations.join(", ")
                );
            }
            if r.new_people > 0 {
                println!("{} people of other organisations created inactive as name cards", r.new_people);
            }
            if r.passwords.is_empty() {
                println!(
                    "no active administrator of the agency: create one with the platform administrator's people page"
                );
            } else {
                println!("one-time passwords for the agency's administrators (changed at first sign-in; they reset their colleagues'):");
                for (email, password) in &r.passwords {
                    println!("  {email}  {password}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::AuditVerify => {
            let db = connect(&config).await?;
            let anchored = app::audit::anchor::last(&config.data_dir);
            match &anchored {
                Some((seq, _)) => {
                    println!("anchored head: row {seq} ({})", app::audit::anchor::path(&config.data_dir).display())
                }
                None => println!(
                    "no anchored head in {} (a cut-off tail cannot be detected without it)",
                    app::audit::anchor::path(&config.data_dir).display()
                ),
            }
            let report = app::audit::service::verify_chain(&db, anchored).await.map_err(|e| e.to_string())?;
            match report.first_break {
                None => {
                    println!("audit chain intact: {} rows verified", report.rows_checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    eprintln!("audit chain BROKEN: {b}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
