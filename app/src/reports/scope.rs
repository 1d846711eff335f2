//! The reports module's reach: which obligations (and so submissions, versions and files) each
//! relationship sees, submits under or reviews — capabilities built from the policy's [`Grant`]
//! that hand out pre-filtered selects.
use std::future::Future;

use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{file, obligation, period, review, submission, tally, version};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, may, Access, Module as M, Reach, Relationship as Rel},
        ServiceError, ServiceResult,
    },
    domain::OrgKind,
    tenancy::{
        entity::{engagement, organisation, person},
        scope::{agencies_under, engagements_in_force, jurisdiction_agencies, EngagementWriter, JurisdictionAdmin},
    },
};

/// Report obligations (report_obligation rows) a reach sees: an agency's own (owed to it or by
/// it), a provider's own submissions, or everything about its jurisdiction's agencies.
fn obligation_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(obligation::Column::AgencyId.eq(*id)),
        // Its own obligations, and only while the engagement they sit on is in force: ended,
        // declined or not yet accepted, the provider reaches nothing of that agency.
        Reach::Provider { organisation_id, today } => Condition::all()
            .add(obligation::Column::SubmitterId.eq(*organisation_id))
            .add(obligation::Column::EngagementId.in_subquery(engagements_in_force(Some(*organisation_id), *today))),
        // The agencies of its jurisdiction today: an agency moved away leaves with its history.
        Reach::Regulators(ids) => Condition::all().add(obligation::Column::AgencyId.in_subquery(agencies_under(ids))),
    }
}

/// Only this file's capabilities take the trait: an impl elsewhere could claim any reach.
mod sealed {
    pub trait Sealed {}
    impl Sealed for super::ReportReader {}
    impl Sealed for super::ReportSubmitter {}
    impl Sealed for super::ReportReviewer {}
}

/// What every reports capability shares: the obligations it covers, and so the submissions,
/// versions, files and reviews under them. Services start every reports query here.
pub trait ObligationScope: sealed::Sealed {
    /// The obligations (report_obligation rows) it covers.
    fn condition(&self) -> Condition;

    /// The obligations in reach.
    fn obligations(&self) -> Select<obligation::Entity> {
        obligation::Entity::find().filter(self.condition())
    }

    /// One obligation, if in reach.
    fn obligation(&self, id: Uuid) -> Select<obligation::Entity> {
        self.obligations().filter(obligation::Column::Id.eq(id))
    }

    /// The ids of the obligations in reach, as a subquery.
    fn obligation_ids(&self) -> SelectStatement {
        Query::select().column(obligation::Column::Id).from(obligation::Entity).cond_where(self.condition()).to_owned()
    }

    /// The submissions under obligations in reach.
    fn submissions(&self) -> Select<submission::Entity> {
        self.submissions_where(|_| {})
    }

    /// The submissions under the obligations in reach that `narrow` filters further (in the one
    /// subquery, so the database reads the reach once).
    fn submissions_where(&self, narrow: impl FnOnce(&mut SelectStatement)) -> Select<submission::Entity> {
        let mut ids = self.obligation_ids();
        narrow(&mut ids);
        submission::Entity::find().filter(submission::Column::ObligationId.in_subquery(ids))
    }

    /// One submission with its obligation, if in reach.
    fn submission<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: Uuid,
    ) -> impl Future<Output = ServiceResult<SubmissionIn>> + Send
    where
        Self: Sync,
    {
        async move {
            let submission = submission::Entity::find_by_id(id).one(conn).await?.ok_or(ServiceError::NotFound)?;
            let obligation =
                self.obligation(submission.obligation_id).one(conn).await?.ok_or(ServiceError::NotFound)?;
            Ok(SubmissionIn { submission, obligation })
        }
    }

    /// The submission of an obligation in reach for the period starting on `start`, if any.
    fn period_submission<C: ConnectionTrait>(
        &self,
        conn: &C,
        obligation_id: Uuid,
        start: Date,
    ) -> impl Future<Output = ServiceResult<Option<SubmissionIn>>> + Send
    where
        Self: Sync,
    {
        async move {
            let Some(obligation) = self.obligation(obligation_id).one(conn).await? else {
                return Ok(None);
            };
            let submission = submission::Entity::find()
                .filter(submission::Column::ObligationId.eq(obligation.id))
                .filter(submission::Column::PeriodStart.eq(start))
                .one(conn)
                .await?;
            Ok(submission.map(|submission| SubmissionIn { submission, obligation }))
        }
    }

    /// A file of a submission in reach, with that submission.
    fn file<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: Uuid,
    ) -> impl Future<Output = ServiceResult<(file::Model, SubmissionIn)>> + Send
    where
        Self: Sync,
    {
        async move {
            let f = file::Entity::find_by_id(id).one(conn).await?.ok_or(ServiceError::NotFound)?;
            let v = version::Entity::find_by_id(f.version_id).one(conn).await?.ok_or(ServiceError::NotFound)?;
            let s = self.submission(conn, v.submission_id).await?;
            Ok((f, s))
        }
    }

    /// The obligations in reach that `refine` narrows (filters, order), vouched for as a set whose
    /// submissions may be read by id.
    fn obligations_where<C: ConnectionTrait>(
        &self,
        conn: &C,
        refine: impl FnOnce(Select<obligation::Entity>) -> Select<obligation::Entity> + Send,
    ) -> impl Future<Output = ServiceResult<Obligations>> + Send
    where
        Self: Sync,
    {
        async move {
            let rows = refine(self.obligations()).all(conn).await?;
            Ok(Obligations::of(rows))
        }
    }
}

/// Obligations a scope reached (only this file builds one).
#[derive(Debug)]
pub struct Obligations {
    rows: Vec<obligation::Model>,
    ids: Vec<Uuid>,
}

impl Obligations {
    fn of(rows: Vec<obligation::Model>) -> Self {
        let ids = rows.iter().map(|o| o.id).collect();
        Obligations { rows, ids }
    }

    pub fn rows(&self) -> &[obligation::Model] {
        &self.rows
    }

    /// Their submissions, in chunks a database takes in one `IN` list. The obligations were
    /// reached already, so each chunk is filtered by id alone: ANDing the reach again would rescan
    /// it once a chunk.
    pub fn submissions(&self) -> Vec<Select<submission::Entity>> {
        self.ids
            .chunks(500)
            .map(|chunk| submission::Entity::find().filter(submission::Column::ObligationId.is_in(chunk.to_vec())))
            .collect()
    }

    /// The reviews of these submissions, those of the reached obligations only (a page's worth:
    /// one `IN` list).
    pub fn reviews_of(&self, submissions: Vec<Uuid>) -> Select<review::Entity> {
        let theirs = Query::select()
            .column(submission::Column::Id)
            .from(submission::Entity)
            .and_where(submission::Column::Id.is_in(submissions))
            .and_where(submission::Column::ObligationId.is_in(self.ids.clone()))
            .to_owned();
        review::Entity::find().filter(review::Column::SubmissionId.in_subquery(theirs))
    }
}

/// Whether any stored file row refers to these bytes: the file sweeper's one question, which
/// answers nothing of whose they are.
pub async fn bytes_referenced<C: ConnectionTrait>(conn: &C, sha256: &str) -> ServiceResult<bool> {
    use sea_orm::PaginatorTrait;
    Ok(file::Entity::find().filter(file::Column::Sha256.eq(sha256)).count(conn).await? > 0)
}

/// The obligations of `cadence` whose work-list periods are not yet opened for the period that
/// begins on `start` (or not at all): the only ones a day's opening touches. A system job's
/// question, answered with ids that it returns to nobody.
pub fn obligations_to_open(cadence: super::Cadence, start: Date) -> Select<obligation::Entity> {
    let opened = |at_start: bool| {
        let mut q = Query::select();
        q.expr(Expr::val(1))
            .from(period::Entity)
            .and_where(Expr::col((period::Entity, period::Column::ObligationId)).equals((obligation::Entity, obligation::Column::Id)));
        if at_start {
            q.and_where(Expr::col((period::Entity, period::Column::PeriodStart)).eq(start));
        }
        q.to_owned()
    };
    let running = Condition::all()
        .add(Condition::any().add(obligation::Column::LastPeriod.is_null()).add(obligation::Column::LastPeriod.gte(start)))
        .add(Expr::exists(opened(true)).not());
    obligation::Entity::find()
        .filter(obligation::Column::Cadence.eq(cadence.code()))
        .filter(obligation::Column::FirstPeriod.lte(start))
        .filter(Condition::any().add(running).add(Expr::exists(opened(false)).not()))
        // One order for every instance opening at once, so their row locks never cross.
        .order_by_asc(obligation::Column::Id)
}

/// The submissions of these obligations for periods from `since` on: what the work list's rows of
/// obligations a system job (or an authorised change) is syncing already received. Read for rows
/// that go back to nobody but the list's own table.
pub fn submissions_of_periods(obligations: impl IntoIterator<Item = Uuid>, since: Date) -> Select<submission::Entity> {
    submission::Entity::find()
        .filter(submission::Column::ObligationId.is_in(obligations))
        .filter(submission::Column::PeriodStart.gte(since))
}

/// The open obligations on one engagement the writer acts on, which end with it.
pub fn obligations_ending_with(writer: &EngagementWriter, engagement_id: Uuid) -> Select<obligation::Entity> {
    obligation::Entity::find()
        .filter(obligation::Column::EngagementId.eq(engagement_id))
        .filter(obligation::Column::EngagementId.in_subquery(writer.engagement_ids()))
        .filter(obligation::Column::EndedOn.is_null())
}

/// The reports these agencies owe their regulators, which move with the jurisdiction tree
/// (only the platform places agencies).
pub fn obligations_owed_upwards(_cap: &JurisdictionAdmin, agencies: &[Uuid]) -> Select<obligation::Entity> {
    obligation::Entity::find()
        .filter(obligation::Column::AgencyId.is_in(agencies.to_vec()))
        .filter(obligation::Column::EngagementId.is_null())
}

/// What the reminder job reaches on `today`: the obligations of these cadences and due days (the
/// ones a reminder can be due for today), a provider's only while its engagement is in force (one
/// whose engagement ended is reminded of nothing).
pub async fn reminder_obligations<C: ConnectionTrait>(
    conn: &C,
    today: Date,
    due: &[(super::Cadence, Vec<i16>)],
) -> ServiceResult<Obligations> {
    if due.iter().all(|(_, days)| days.is_empty()) {
        return Ok(Obligations::of(Vec::new()));
    }
    let mut candidates = Condition::any();
    for (cadence, days) in due.iter().filter(|(_, days)| !days.is_empty()) {
        candidates = candidates.add(
            Condition::all()
                .add(obligation::Column::Cadence.eq(cadence.code()))
                .add(obligation::Column::DueDay.is_in(days.clone())),
        );
    }
    let rows = obligation::Entity::find()
        .filter(candidates)
        .filter(
            Condition::any()
                .add(obligation::Column::EngagementId.is_null())
                .add(obligation::Column::EngagementId.in_subquery(engagements_in_force(None, today))),
        )
        .all(conn)
        .await?;
    Ok(Obligations::of(rows))
}

/// A submission a capability reached, with its obligation: what hangs under it (versions, files,
/// reviews) is read from here, never by a bare id.
#[derive(Debug)]
pub struct SubmissionIn {
    submission: submission::Model,
    obligation: obligation::Model,
}

impl SubmissionIn {
    pub fn submission(&self) -> &submission::Model {
        &self.submission
    }

    pub fn obligation(&self) -> &obligation::Model {
        &self.obligation
    }

    /// Its versions.
    pub fn versions(&self) -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::SubmissionId.eq(self.submission.id))
    }

    /// Its latest version.
    pub fn latest_version(&self) -> Select<version::Entity> {
        self.versions().filter(version::Column::Number.eq(self.submission.versions))
    }

    /// The files of its versions.
    pub fn files(&self) -> Select<file::Entity> {
        file::Entity::find().filter(
            file::Column::VersionId.in_subquery(
                Query::select()
                    .column(version::Column::Id)
                    .from(version::Entity)
                    .and_where(version::Column::SubmissionId.eq(self.submission.id))
                    .to_owned(),
            ),
        )
    }

    /// The person who sent its latest version, if still active.
    pub async fn latest_sender<C: ConnectionTrait>(&self, conn: &C) -> ServiceResult<Option<person::Model>> {
        let Some(v) = self.latest_version().one(conn).await? else {
            return Ok(None);
        };
        Ok(person::Entity::find_by_id(v.submitted_by).filter(person::Column::Active.eq(true)).one(conn).await?)
    }

    /// Its reviews.
    pub fn reviews(&self) -> Select<review::Entity> {
        review::Entity::find().filter(review::Column::SubmissionId.eq(self.submission.id))
    }
}

/// May read report obligations and submissions in its reach.
#[derive(Debug)]
pub struct ReportReader {
    reach: Reach,
    viewer: Uuid,
}

impl ObligationScope for ReportReader {
    fn condition(&self) -> Condition {
        obligation_condition(&self.reach)
    }
}

impl ReportReader {
    /// The work list's periods under obligations in reach, the obligations narrowed further by
    /// `narrow` (a side, a kind, a name) when given. An agency's or a jurisdiction's reach is a
    /// condition on the period's own agency (a period's agency is its obligation's), so a page is
    /// read in the order of the list's index without going through the obligations; a
    /// provider's goes through its obligations (and the engagements they sit on).
    pub fn periods_where(&self, narrow: Option<impl FnOnce(&mut SelectStatement)>) -> Select<period::Entity> {
        let mut q = period::Entity::find();
        let own = match &self.reach {
            Reach::Agency(id) => Some(Condition::all().add(period::Column::AgencyId.eq(*id))),
            Reach::Regulators(ids) => Some(Condition::all().add(period::Column::AgencyId.in_subquery(agencies_under(ids)))),
            Reach::Provider { .. } => None,
        };
        let through_obligations = own.is_none() || narrow.is_some();
        if let Some(own) = own {
            q = q.filter(own);
        }
        if through_obligations {
            let mut ids = self.obligation_ids();
            if let Some(narrow) = narrow {
                narrow(&mut ids);
            }
            q = q.filter(period::Column::ObligationId.in_subquery(ids));
        }
        q
    }

    /// A jurisdiction's tally rows (its regulators' counts of work-list rows by stage and
    /// period); `None` for other readers, whose rows are few enough to count.
    pub fn tally(&self) -> Option<Select<tally::Entity>> {
        match &self.reach {
            Reach::Regulators(ids) => Some(tally::Entity::find().filter(tally::Column::RegulatorId.is_in(ids.clone()))),
            _ => None,
        }
    }

    /// The reading organisation.
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    /// Whether the reader sees a jurisdiction (the regulator's matrix).
    pub fn is_jurisdiction(&self) -> bool {
        matches!(self.reach, Reach::Regulators(_))
    }

    /// Names the jurisdiction (its regulators, sorted), for keying views computed over it.
    pub fn jurisdiction_key(&self) -> Option<String> {
        match &self.reach {
            Reach::Regulators(ids) => {
                let mut ids = ids.clone();
                ids.sort();
                Some(ids.iter().map(|id| id.simple().to_string()).collect::<Vec<_>>().join(","))
            }
            _ => None,
        }
    }

    /// The agencies a regulator's matrix lists; `None` for other readers.
    pub fn agencies(&self) -> Option<Select<organisation::Entity>> {
        self.jurisdiction_agencies().map(|c| organisation::Entity::find().filter(c))
    }

    /// The regulators of a jurisdiction (the viewer's and every one below it), for grouping its
    /// agencies by sub-regulator; `None` for other readers.
    pub fn jurisdiction_regulators(&self) -> Option<Select<organisation::Entity>> {
        match &self.reach {
            Reach::Regulators(ids) => Some(organisation::Entity::find().filter(organisation::Column::Id.is_in(ids.clone()))),
            _ => None,
        }
    }

    /// The agencies a regulator's matrix lists (organisation rows); `None` for other readers.
    pub fn jurisdiction_agencies(&self) -> Option<Condition> {
        match &self.reach {
            Reach::Regulators(ids) => Some(jurisdiction_agencies(ids)),
            _ => None,
        }
    }
}

pub async fn report_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ReportReader> {
    let g = grant(actor, M::Reports, Access::Read)?;
    Ok(ReportReader { reach: g.reach(db, today).await?, viewer: g.organisation_id() })
}

/// May submit the reports its own organisation owes.
#[derive(Debug)]
pub struct ReportSubmitter {
    organisation_id: Uuid,
    today: Date,
}

impl ReportSubmitter {
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// The versions this person sent: an idempotency key is looked up among them only.
    pub fn versions_sent_by(&self, actor: &Actor) -> Select<version::Entity> {
        version::Entity::find().filter(version::Column::SubmittedBy.eq(actor.person_id))
    }
}

/// Obligations this submitter may submit under: its own, and a provider's only while the
/// engagement is in force on the portal's day (an agency's reports to its regulator sit on none).
impl ObligationScope for ReportSubmitter {
    fn condition(&self) -> Condition {
        Condition::all().add(obligation::Column::SubmitterId.eq(self.organisation_id)).add(
            Condition::any().add(obligation::Column::EngagementId.is_null()).add(
                obligation::Column::EngagementId
                    .in_subquery(engagements_in_force(Some(self.organisation_id), self.today)),
            ),
        )
    }
}

/// `today` is the portal's day (`AppState::today`), the day reach is judged by.
pub fn report_submitter(actor: &Actor, today: Date) -> ServiceResult<ReportSubmitter> {
    let g = grant(actor, M::Reports, Access::Write)?;
    match g.relationship() {
        Rel::Own => Ok(ReportSubmitter { organisation_id: g.organisation_id(), today }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// What a reviewer may set obligations over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewerScope {
    /// An agency: reports owed to it under its own engagements.
    Agency(Uuid),
    /// A regulator: reports owed to it by the agencies of its subtree (these regulators).
    Regulator { id: Uuid, subtree: Vec<Uuid> },
}

/// May set obligations owed to its organisation and review what arrives under them.
#[derive(Debug)]
pub struct ReportReviewer {
    scope: ReviewerScope,
}

impl ReportReviewer {
    pub fn organisation_id(&self) -> Uuid {
        match &self.scope {
            ReviewerScope::Agency(id) => *id,
            ReviewerScope::Regulator { id, .. } => *id,
        }
    }

    pub fn scope(&self) -> &ReviewerScope {
        &self.scope
    }

    /// Engagements it may set provider reports over (an agency's own).
    fn engagement_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(id) => Some(Condition::all().add(engagement::Column::AgencyId.eq(*id))),
            ReviewerScope::Regulator { .. } => None,
        }
    }

    /// Agencies it may ask reports of (a regulator's jurisdiction).
    fn agency_condition(&self) -> Option<Condition> {
        match &self.scope {
            ReviewerScope::Agency(_) => None,
            ReviewerScope::Regulator { subtree, .. } => Some(jurisdiction_agencies(subtree)),
        }
    }

    /// The agencies it may ask reports of (none for an agency).
    pub fn agencies(&self) -> Option<Select<organisation::Entity>> {
        self.agency_condition().map(|c| organisation::Entity::find().filter(c))
    }

    /// The engagements it may set provider reports over (none for a regulator).
    pub fn engagements(&self) -> Option<Select<engagement::Entity>> {
        self.engagement_condition().map(|c| engagement::Entity::find().filter(c))
    }
}

/// Obligations this reviewer decides on: those owed to its organisation (a regulator's only
/// while the agency is in its jurisdiction).
impl ObligationScope for ReportReviewer {
    fn condition(&self) -> Condition {
        let own = Condition::all().add(obligation::Column::ReceiverId.eq(self.organisation_id()));
        match &self.scope {
            ReviewerScope::Agency(id) => own.add(obligation::Column::AgencyId.eq(*id)),
            ReviewerScope::Regulator { subtree, .. } => {
                own.add(obligation::Column::AgencyId.in_subquery(agencies_under(subtree)))
            }
        }
    }
}

pub async fn report_reviewer<C: ConnectionTrait>(db: &C, actor: &Actor) -> ServiceResult<ReportReviewer> {
    let g = grant(actor, M::ReportReview, Access::Write)?;
    match g.relationship() {
        Rel::Own if g.org_kind() == OrgKind::Agency => {
            Ok(ReportReviewer { scope: ReviewerScope::Agency(g.organisation_id()) })
        }
        Rel::Jurisdiction => Ok(ReportReviewer {
            scope: ReviewerScope::Regulator { id: g.organisation_id(), subtree: g.subtree(db).await? },
        }),
        _ => Err(ServiceError::Forbidden),
    }
}

/// Whether the actor may review reports at all (for showing the controls; services check again).
pub fn may_review(actor: &Actor) -> bool {
    may(actor, M::ReportReview, Access::Write)
}

/// Whether the viewer may remind a submitter of an overdue report: a jurisdiction's person who
/// acts on reports (the write access that sets obligations and reviews).
pub fn may_remind(actor: &Actor) -> bool {
    may(actor, M::ReportReview, Access::Write)
        && crate::backend::policy::relationship(actor.org_kind, M::ReportReview) == Some(Rel::Jurisdiction)
}

/// Whether the actor may submit reports its organisation owes.
pub fn may_submit(actor: &Actor) -> bool {
    may(actor, M::Reports, Access::Write)
        && crate::backend::policy::relationship(actor.org_kind, M::Reports) == Some(Rel::Own)
}
