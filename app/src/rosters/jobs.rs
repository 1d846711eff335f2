//! The rosters module's periodic jobs, run by the one scheduler (`backend::jobs`) once across
//! instances: recording the duty stood as it changes (every minute, only the rosters whose next
//! change has come or that were edited), and warning of special periods still without cover.
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

/// Rosters recorded per run: a full batch runs again at once.
const RECORD_BATCH: u64 = 200;

pub fn jobs(state: &AppState) -> Vec<Job> {
    let db = state.db.clone();
    let record = {
        let db = db.clone();
        Job::fleet("duty-record", Duration::from_secs(60), move |now| {
            let db = db.clone();
            async move {
                match super::service::record_duty(&db, now, RECORD_BATCH).await {
                    Ok(n) if n as u64 >= RECORD_BATCH => Ok(Ran::More),
                    Ok(_) => Ok(Ran::Done),
                    Err(e) => Err(e.to_string()),
                }
            }
        })
    };
    let zone = state.settings.default_time_zone.clone();
    let warn = Job::fleet("duty-gap-warnings", Duration::from_secs(3600), move |now| {
        let (db, zone) = (db.clone(), zone.clone());
        async move { super::service::warn_uncovered(&db, now, &zone).await.map(|_| Ran::Done).map_err(|e| e.to_string()) }
    });
    vec![record, warn]
}
