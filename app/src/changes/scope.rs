//! Change notices' reach: a CSP sees its own notices while it serves one of their websites under
//! an engagement in force today; an agency sees the notices sent to it; a regulator those sent to
//! its jurisdiction's agencies (as the jurisdiction is today). Of a notice's steps, an agency sees
//! the CSP's, its own and its regulator's; a regulator the CSP's, its jurisdiction's agencies' and
//! its own; every other party's answer is only counted. Writers: the CSP over its notices, the
//! agency over its answers and its engagements' terms, the regulator over its decisions, the
//! platform operator over the calendar.
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
};
use time::Date;
use uuid::Uuid;

use super::entity::{file, notice, notice_agency, notice_website, revision, step, terms, work_day};
use crate::{
    backend::{
        actor::Actor,
        policy::{grant, Access, Module as M, Reach},
        ServiceError, ServiceResult,
    },
    domain::OrgKind,
    tenancy::{
        entity::{engagement, engagement_website, organisation, website},
        scope::{agencies_under, engagements_in_force, websites_served},
    },
};

/// The notices a reach sees, as a condition on notice rows.
fn notice_condition(reach: &Reach) -> Condition {
    match reach {
        Reach::Agency(id) => Condition::all().add(
            notice::Column::Id.in_subquery(
                Query::select()
                    .column(notice_agency::Column::NoticeId)
                    .from(notice_agency::Entity)
                    .and_where(notice_agency::Column::AgencyId.eq(*id))
                    .to_owned(),
            ),
        ),
        Reach::Provider { organisation_id, today } => Condition::all().add(notice::Column::CspId.eq(*organisation_id)).add(
            notice::Column::Id.in_subquery(
                Query::select()
                    .column(notice_website::Column::NoticeId)
                    .from(notice_website::Entity)
                    .and_where(notice_website::Column::WebsiteId.in_subquery(websites_served(*organisation_id, *today)))
                    .to_owned(),
            ),
        ),
        Reach::Regulators(ids) => sent_under(ids),
    }
}

/// Whether the enclosing query's notice was sent to an agency of these regulators, probed per
/// notice through the keys: a page in date order stops after its rows, where a list of the
/// reach's notice ids (a province's thousands) was built again by SQLite on every read (about
/// 30 ms of the province's list).
fn sent_under(ids: &[Uuid]) -> Condition {
    use sea_orm::{sea_query::Alias, JoinType};
    let (sent, agency) = (Alias::new("reach_sent"), Alias::new("reach_agency"));
    Condition::all().add(Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(notice_agency::Entity, sent.clone())
            .join_as(
                JoinType::InnerJoin,
                organisation::Entity,
                agency.clone(),
                Expr::col((agency.clone(), organisation::Column::Id)).equals((sent.clone(), notice_agency::Column::AgencyId)),
            )
            .and_where(Expr::col((sent, notice_agency::Column::NoticeId)).equals((notice::Entity, notice::Column::Id)))
            .and_where(Expr::col((agency.clone(), organisation::Column::RegulatorId)).is_in(ids.to_vec()))
            .and_where(Expr::col((agency, organisation::Column::Kind)).eq(OrgKind::Agency.code()))
            .to_owned(),
    ))
}

fn notice_ids(reach: &Reach) -> SelectStatement {
    Query::select().column((notice::Entity, notice::Column::Id)).from(notice::Entity).cond_where(notice_condition(reach)).to_owned()
}

/// The organisations whose steps a reach reads (besides the CSP's): its own and, for an agency,
/// its regulator's; for a regulator, its jurisdiction's agencies'.
fn step_authors(reach: &Reach) -> Condition {
    let csps = Query::select()
        .column((notice::Entity, notice::Column::CspId))
        .from(notice::Entity)
        .cond_where(notice_condition(reach))
        .to_owned();
    let base = Condition::any().add(step::Column::OrganisationId.in_subquery(csps));
    match reach {
        Reach::Provider { .. } => Condition::all(),
        Reach::Agency(id) => base.add(step::Column::OrganisationId.eq(*id)).add(
            step::Column::OrganisationId.in_subquery(
                Query::select()
                    .column((organisation::Entity, organisation::Column::RegulatorId))
                    .from(organisation::Entity)
                    .and_where(Expr::col((organisation::Entity, organisation::Column::Id)).eq(*id))
                    .to_owned(),
            ),
        ),
        Reach::Regulators(ids) => base
            .add(step::Column::OrganisationId.is_in(ids.clone()))
            .add(step::Column::OrganisationId.in_subquery(agencies_under(ids))),
    }
}

/// May read the change notices of its reach.
#[derive(Debug, Clone)]
pub struct ChangeReader {
    reach: Reach,
    viewer: Uuid,
    kind: OrgKind,
}

impl ChangeReader {
    pub fn viewer(&self) -> Uuid {
        self.viewer
    }

    pub fn viewer_kind(&self) -> OrgKind {
        self.kind
    }

    pub fn reach_key(&self) -> String {
        self.reach.key()
    }

    pub fn notices(&self) -> Select<notice::Entity> {
        notice::Entity::find().filter(notice_condition(&self.reach))
    }

    pub fn notice(&self, id: Uuid) -> Select<notice::Entity> {
        self.notices().filter(notice::Column::Id.eq(id))
    }

    /// The revisions of the notices in reach.
    pub fn revisions(&self, notice_id: Uuid) -> Select<revision::Entity> {
        revision::Entity::find()
            .filter(revision::Column::NoticeId.eq(notice_id))
            .filter(revision::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
    }

    pub fn files(&self, notice_id: Uuid) -> Select<file::Entity> {
        file::Entity::find().filter(file::Column::NoticeId.eq(notice_id)).filter(file::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
    }

    /// One file of a notice in reach.
    pub fn file(&self, id: Uuid) -> Select<file::Entity> {
        file::Entity::find().filter(file::Column::Id.eq(id)).filter(file::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
    }

    /// The steps the reader reads in full.
    pub fn steps(&self, notice_id: Uuid) -> Select<step::Entity> {
        step::Entity::find()
            .filter(step::Column::NoticeId.eq(notice_id))
            .filter(step::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
            .filter(step_authors(&self.reach))
    }

    /// Every step of a notice in reach, for counting only (the service keeps the kind, revision
    /// and author of each, never its text).
    pub fn counted_steps(&self, notice_id: Uuid) -> Select<step::Entity> {
        step::Entity::find().filter(step::Column::NoticeId.eq(notice_id)).filter(step::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
    }

    /// The agencies a notice in reach was sent to that the reader may name: all of them for the
    /// CSP, its jurisdiction's for a regulator, itself for an agency.
    pub fn agencies(&self, notice_id: Uuid) -> Select<notice_agency::Entity> {
        let q = notice_agency::Entity::find()
            .filter(notice_agency::Column::NoticeId.eq(notice_id))
            .filter(notice_agency::Column::NoticeId.in_subquery(notice_ids(&self.reach)));
        match &self.reach {
            Reach::Agency(id) => q.filter(notice_agency::Column::AgencyId.eq(*id)),
            Reach::Regulators(ids) => q.filter(notice_agency::Column::AgencyId.in_subquery(agencies_under(ids))),
            Reach::Provider { .. } => q,
        }
    }

    /// The notices awaiting the reader: an agency's answer, its regulator's decision on the
    /// current revision (the agency's direct regulator decides), the CSP's revision, assessment or
    /// closing.
    pub fn awaiting(&self) -> Select<notice::Entity> {
        use super::NoticeStatus as St;
        let codes = |s: &[St]| s.iter().map(|s| s.code()).collect::<Vec<_>>();
        let by_viewer = |kinds: &[super::StepKind], same_revision: bool| {
            let mut q = Query::select();
            q.column((step::Entity, step::Column::Id))
                .from(step::Entity)
                .and_where(Expr::col((step::Entity, step::Column::NoticeId)).equals((notice::Entity, notice::Column::Id)))
                .and_where(Expr::col((step::Entity, step::Column::OrganisationId)).eq(self.viewer))
                .and_where(Expr::col((step::Entity, step::Column::Kind)).is_in(kinds.iter().map(|k| k.code())));
            if same_revision {
                q.and_where(Expr::col((step::Entity, step::Column::Revision)).equals((notice::Entity, notice::Column::Revision)));
            }
            Expr::exists(q.to_owned()).not()
        };
        let affecting = |agencies: SelectStatement| {
            notice::Column::Id.in_subquery(
                Query::select()
                    .column(notice_agency::Column::NoticeId)
                    .from(notice_agency::Entity)
                    .and_where(notice_agency::Column::Affected.eq(true))
                    .and_where(notice_agency::Column::AgencyId.in_subquery(agencies))
                    .to_owned(),
            )
        };
        let open = codes(&[St::InReview, St::RevisionRequested, St::Rejected, St::Cleared]);
        let cond = match &self.reach {
            Reach::Agency(id) => Condition::all()
                .add(notice::Column::Status.is_in(open))
                .add(affecting(Query::select().expr(Expr::val(*id)).to_owned()))
                .add(by_viewer(&[super::StepKind::Acknowledged, super::StepKind::OptedOut], false)),
            Reach::Regulators(_) => Condition::all()
                .add(notice::Column::RequiresApproval.eq(true))
                .add(notice::Column::Status.is_in(open))
                .add(affecting(agencies_under(&[self.viewer])))
                .add(by_viewer(&[super::StepKind::Approved, super::StepKind::Rejected, super::StepKind::InfoRequested], true)),
            Reach::Provider { .. } => Condition::all().add(notice::Column::Status.is_in(codes(&[
                St::RevisionRequested,
                St::Rejected,
                St::Implemented,
                St::Assessed,
            ]))),
        };
        self.notices().filter(cond)
    }

    /// For a jurisdiction: each affected agency's row of every notice in review that awaits an
    /// answer — the agency's acknowledgement (or opting out), or, where the notice needs approval,
    /// a regulator's decision on its current revision. Other readers: none (the oversight is a
    /// regulator's).
    pub fn awaiting_by_agency(&self) -> Select<notice_agency::Entity> {
        use super::{NoticeStatus as St, StepKind as K};
        let Reach::Regulators(ids) = &self.reach else {
            return notice_agency::Entity::find().filter(Expr::val(false));
        };
        let kinds = |ks: &[K]| ks.iter().map(|k| k.code()).collect::<Vec<_>>();
        let step_of_notice = || {
            Query::select()
                .expr(Expr::val(1))
                .from(step::Entity)
                .and_where(Expr::col((step::Entity, step::Column::NoticeId)).equals((notice::Entity, notice::Column::Id)))
                .to_owned()
        };
        let answered = step_of_notice()
            .and_where(Expr::col((step::Entity, step::Column::OrganisationId)).equals((notice_agency::Entity, notice_agency::Column::AgencyId)))
            .and_where(Expr::col((step::Entity, step::Column::Kind)).is_in(kinds(&[K::Acknowledged, K::OptedOut])))
            .to_owned();
        let decided = step_of_notice()
            .and_where(Expr::col((step::Entity, step::Column::Kind)).is_in(kinds(&[K::Approved, K::Rejected, K::InfoRequested])))
            .and_where(Expr::col((step::Entity, step::Column::Revision)).equals((notice::Entity, notice::Column::Revision)))
            .to_owned();
        let waiting = Query::select()
            .column((notice::Entity, notice::Column::Id))
            .from(notice::Entity)
            .and_where(Expr::col((notice::Entity, notice::Column::Id)).equals((notice_agency::Entity, notice_agency::Column::NoticeId)))
            .and_where(Expr::col((notice::Entity, notice::Column::Status)).eq(St::InReview.code()))
            .cond_where(
                Condition::any()
                    .add(Expr::exists(answered).not())
                    .add(Condition::all().add(Expr::col((notice::Entity, notice::Column::RequiresApproval)).eq(true)).add(Expr::exists(decided).not())),
            )
            .to_owned();
        notice_agency::Entity::find()
            .filter(notice_agency::Column::Affected.eq(true))
            .filter(notice_agency::Column::AgencyId.in_subquery(agencies_under(ids)))
            .filter(Expr::exists(waiting))
    }

    /// Every agency a notice in reach affects, for counting and for who decides (ids only).
    pub fn counted_agencies(&self, notice_id: Uuid) -> Select<notice_agency::Entity> {
        notice_agency::Entity::find()
            .filter(notice_agency::Column::NoticeId.eq(notice_id))
            .filter(notice_agency::Column::NoticeId.in_subquery(notice_ids(&self.reach)))
    }

    /// The websites of a notice in reach that the reader may name (as with the agencies).
    pub fn websites(&self, notice_id: Uuid) -> Select<notice_website::Entity> {
        let q = notice_website::Entity::find()
            .filter(notice_website::Column::NoticeId.eq(notice_id))
            .filter(notice_website::Column::NoticeId.in_subquery(notice_ids(&self.reach)));
        match &self.reach {
            Reach::Agency(id) => q.filter(notice_website::Column::AgencyId.eq(*id)),
            Reach::Regulators(ids) => q.filter(notice_website::Column::AgencyId.in_subquery(agencies_under(ids))),
            Reach::Provider { .. } => q,
        }
    }

    /// The regulators deciding on a notice in reach: the regulators, today, of the agencies its
    /// current revision affects.
    pub fn deciders(&self, notice_id: Uuid) -> Select<organisation::Entity> {
        let affected = Query::select()
            .column((notice_agency::Entity, notice_agency::Column::AgencyId))
            .from(notice_agency::Entity)
            .and_where(Expr::col((notice_agency::Entity, notice_agency::Column::NoticeId)).eq(notice_id))
            .and_where(Expr::col((notice_agency::Entity, notice_agency::Column::Affected)).eq(true))
            .and_where(Expr::col((notice_agency::Entity, notice_agency::Column::NoticeId)).in_subquery(notice_ids(&self.reach)))
            .to_owned();
        let regulators = Query::select()
            .column((organisation::Entity, organisation::Column::RegulatorId))
            .from(organisation::Entity)
            .and_where(Expr::col((organisation::Entity, organisation::Column::Id)).in_subquery(affected))
            .to_owned();
        organisation::Entity::find()
            .filter(organisation::Column::Id.in_subquery(regulators))
            .filter(organisation::Column::Kind.eq(OrgKind::Regulator.code()))
    }
}

pub async fn change_reader<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ChangeReader> {
    let g = grant(actor, M::Changes, Access::Read)?;
    Ok(ChangeReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() })
}

/// Who writes on notices, and as which party: the CSP that gives them, an agency answering, a
/// regulator deciding. Each sees, to write, only the notices it reads.
#[derive(Debug, Clone)]
pub struct ChangeWriter {
    reader: ChangeReader,
}

impl ChangeWriter {
    pub fn organisation_id(&self) -> Uuid {
        self.reader.viewer
    }

    pub fn kind(&self) -> OrgKind {
        self.reader.kind
    }

    /// Reading what it writes on.
    pub fn reader(&self) -> &ChangeReader {
        &self.reader
    }

    /// The websites a CSP may name in a notice: those it serves under an engagement in force
    /// today (none for anyone else).
    pub fn websites(&self) -> Select<website::Entity> {
        let cond = match &self.reader.reach {
            Reach::Provider { organisation_id, today } => {
                Condition::all().add(website::Column::Id.in_subquery(websites_served(*organisation_id, *today)))
            }
            _ => Condition::all().add(website::Column::Id.is_null()),
        };
        website::Entity::find().filter(cond)
    }

    /// The CSP's engagements in force covering any of these websites (their terms apply).
    pub fn engagements_covering(&self, websites: Vec<Uuid>) -> Select<engagement::Entity> {
        match &self.reader.reach {
            Reach::Provider { organisation_id, today } => engagement::Entity::find()
                .filter(engagement::Column::Id.in_subquery(engagements_in_force(Some(*organisation_id), *today)))
                .filter(
                    engagement::Column::Id.in_subquery(
                        Query::select()
                            .column(engagement_website::Column::EngagementId)
                            .from(engagement_website::Entity)
                            .and_where(engagement_website::Column::WebsiteId.is_in(websites))
                            .to_owned(),
                    ),
                ),
            _ => engagement::Entity::find().filter(engagement::Column::Id.is_null()),
        }
    }

    /// The notice terms of engagements the writer is party to: the CSP's, or the agency's own.
    pub fn terms(&self) -> Select<terms::Entity> {
        terms::Entity::find().filter(terms::Column::EngagementId.in_subquery(self.own_engagement_ids()))
    }

    /// An agency's engagements with CSPs in force today, whose notice terms it sets.
    pub fn csp_engagements(&self, today: Date) -> Select<engagement::Entity> {
        match &self.reader.reach {
            Reach::Agency(id) => {
                let mut q = engagements_in_force(None, today);
                q.and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(*id)).and_where(
                    Expr::col((engagement::Entity, engagement::Column::Role)).eq(crate::domain::EngagementRole::Csp.code()),
                );
                engagement::Entity::find().filter(engagement::Column::Id.in_subquery(q))
            }
            _ => engagement::Entity::find().filter(engagement::Column::Id.is_null()),
        }
    }

    fn own_engagement_ids(&self) -> SelectStatement {
        let mut q = Query::select();
        q.column((engagement::Entity, engagement::Column::Id)).from(engagement::Entity);
        match &self.reader.reach {
            Reach::Agency(id) => q.and_where(Expr::col((engagement::Entity, engagement::Column::AgencyId)).eq(*id)),
            Reach::Provider { organisation_id, .. } => {
                q.and_where(Expr::col((engagement::Entity, engagement::Column::ProviderId)).eq(*organisation_id))
            }
            Reach::Regulators(_) => q.and_where(Expr::col((engagement::Entity, engagement::Column::Id)).is_null()),
        };
        q
    }

    /// A notice it may write on, locked for the write's transaction on PostgreSQL (two answers at
    /// once are taken one after the other, so the status read from the steps is never stale).
    pub fn notice_for_update(&self, id: Uuid, backend: sea_orm::DbBackend) -> Select<notice::Entity> {
        use sea_orm::QuerySelect;
        let q = self.reader.notice(id);
        if backend == sea_orm::DbBackend::Postgres {
            q.lock_exclusive()
        } else {
            // SQLite's write transaction already holds the one write lock.
            q
        }
    }

    /// Writes the rows a notice holds: only on a notice it reads (the service checks the notice
    /// through [`Self::notice_for_update`] first; these build the rows' selects for updating).
    pub fn agencies_of(&self, notice_id: Uuid) -> Select<notice_agency::Entity> {
        self.reader.counted_agencies(notice_id)
    }
}

pub async fn change_writer<C: ConnectionTrait>(db: &C, actor: &Actor, today: Date) -> ServiceResult<ChangeWriter> {
    let g = grant(actor, M::Changes, Access::Write)?;
    Ok(ChangeWriter { reader: ChangeReader { reach: g.reach(db, today).await?, viewer: g.organisation_id(), kind: g.org_kind() } })
}

/// May correct the working calendar (the platform operator).
#[derive(Debug, Clone)]
pub struct CalendarKeeper {
    _private: (),
}

impl CalendarKeeper {
    pub fn days(&self) -> Select<work_day::Entity> {
        work_day::Entity::find()
    }
}

pub fn calendar_keeper(actor: &Actor) -> ServiceResult<CalendarKeeper> {
    grant(actor, M::Calendar, Access::Write)?;
    Ok(CalendarKeeper { _private: () })
}

/// The calendar's corrections, which everyone's deadlines are counted with (no one's secret).
pub fn calendar_days() -> Select<work_day::Entity> {
    work_day::Entity::find()
}

/// Refuses anyone but a CSP for the CSP's actions (submitting a notice).
pub fn require_csp(w: &ChangeWriter) -> ServiceResult<()> {
    if w.kind() == OrgKind::Csp {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// Notices with no reminder about `what` on their current revision yet: a notice leaves the
/// reminders' work once reminded, so what the job reads stays proportional to what is newly due.
fn not_reminded(what: &str) -> Condition {
    let q = Query::select()
        .column((step::Entity, step::Column::Id))
        .from(step::Entity)
        .and_where(Expr::col((step::Entity, step::Column::NoticeId)).equals((notice::Entity, notice::Column::Id)))
        .and_where(Expr::col((step::Entity, step::Column::Revision)).equals((notice::Entity, notice::Column::Revision)))
        .and_where(Expr::col((step::Entity, step::Column::Kind)).eq(super::StepKind::Reminded.code()))
        .and_where(Expr::col((step::Entity, step::Column::Body)).eq(what))
        .to_owned();
    Condition::all().add(Expr::exists(q).not())
}

/// For the reminders, a job across tenants: notices still open whose agencies have not all
/// answered, given before `cutoff` (the earliest an acknowledgement can be two business days late).
pub(in crate::changes) fn notices_unanswered_before(cutoff: time::OffsetDateTime, what: &str) -> Select<notice::Entity> {
    use super::NoticeStatus as St;
    notice::Entity::find()
        .filter(notice::Column::Status.is_in([St::InReview, St::RevisionRequested, St::Rejected, St::Cleared].map(|s| s.code())))
        .filter(Expr::col(notice::Column::Answered).lt(Expr::col(notice::Column::Affected)))
        .filter(notice::Column::SubmittedAt.lte(cutoff))
        .filter(not_reminded(what))
}

/// For the reminders: notices needing a decision still undecided at their planned start.
pub(in crate::changes) fn notices_undecided_started(now: time::OffsetDateTime, what: &str) -> Select<notice::Entity> {
    use super::NoticeStatus as St;
    notice::Entity::find()
        .filter(notice::Column::RequiresApproval.eq(true))
        .filter(notice::Column::Emergency.eq(false))
        .filter(notice::Column::Status.is_in([St::InReview, St::RevisionRequested, St::Rejected].map(|s| s.code())))
        .filter(notice::Column::PlannedStart.lte(now))
        .filter(not_reminded(what))
}

/// For the reminders: notices implemented whose assessment is not attached.
pub(in crate::changes) fn notices_unassessed(what: &str) -> Select<notice::Entity> {
    notice::Entity::find().filter(notice::Column::Status.eq(super::NoticeStatus::Implemented.code())).filter(not_reminded(what))
}

/// For the reminders: the steps and the audience of these notices.
pub(in crate::changes) fn steps_of_notices(ids: Vec<Uuid>) -> Select<step::Entity> {
    step::Entity::find().filter(step::Column::NoticeId.is_in(ids))
}

pub(in crate::changes) fn agencies_of_notices(ids: Vec<Uuid>) -> Select<notice_agency::Entity> {
    notice_agency::Entity::find().filter(notice_agency::Column::NoticeId.is_in(ids)).filter(notice_agency::Column::Affected.eq(true))
}

/// For the reminders: the agencies' regulators (id → regulator).
pub(in crate::changes) fn regulators_of(agencies: Vec<Uuid>) -> Select<organisation::Entity> {
    organisation::Entity::find().filter(organisation::Column::Id.is_in(agencies))
}

/// Whether any notice's file row refers to these bytes: the file sweeper's one question, which
/// answers nothing of whose they are.
pub async fn bytes_referenced<C: ConnectionTrait>(conn: &C, sha256: &str) -> ServiceResult<bool> {
    use sea_orm::PaginatorTrait;
    Ok(file::Entity::find().filter(file::Column::Sha256.eq(sha256)).count(conn).await? > 0)
}
