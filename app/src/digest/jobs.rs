//! The daily digest's periodic job, run by the one scheduler (`backend::jobs`) once across
//! instances: every minute, the digests whose time has come (a full batch runs again at once); and
//! daily, forgetting the sent-marks of days more than a month past.
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let s = state.clone();
    let send = Job::fleet("daily-digest", Duration::from_secs(60), move |now| {
        let s = s.clone();
        async move {
            let c = super::service::Composing {
                db: &s.db,
                caches: &s.caches,
                now,
                portal_zone: &s.settings.default_time_zone,
                link_base: &s.settings.public_base_url,
            };
            match super::service::send_due(&c).await {
                Ok(n) if n >= super::service::SEND_BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    });
    let db = state.db.clone();
    let forget = Job::fleet("daily-digest-forget", Duration::from_secs(86_400), move |now| {
        let db = db.clone();
        async move {
            super::service::forget_before(&db, now.date() - time::Duration::days(35))
                .await
                .map(|_| Ran::Done)
                .map_err(|e| e.to_string())
        }
    });
    vec![send, forget]
}
