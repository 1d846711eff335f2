//! SLA tracking's periodic job, run by the one scheduler (`backend::jobs`) once across
//! instances: hourly, each month that has ended gets its report issued (frozen figures), and a
//! month that missed a target is mailed to both parties.
use std::time::Duration;

use crate::backend::{
    jobs::{Job, Ran},
    AppState,
};

pub fn jobs(state: &AppState) -> Vec<Job> {
    let (db, link_base) = (state.db.clone(), state.settings.public_base_url.clone());
    let close = Job::fleet("sla-month-close", Duration::from_secs(3600), move |now| {
        let (db, link_base) = (db.clone(), link_base.clone());
        async move {
            match super::service::months::close_months(&db, now, &link_base).await {
                Ok(n) if n >= super::service::months::CLOSE_BATCH => Ok(Ran::More),
                Ok(_) => Ok(Ran::Done),
                Err(e) => Err(e.to_string()),
            }
        }
    });
    vec![close]
}
