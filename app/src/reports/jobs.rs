//! The reports module's periodic jobs, run by the one scheduler (`backend::jobs`) once across
//! instances: the due and overdue reminders every ten minutes, and the work list's periods opened
//! as they begin (checked hourly; a read opens them too, so none waits for the job).
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let (db, zone) = (state.db.clone(), state.settings.default_time_zone.clone());
    let reminders = {
        let (db, zone) = (db.clone(), zone.clone());
        Job::fleet("report-reminders", Duration::from_secs(600), move |now| {
            let (db, zone) = (db.clone(), zone.clone());
            async move {
                super::service::send_reminders(&db, now, &zone).await.map(|_| Ran::Done).map_err(|e| e.to_string())
            }
        })
    };
    let periods = Job::fleet("report-periods", Duration::from_secs(3600), move |now| {
        let (db, zone) = (db.clone(), zone.clone());
        async move {
            let today = crate::backend::time_fmt::date_in_zone(now, &zone);
            super::service::open_periods(&db, today, &zone).await.map(|_| Ran::Done).map_err(|e| e.to_string())
        }
    });
    vec![reminders, periods]
}
