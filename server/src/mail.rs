//! The background mail sender: claims due mails from the outbox, sends them over SMTP (or writes
//! them as .eml files when no SMTP server is configured), and records success or failure so the
//! outbox retries with backoff and finally gives up.
use std::{path::PathBuf, sync::Arc, time::Duration};

use app::backend::{
    jobs::{Job, Ran},
    mail, AppState, ServiceResult,
};
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sea_orm::DatabaseConnection;
use time::OffsetDateTime;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `<uuid>.eml` file per mail in this directory.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Transport {
    /// SMTP when `smtp_url` is set, else files under `<data_dir>/mail`.
    pub fn new(smtp_url: Option<&str>, data_dir: &std::path::Path) -> Result<Transport, String> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Transport::Smtp(b.timeout(Some(Duration::from_secs(20))).build()))
                .map_err(|e| format!("PORTAL_SMTP_URL: {e}")),
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                Ok(Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(&dir), dir))
            }
        }
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files(t, dir) => {
                let id = t.send(message).await.map_err(|e| e.to_string())?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written (no SMTP server configured)");
                Ok(())
            }
        }
    }
}

fn message(from: &Mailbox, row: &app::backend::entity::outbox::Model) -> Result<Message, String> {
    let to: Mailbox = row.to_addr.parse().map_err(|e| format!("recipient {:?}: {e}", row.to_addr))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(row.body.clone())
        .map_err(|e| e.to_string())
}

/// One round: claims up to `limit` due mails and sends each. Returns how many were sent.
pub async fn send_due(
    db: &DatabaseConnection,
    transport: &Transport,
    from: &Mailbox,
    now: OffsetDateTime,
    limit: u64,
) -> ServiceResult<usize> {
    let claimed = mail::claim_due(db, now, limit, time::Duration::minutes(5)).await?;
    let mut sent = 0;
    for row in claimed {
        match message(from, &row) {
            Ok(m) => match transport.send(m).await {
                Ok(()) => {
                    mail::mark_sent(db, row.id, now).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(to = %row.to_addr, error = %e, "mail not sent; will retry");
                    mail::mark_failed(db, row.id, now, &e).await?;
                }
            },
            Err(e) => {
                tracing::warn!(to = %row.to_addr, error = %e, "mail cannot be built");
                mail::mark_failed(db, row.id, now, &e).await?;
            }
        }
    }
    Ok(sent)
}

/// Mails sent per run: a full batch runs the job again at once.
const BATCH: u64 = 20;

/// The mail job: sends due mail every five seconds, under the scheduler's claim (and each mail
/// under its own row claim, so a run that outlives its lease still sends nothing twice).
pub fn job(state: &AppState, transport: Arc<Transport>, from: Mailbox) -> Job {
    let db = state.db.clone();
    Job::fleet("mail-send", Duration::from_secs(5), move |now| {
        let (db, transport, from) = (db.clone(), transport.clone(), from.clone());
        async move {
            match send_due(&db, &transport, &from, now, BATCH).await {
                Ok(n) if n as u64 == BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    })
}
