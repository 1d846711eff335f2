//! The mail outbox and its sender: each mail claimed once by two senders, retries with backoff and
//! the dead letter, .eml files without SMTP, and a real SMTP conversation with a local sink.
use crate::common;

use std::{collections::HashSet, sync::Arc};

use app::{
    backend::{entity::outbox, mail},
    i18n::Locale,
};
use common::{backends, fresh_db};
use lettre::message::Mailbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::mail::{send_due, Transport};
use time::macros::datetime;

fn invite(n: usize) -> app::tenancy::mail::TenancyMail {
    app::tenancy::mail::TenancyMail::PersonInvited {
        organisation: "Demo bureau".into(),
        link: format!("http://portal.test/invite/token-{n}"),
        expires: "2026-12-02 10:00".into(),
    }
}

fn from() -> Mailbox {
    "portal@localhost".parse().expect("from")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_senders_never_claim_the_same_mail() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let now = datetime!(2026-11-25 02:00 UTC);
        for n in 0..60 {
            mail::enqueue(&db, now, &format!("p{n}@example.org"), Locale::En, &invite(n)).await.expect("enqueue");
        }
        let sender = |db: sea_orm::DatabaseConnection| {
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = mail::claim_due(&db, now, 7, time::Duration::minutes(5)).await.expect("claim");
                    if batch.is_empty() {
                        break;
                    }
                    mine.extend(batch.into_iter().map(|m| m.id));
                }
                mine
            })
        };
        let (a, b2) = (sender(db.clone()), sender(db.clone()));
        let (a, b2) = (a.await.expect("a"), b2.await.expect("b"));
        let all: HashSet<_> = a.iter().chain(b2.iter()).copied().collect();
        assert_eq!(a.len() + b2.len(), 60, "{b:?}: every mail claimed once ({} + {})", a.len(), b2.len());
        assert_eq!(all.len(), 60, "{b:?}: no mail claimed twice");
        // While claimed, nobody else gets them; after the lease runs out they are due again.
        assert!(mail::claim_due(&db, now, 100, time::Duration::minutes(5)).await.expect("claim").is_empty());
        let later = now + time::Duration::minutes(6);
        assert_eq!(mail::claim_due(&db, later, 100, time::Duration::minutes(5)).await.expect("claim").len(), 60);
    }
}

#[tokio::test]
async fn a_mail_that_cannot_be_sent_is_retried_with_backoff_then_dead() {
    for b in backends() {
        let (db, _) = fresh_db(b).await;
        let mut now = datetime!(2026-11-25 02:00 UTC);
        mail::enqueue(&db, now, "someone@example.org", Locale::Zh, &invite(1)).await.expect("enqueue");
        // Nothing listens on port 9 here: every attempt fails at once.
        let transport = Transport::new(Some("smtp://127.0.0.1:9"), &std::env::temp_dir()).expect("transport");
        let mut waits = Vec::new();
        for attempt in 1..=mail::MAX_ATTEMPTS {
            assert_eq!(send_due(&db, &transport, &from(), now, 10).await.expect("round"), 0);
            let row = outbox::Entity::find().one(&db).await.expect("row").expect("mail");
            assert_eq!(row.attempts, attempt, "{b:?}");
            assert!(row.last_error.is_some());
            if attempt < mail::MAX_ATTEMPTS {
                assert_eq!(row.status, mail::PENDING);
                waits.push((row.next_attempt_at - now).whole_minutes());
                // Not due again before its wait is over.
                assert_eq!(send_due(&db, &transport, &from(), now, 10).await.expect("round"), 0);
                assert_eq!(outbox::Entity::find().one(&db).await.expect("row").expect("mail").attempts, attempt);
                now = row.next_attempt_at;
            } else {
                assert_eq!(row.status, mail::DEAD, "{b:?}: given up after {attempt} attempts");
            }
        }
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 64], "{b:?}");
        // A dead letter is not tried again.
        now += time::Duration::days(1);
        send_due(&db, &transport, &from(), now, 10).await.expect("round");
        let row = outbox::Entity::find().one(&db).await.expect("row").expect("mail");
        assert_eq!(row.attempts, mail::MAX_ATTEMPTS);
    }
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files() {
    let (db, _) = fresh_db(common::Backend::Sqlite).await;
    let dir = std::env::temp_dir().join(format!("portal-mail-{}", uuid::Uuid::new_v4().simple()));
    let transport = Transport::new(None, &dir).expect("transport");
    let now = datetime!(2026-11-25 02:00 UTC);
    mail::enqueue(&db, now, "reader@example.org", Locale::En, &invite(7)).await.expect("enqueue");
    assert_eq!(send_due(&db, &transport, &from(), now, 10).await.expect("round"), 1);
    let files: Vec<_> = std::fs::read_dir(dir.join("mail")).expect("mail dir").flatten().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).expect("eml");
    assert!(text.contains("To: reader@example.org"), "{text}");
    assert!(text.contains("http://portal.test/invite/token-7"), "{text}");
    let sent = outbox::Entity::find().filter(outbox::Column::Status.eq(mail::SENT)).all(&db).await.expect("rows");
    assert_eq!(sent.len(), 1);
}

/// Talks SMTP to the sink `.ci/test` starts (aiosmtpd writing a Maildir).
#[tokio::test]
async fn mail_goes_through_a_real_smtp_conversation() {
    let (Ok(url), Ok(maildir)) = (std::env::var("PORTAL_TEST_SMTP_URL"), std::env::var("PORTAL_TEST_MAILDIR")) else {
        // The test command always starts the sink; only a bare `cargo test` lacks it.
        assert!(std::env::var("CI").is_err(), "CI must run the SMTP sink (PORTAL_TEST_SMTP_URL)");
        eprintln!("skipped: no SMTP sink (run `bash .ci/test`)");
        return;
    };
    let (db, _) = fresh_db(common::Backend::Sqlite).await;
    let transport = Arc::new(Transport::new(Some(&url), &std::env::temp_dir()).expect("transport"));
    let now = datetime!(2026-11-25 02:00 UTC);
    let token = uuid::Uuid::new_v4().simple().to_string();
    let template = app::tenancy::mail::TenancyMail::PersonInvited {
        organisation: "Demo bureau".into(),
        link: format!("http://portal.test/invite/{token}"),
        expires: "2026-12-02 10:00".into(),
    };
    mail::enqueue(&db, now, "smtp-reader@example.org", Locale::En, &template).await.expect("enqueue");
    mail::enqueue(&db, now, "smtp-zh@example.org", Locale::Zh, &template).await.expect("enqueue");
    assert_eq!(send_due(&db, &transport, &from(), now, 10).await.expect("round"), 2);
    let new = std::path::Path::new(&maildir).join("new");
    let mut found = (false, false);
    for _ in 0..50 {
        for f in std::fs::read_dir(&new).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            if text.contains("smtp-reader@example.org") && text.contains(&token) {
                found.0 = true;
            }
            // The Chinese body is transfer-encoded; the recipient header is plain.
            if text.contains("smtp-zh@example.org") && text.contains("charset=utf-8") {
                found.1 = true;
            }
        }
        if found == (true, true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(found, (true, true), "both mails reached the sink in {}", new.display());
}
