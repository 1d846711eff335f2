//! Reports' services, one file per concern: obligations, submissions, review, work lists, the matrix
//! and reminders; this file holds what they share. Every query ANDs in the capability's scope.
use crate::backend::actor::Acting;
use crate::reports::scope::{
    ObligationScope, Obligations, ReportReader, ReportReviewer, ReportSubmitter, ReviewerScope, SubmissionIn,
};
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    sea_query::{Expr, IntoIden, IntoValueTuple, JoinType, Query, SelectStatement, TableRef},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    entity::{file, obligation, period, reminder, review, submission, version},
    rules::{self, SubmissionFacts},
    Cadence, Decision, FileView, ItemFilter, Matrix, MatrixCell, MatrixFilter, MatrixGroup, MatrixRow, ObligationChoices,
    ObligationInput, ObligationRow, OrgRef, Period, PeriodItem, ReportKind, ReportPanelData, ReportWork, ReviewView,
    StateCode, SubmissionFilter, SubmissionPage, SubmissionRow, SubmissionStatus, SubmissionView, SubmitForm, Summary,
    VersionView,
};
use crate::{
    audit::{
        service::{append, AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::Actor,
        db::write_txn,
        epoch::{self, Caches},
        error::OnConstraint,
        mail,
        storage::{FileStore, Received},
        time_fmt::{date_in_zone, format_in_zone, start_of_day_in_zone},
        ServiceError, ServiceResult,
    },
    i18n::Msg,
    reports::mail::ReportMail,
    tenancy::{
        entity::{engagement, organisation, person},
        scope::{org_names, orgs_named_like, people_holding, person_names},
        service::recipients,
        EngagementRole, EngagementStatus, OrgKind, Role,
    },
};

mod matrix;
mod obligations;
mod oversight;
mod periods;
mod reminders;
mod reviews;
mod submissions;
mod work;
pub use matrix::*;
pub use obligations::*;
pub use oversight::*;
pub use periods::*;
pub use reminders::*;
pub use reviews::*;
pub use submissions::*;
pub use work::*;

/// Periods a work list looks back over, per obligation.
pub const LOOKBACK: usize = 12;

/// Agencies on one page of the matrix.
pub const MATRIX_PAGE: u64 = 50;

/// Rows a work list shows; the CSV has all.
pub const LIST_ROWS: usize = 100;

/// The rows, the page shown (a page past the end shows the last) and the pages of a list of `len`.
fn page_of(len: usize, asked: u32) -> (usize, usize, usize) {
    let pages = len.div_ceil(LIST_ROWS).max(1);
    (len, (asked.max(1) as usize).min(pages), pages)
}

fn invalid(field: &'static str, msg: Msg) -> ServiceError {
    ServiceError::invalid(field, msg)
}

/// The report kind an engagement's provider owes its agency.
pub fn kind_for_role(role: EngagementRole) -> ReportKind {
    match role {
        EngagementRole::Csp => ReportKind::CspMonthly,
        EngagementRole::Assessor => ReportKind::Assessment,
        EngagementRole::Developer | EngagementRole::Integrator | EngagementRole::SecurityService => {
            ReportKind::SupplierService
        }
    }
}

fn org_ref(names: &HashMap<Uuid, String>, id: Uuid) -> OrgRef {
    OrgRef { id, name: names.get(&id).cloned().unwrap_or_default() }
}

/// An obligation row's typed fields (rows whose codes no longer parse are skipped, never guessed).
fn typed(o: &obligation::Model) -> Option<(ReportKind, Cadence, Period, Option<Period>)> {
    let kind = ReportKind::parse(&o.kind)?;
    let cadence = Cadence::parse(&o.cadence)?;
    let first = rules::from_start(cadence, o.first_period)?;
    let last = match o.last_period {
        Some(d) => Some(rules::from_start(cadence, d)?),
        None => None,
    };
    Some((kind, cadence, first, last))
}

fn obligation_row(o: &obligation::Model, names: &HashMap<Uuid, String>) -> Option<ObligationRow> {
    let (kind, cadence, first, last) = typed(o)?;
    Some(ObligationRow {
        id: o.id,
        kind,
        submitter: org_ref(names, o.submitter_id),
        receiver: org_ref(names, o.receiver_id),
        agency: org_ref(names, o.agency_id),
        engagement_id: o.engagement_id,
        cadence,
        due_day: o.due_day,
        first_period: first,
        // An obligation ended before its first period owes nothing: no last period to show.
        last_period: last.filter(|l| l.ordinal() >= first.ordinal()),
        ended_on: o.ended_on.map(|d| d.to_string()),
        end_reason: o.end_reason.clone(),
    })
}

/// People of an organisation who handle reports (administrators and security officers).
async fn report_people<C: ConnectionTrait>(conn: &C, organisation_id: Uuid) -> ServiceResult<Vec<person::Model>> {
    people_holding(conn, organisation_id, &[Role::OrgAdmin, Role::SecurityOfficer]).await
}

async fn mail_people<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    people: &[person::Model],
    template: &ReportMail,
) -> ServiceResult<()> {
    mail::enqueue_each(conn, now, &recipients(people), template).await
}

fn file_view(f: file::Model) -> FileView {
    FileView { id: f.id, name: f.name, media_type: f.media_type, size: f.size, sha256: f.sha256 }
}

fn parse_summary(json: &str) -> Option<Summary> {
    serde_json::from_str(json).ok()
}

/// Kinds a viewer of `kind` meets, for the filters (its own side's).
pub fn kinds_for(kind: OrgKind) -> Vec<ReportKind> {
    match kind {
        OrgKind::Csp => vec![ReportKind::CspMonthly],
        OrgKind::Supplier => vec![ReportKind::SupplierService],
        OrgKind::Assessor => vec![ReportKind::Assessment],
        _ => ReportKind::ALL.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_work_list_pages_by_a_hundred_and_a_page_past_the_end_shows_the_last() {
        assert_eq!(page_of(0, 0), (0, 1, 1), "an empty list is one empty page");
        assert_eq!(page_of(100, 1), (100, 1, 1));
        assert_eq!(page_of(101, 2), (101, 2, 2));
        assert_eq!(page_of(3512, 0), (3512, 1, 36), "page 0 or none is the first");
        assert_eq!(page_of(3512, 99), (3512, 36, 36));
    }

    #[test]
    fn the_reminder_job_reads_every_obligation_a_reminder_is_due_for_and_few_others() {
        // Every day of two years, every cadence and due day: an obligation whose period wants a
        // reminder today is among those the job reads.
        let mut day = date!(2026 - 01 - 01);
        let (mut read, mut all) = (0usize, 0usize);
        while day < date!(2028 - 01 - 01) {
            for cadence in Cadence::ALL {
                let days = due_days_reminded(*cadence, day);
                for due_day in 1u8..=31 {
                    all += 1;
                    let wanted = rules::last_ended(*cadence, day, 6)
                        .into_iter()
                        .any(|p| reminder_due(p, due_day, day, false).is_some());
                    let listed = days.contains(&i16::from(due_day));
                    assert!(!wanted || listed, "{day} {cadence:?} due day {due_day}");
                    read += usize::from(listed);
                }
            }
            day = day.next_day().unwrap();
        }
        // Monthly obligations are read on about 11 days of 31, the others far less often.
        assert!(read * 4 < all, "the job reads {read} of {all} (cadence, due day) pairs");
    }

    #[test]
    fn reminders_go_three_days_before_and_on_the_first_day_overdue() {
        let oct = Period::parse("2026-10").unwrap();
        for (today, submitted, want) in [
            (date!(2026 - 11 - 06), false, None),
            (date!(2026 - 11 - 07), false, Some(Reminder::DueSoon)),
            (date!(2026 - 11 - 10), false, Some(Reminder::DueSoon)),
            (date!(2026 - 11 - 11), false, Some(Reminder::Overdue)),
            (date!(2026 - 11 - 17), false, Some(Reminder::Overdue)),
            (date!(2026 - 11 - 18), false, None),
            (date!(2026 - 11 - 11), true, None),
            (date!(2026 - 11 - 08), true, None),
        ] {
            assert_eq!(reminder_due(oct, 10, today, submitted), want, "{today} {submitted}");
        }
        // A due day of 1: three days before falls inside the period itself, which is not yet over.
        assert_eq!(reminder_due(oct, 1, date!(2026 - 10 - 30), false), None);
        assert_eq!(reminder_due(oct, 1, date!(2026 - 11 - 01), false), Some(Reminder::DueSoon));
    }
}
