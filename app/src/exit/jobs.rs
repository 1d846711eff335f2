//! Exits' periodic job, run by the one scheduler (`backend::jobs`) once across instances: hourly,
//! the reminders of overdue plan steps and target dates (each at most once a day).
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let (db, link_base) = (state.db.clone(), state.settings.public_base_url.clone());
    let remind = Job::fleet("exit-reminders", Duration::from_secs(3600), move |now| {
        let (db, link_base) = (db.clone(), link_base.clone());
        async move { super::service::remind_exits(&db, now, &link_base).await.map(|_| Ran::Done).map_err(|e| e.to_string()) }
    });
    vec![remind]
}
