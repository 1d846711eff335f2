//! Emergency response's periodic jobs, run by the one scheduler (`backend::jobs`) once across
//! instances: reminding the agency and its CSP of status reports due on incidents not yet
//! contained, every five minutes (the shortest cadence, level I, is an hour); and each agency's
//! weekly digest, looked for hourly (it goes out from Monday 08:00, once a week).
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let (db, link_base) = (state.db.clone(), state.settings.public_base_url.clone());
    let remind = Job::fleet("incident-status-reminders", Duration::from_secs(300), move |now| {
        let (db, link_base) = (db.clone(), link_base.clone());
        async move {
            match super::service::remind_status_reports(&db, now, &link_base).await {
                Ok(n) if n >= super::service::REMINDER_BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    });
    let (db, zone, link_base) = (state.db.clone(), state.settings.default_time_zone.clone(), state.settings.public_base_url.clone());
    let digest = Job::fleet("emergency-digest", Duration::from_secs(3600), move |now| {
        let (db, zone, link_base) = (db.clone(), zone.clone(), link_base.clone());
        async move {
            match super::service::send_digests(&db, now, &zone, &link_base).await {
                Ok(n) if n as u64 >= super::service::DIGEST_BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    });
    vec![remind, digest]
}
