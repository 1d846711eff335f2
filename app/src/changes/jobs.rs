//! Change notices' periodic job, run by the one scheduler (`backend::jobs`) once across
//! instances: hourly, the reminders of answers, decisions and assessments overdue (their
//! deadlines are whole business days, or a planned start).
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let (db, link_base) = (state.db.clone(), state.settings.public_base_url.clone());
    let remind = Job::fleet("change-reminders", Duration::from_secs(3600), move |now| {
        let (db, link_base) = (db.clone(), link_base.clone());
        async move {
            match super::service::remind_changes(&db, now, &link_base).await {
                Ok(n) if n as u64 >= super::service::CHANGE_REMINDER_BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    });
    vec![remind]
}
