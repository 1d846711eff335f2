//! The access matrix: every role of every organisation of the tests' world (two or more of every
//! kind) against every server function and every page, for a record of its own reach and one
//! outside it. The expected cell comes from the policy table (allowed or forbidden) and from the
//! world's declared relationships worked out here independently (own reach, or "not found"). A server
//! function or page that this file does not list makes the test fail.
use crate::common;

use std::collections::{BTreeSet, HashMap};

use app::{
    backend::{
        entity::api_token,
        policy::{access_for, Access, Module},
    },
    reports::entity::{obligation, submission},
    tenancy::{
        entity::{engagement, organisation, person, website},
        EngagementStatus, OrgKind, Role,
    },
};
use common::world::{ENGAGEMENTS, ORGS, PLATFORM_ADMIN, PLATFORM_VIEWER, SITES, TEST_WORLD};
use common::{backends, spawn, TestApp};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use server::tasks::world::OrgSpec;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Forbidden,
    NotFound,
}

fn classify(status: u16) -> Option<Outcome> {
    match status {
        200..=299 | 301 | 302 | 303 | 308 | 409 | 422 => Some(Outcome::Allowed),
        403 => Some(Outcome::Forbidden),
        404 => Some(Outcome::NotFound),
        _ => None,
    }
}

/// What a case touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Nothing,
    Website,
    Engagement,
    /// An engagement in a closed state (ending it again is a refused transition, not a change).
    ClosedEngagement,
    Person,
    /// A report obligation the organisation submits under (own) or not (other).
    Obligation,
    /// A report submission in the organisation's reach (own) or outside it (other).
    Submission,
    /// An accepted submission the organisation received (own: reviewing it again is a refused
    /// transition) or one it did not receive (other).
    Received,
    /// An accepted submission the organisation made (own: a new version is refused) or not (other).
    Submitted,
    /// One of the person's API tokens (own) or another person's (other).
    Token,
    /// One of the person's open sessions (own: a second one, not the probing client's) or another
    /// person's (other).
    Session,
    /// A file of a submission in the organisation's reach (own) or outside it (other).
    File,
    /// An obligation owed to the organisation (own) or to another (other).
    Owed,
    /// An obligation in the organisation's reach (own: a regulator's jurisdiction) or not (other).
    Reached,
    /// A duty roster the organisation sees (own: its own, its providers' through an engagement in
    /// force, its jurisdiction's agencies') or not (other).
    Roster,
    /// A duty roster of the organisation's own (own) or of another organisation (other).
    OwnRoster,
    /// A shift offer at the organisation's own roster (own: already taken, so taking or withdrawing
    /// it again is refused) or another's (other).
    Offer,
    /// A handover at its own roster (own: already acknowledged) or another's.
    Handover,
    /// A special period of its own roster (own: already published) or another's.
    Special,
    /// A duty-stood row of its own roster (own: under way, so not correctable) or another's.
    Stood,
    /// A calendar feed of one of its people (own: already revoked) or of another organisation's.
    Feed,
    /// A rotation of its own roster or of another's.
    Rotation,
    /// An agency whose whole emergency response the organisation sees (own: itself, its
    /// jurisdiction's) or not.
    ErAgency,
    /// An emergency plan the organisation sees (own) or not (other).
    ErPlan,
    /// A plan of the organisation's own agency (own: approved, so never edited) or another's.
    OwnPlan,
    /// A drill the organisation sees (own: its agency's, one it took part in under an engagement in
    /// force, its jurisdiction's) or not.
    ErDrill,
    /// A drill of the organisation's own agency (own) or another's.
    OwnDrill,
    /// A follow-up action the organisation sees (own: already closed) or not.
    ErAction,
    /// An incident the organisation sees (own: closed, so it changes no more) or not.
    ErIncident,
    /// A change notice the organisation sees (own) or not.
    Notice,
    /// A file of a change notice the organisation sees (own) or not.
    NoticeFile,
    /// A CSP engagement in force whose SLA the organisation sees (own: a party's, or its
    /// jurisdiction's agency's) or one it does not (other).
    SlaEngagement,
    /// An exit the organisation sees (own: its agency's, one of its engagements in force, its
    /// jurisdiction's agency's) or not (other).
    Exit,
}

/// Which side of an engagement a write needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Any,
    /// Agency only; a provider is forbidden.
    Agency,
    /// Provider only; an agency's writer finds nothing.
    Provider,
    /// Only a regulator compares agencies; anyone else is forbidden.
    Jurisdiction,
    /// Only a CSP gives change notices; anyone else is forbidden.
    Csp,
}

struct Case {
    /// The server function's endpoint name, or a page path.
    name: &'static str,
    /// `None`: public; `Some((module, need))`: what the policy must grant.
    need: Option<(Module, Access)>,
    target: Target,
    side: Side,
}

const fn case(name: &'static str, need: Option<(Module, Access)>, target: Target, side: Side) -> Case {
    Case { name, need, target, side }
}

use Access::{Read as R, Write as W};
use Module as M;
use Target::{
    ClosedEngagement, Engagement as Eng, ErAction, ErAgency, ErDrill, ErIncident, ErPlan, Exit as Ex, Feed, File,
    Handover, Nothing, Notice, NoticeFile, Obligation as Obl, Offer, Owed, OwnDrill, OwnPlan, OwnRoster, Person as Per,
    Reached, Received, Roster, Rotation, Session, SlaEngagement as SlaEng, Special, Stood, Submission as Sub,
    Submitted, Token, Website as Web,
};

/// Every server function. `frame` needs only a session; the invitation pair is public.
const FUNCTIONS: &[Case] = &[
    case("frame", None, Nothing, Side::Any),
    case("organisations", Some((M::Organisations, W)), Nothing, Side::Any),
    case("create_organisation", Some((M::Organisations, W)), Nothing, Side::Any),
    case("update_organisation", Some((M::Organisations, W)), Nothing, Side::Any),
    case("people", Some((M::People, W)), Nothing, Side::Any),
    case("create_person", Some((M::People, W)), Nothing, Side::Any),
    case("update_person", Some((M::People, W)), Per, Side::Any),
    case("set_person_active", Some((M::People, W)), Per, Side::Any),
    case("invite_person", Some((M::People, W)), Nothing, Side::Any),
    case("invitations", Some((M::People, W)), Nothing, Side::Any),
    case("invitation", None, Nothing, Side::Any),
    case("accept_invitation", None, Nothing, Side::Any),
    case("websites", Some((M::Websites, R)), Nothing, Side::Any),
    case("website", Some((M::Websites, R)), Web, Side::Any),
    case("create_website", Some((M::Websites, W)), Nothing, Side::Agency),
    case("update_website", Some((M::Websites, W)), Web, Side::Agency),
    case("engagements", Some((M::Engagements, R)), Nothing, Side::Any),
    case("engagement", Some((M::Engagements, R)), Eng, Side::Any),
    case("invite_provider", Some((M::Engagements, W)), Nothing, Side::Agency),
    case("answer_engagement", Some((M::Engagements, W)), Eng, Side::Provider),
    case("end_engagement", Some((M::Engagements, W)), ClosedEngagement, Side::Any),
    case("jurisdictions", Some((M::Jurisdictions, W)), Nothing, Side::Any),
    case("place_in_jurisdiction", Some((M::Jurisdictions, W)), Nothing, Side::Any),
    case("outbox", Some((M::Outbox, R)), Nothing, Side::Any),
    case("audit", Some((M::Audit, R)), Nothing, Side::Any),
    case("audit_verify", Some((M::Organisations, W)), Nothing, Side::Any),
    case("report_work", Some((M::Reports, R)), Nothing, Side::Any),
    case("report_panel", Some((M::Reports, R)), Nothing, Side::Any),
    case("submission", Some((M::Reports, R)), Sub, Side::Any),
    case("submit_form", Some((M::Reports, W)), Obl, Side::Any),
    case("review_submission", Some((M::ReportReview, W)), Received, Side::Any),
    case("create_obligation", Some((M::ReportReview, W)), Nothing, Side::Any),
    case("end_obligation", Some((M::ReportReview, W)), Owed, Side::Any),
    case("remind_overdue", Some((M::ReportReview, W)), Reached, Side::Jurisdiction),
    case("find_obligation_agencies", Some((M::ReportReview, W)), Nothing, Side::Any),
    case("report_matrix", Some((M::Reports, R)), Nothing, Side::Jurisdiction),
    case("api_tokens", None, Nothing, Side::Any),
    case("create_api_token", None, Nothing, Side::Any),
    case("revoke_api_token", None, Token, Side::Any),
    case("account_security", None, Nothing, Side::Any),
    // Everyone's own digest settings; what it tells of is read through each module's reader.
    case("digest_settings", None, Nothing, Side::Any),
    case("digest_preview", None, Nothing, Side::Any),
    case("save_digest", None, Nothing, Side::Any),
    // Before ending the others, which would end the own cell's session first.
    case("end_session", None, Session, Side::Any),
    case("end_other_sessions", None, Nothing, Side::Any),
    case("second_factor", None, Nothing, Side::Any),
    case("begin_second_factor", None, Nothing, Side::Any),
    case("confirm_second_factor", None, Nothing, Side::Any),
    case("new_recovery_codes", None, Nothing, Side::Any),
    case("turn_off_second_factor", None, Nothing, Side::Any),
    case("set_admins_second_factor", Some((M::Organisations, W)), Nothing, Side::Any),
    case("admins_second_factor", Some((M::Organisations, W)), Nothing, Side::Any),
    case("end_person_sessions", Some((M::People, W)), Per, Side::Any),
    case("reset_person_second_factor", Some((M::People, W)), Per, Side::Any),
    case("set_second_factor_required", Some((M::People, W)), Nothing, Side::Any),
    case("unlock_person", Some((M::People, W)), Per, Side::Any),
    case("rosters", Some((M::Rosters, R)), Nothing, Side::Any),
    case("roster", Some((M::Rosters, R)), Roster, Side::Any),
    case("roster_quality", Some((M::Rosters, R)), Roster, Side::Any),
    case("create_roster", Some((M::Rosters, W)), Nothing, Side::Any),
    case("add_rotation", Some((M::Rosters, W)), OwnRoster, Side::Any),
    case("add_override", Some((M::Rosters, W)), OwnRoster, Side::Any),
    case("edit_rotation", Some((M::Rosters, W)), Rotation, Side::Any),
    case("create_special", Some((M::Rosters, W)), OwnRoster, Side::Any),
    case("duty_overview", Some((M::Rosters, R)), Nothing, Side::Any),
    case("my_duty", Some((M::Rosters, R)), Nothing, Side::Any),
    case("offer_shift", Some((M::Duty, W)), OwnRoster, Side::Any),
    case("take_offer", Some((M::Duty, W)), Offer, Side::Any),
    case("withdraw_offer", Some((M::Duty, W)), Offer, Side::Any),
    case("reassign_shift", Some((M::Rosters, W)), OwnRoster, Side::Any),
    case("write_handover", Some((M::Duty, W)), OwnRoster, Side::Any),
    case("acknowledge_handover", Some((M::Duty, W)), Handover, Side::Any),
    case("write_status_report", Some((M::Duty, W)), Special, Side::Any),
    case("publish_special", Some((M::Rosters, W)), Special, Side::Any),
    case("add_fixed_shift", Some((M::Rosters, W)), Special, Side::Any),
    case("correct_stood", Some((M::Rosters, W)), Stood, Side::Any),
    case("calendar_feeds", Some((M::Duty, W)), Nothing, Side::Any),
    case("create_calendar_feed", Some((M::Duty, W)), OwnRoster, Side::Any),
    case("revoke_calendar_feed", Some((M::Duty, W)), Feed, Side::Any),
    case("emergency", Some((M::Emergency, R)), Nothing, Side::Any),
    case("drill_overview", Some((M::Emergency, R)), Nothing, Side::Jurisdiction),
    case("emergency_agency", Some((M::Emergency, R)), ErAgency, Side::Any),
    case("plan", Some((M::Emergency, R)), ErPlan, Side::Any),
    case("create_plan", Some((M::Emergency, W)), Nothing, Side::Agency),
    case("save_plan_draft", Some((M::Emergency, W)), OwnPlan, Side::Agency),
    case("approve_plan", Some((M::Emergency, W)), OwnPlan, Side::Agency),
    case("save_contacts", Some((M::Emergency, W)), Eng, Side::Provider),
    case("record_drill", Some((M::Emergency, W)), Nothing, Side::Agency),
    case("drill", Some((M::Emergency, R)), ErDrill, Side::Any),
    case("add_drill_actions", Some((M::Emergency, W)), OwnDrill, Side::Agency),
    case("follow_up_action", Some((M::Emergency, R)), ErAction, Side::Any),
    case("close_action", Some((M::Emergency, W)), ErAction, Side::Any),
    case("set_restore_interval", Some((M::Emergency, W)), Nothing, Side::Agency),
    case("incidents", Some((M::Incidents, R)), Nothing, Side::Any),
    case("incident", Some((M::Incidents, R)), ErIncident, Side::Any),
    case("open_incident", Some((M::Incidents, W)), Nothing, Side::Any),
    case("record_milestone", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("add_incident_entry", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("pin_incident_entry", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("change_incident_level", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("incident_transition", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("add_review_actions", Some((M::Emergency, W)), ErIncident, Side::Agency),
    case("improvement_plan", Some((M::Emergency, R)), Sub, Side::Any),
    case("add_improvement_items", Some((M::Emergency, W)), Sub, Side::Agency),
    case("changes", Some((M::Changes, R)), Nothing, Side::Any),
    case("change_calendar", Some((M::Changes, R)), Nothing, Side::Any),
    case("change_terms", Some((M::Changes, W)), Nothing, Side::Agency),
    case("set_change_terms", Some((M::Changes, W)), Nothing, Side::Agency),
    case("work_days", Some((M::Calendar, W)), Nothing, Side::Any),
    case("set_work_day", Some((M::Calendar, W)), Nothing, Side::Any),
    case("change", Some((M::Changes, R)), Notice, Side::Any),
    case("change_form", Some((M::Changes, W)), Nothing, Side::Csp),
    case("submit_change", Some((M::Changes, W)), Nothing, Side::Csp),
    case("revise_change", Some((M::Changes, W)), Notice, Side::Csp),
    case("change_step", Some((M::Changes, W)), Notice, Side::Any),
    case("sla", Some((M::Sla, R)), Nothing, Side::Any),
    case("sla_engagement", Some((M::Sla, R)), SlaEng, Side::Any),
    case("sla_month", Some((M::Sla, R)), SlaEng, Side::Any),
    case("sla_year", Some((M::Sla, R)), SlaEng, Side::Any),
    case("propose_sla", Some((M::Sla, W)), SlaEng, Side::Any),
    case("answer_sla", Some((M::Sla, W)), SlaEng, Side::Any),
    case("record_sla", Some((M::Sla, W)), SlaEng, Side::Any),
    case("finish_sla_record", Some((M::Sla, W)), SlaEng, Side::Any),
    case("review_sla_record", Some((M::Sla, W)), SlaEng, Side::Any),
    case("reclassify_sla_record", Some((M::Sla, W)), SlaEng, Side::Any),
    case("measure_sla", Some((M::Sla, W)), SlaEng, Side::Any),
    case("withdraw_sla_measure", Some((M::Sla, W)), SlaEng, Side::Any),
    case("exits", Some((M::Exit, R)), Nothing, Side::Any),
    case("exit", Some((M::Exit, R)), Ex, Side::Any),
    case("open_exit", Some((M::Exit, W)), Nothing, Side::Agency),
    case("exit_act", Some((M::Exit, W)), Ex, Side::Any),
    case("oversight_board", Some((M::Oversight, R)), Nothing, Side::Any),
    case("oversight_agency", Some((M::Oversight, R)), ErAgency, Side::Any),
    case("oversight_report", Some((M::Oversight, R)), Nothing, Side::Any),
    // Last: it forces the actor's own password to be changed.
    case("reset_person_password", Some((M::People, W)), Per, Side::Any),
];

/// Every page route (as the router lists them).
const PAGES: &[Case] = &[
    case("/", None, Nothing, Side::Any),
    case("/login", None, Nothing, Side::Any),
    case("/invite/{token}", None, Nothing, Side::Any),
    case("/account/password", None, Nothing, Side::Any),
    case("/account/security", None, Nothing, Side::Any),
    case("/login/code", None, Nothing, Side::Any),
    case("/organisations", Some((M::Organisations, W)), Nothing, Side::Any),
    case("/people", Some((M::People, W)), Nothing, Side::Any),
    case("/people/{id}/deactivate", Some((M::People, W)), Per, Side::Any),
    case("/people/{id}/reset-password", Some((M::People, W)), Per, Side::Any),
    case("/audit", Some((M::Audit, R)), Nothing, Side::Any),
    case("/websites", Some((M::Websites, R)), Nothing, Side::Any),
    case("/websites/{id}", Some((M::Websites, R)), Web, Side::Any),
    case("/engagements", Some((M::Engagements, R)), Nothing, Side::Any),
    case("/engagements/{id}", Some((M::Engagements, R)), Eng, Side::Any),
    // The confirmation pages: each shows the record's facts (or that it is closed) to whoever may
    // read it; the step itself is the server function's, checked there.
    case("/engagements/{id}/end", Some((M::Engagements, R)), Eng, Side::Any),
    case("/engagements/{id}/decline", Some((M::Engagements, R)), Eng, Side::Any),
    case("/jurisdictions", Some((M::Jurisdictions, W)), Nothing, Side::Any),
    case("/reports", Some((M::Reports, R)), Nothing, Side::Any),
    case("/reports/matrix", Some((M::Reports, R)), Nothing, Side::Jurisdiction),
    case("/reports/submit/{id}", Some((M::Reports, W)), Obl, Side::Any),
    case("/reports/submissions/{id}", Some((M::Reports, R)), Sub, Side::Any),
    case("/account/tokens", None, Nothing, Side::Any),
    case("/rosters", Some((M::Rosters, R)), Nothing, Side::Any),
    case("/rosters/{id}", Some((M::Rosters, R)), Roster, Side::Any),
    case("/duty", Some((M::Rosters, R)), Nothing, Side::Any),
    case("/emergency", Some((M::Emergency, R)), Nothing, Side::Any),
    case("/emergency/plans/{id}", Some((M::Emergency, R)), ErPlan, Side::Any),
    case("/emergency/plans/{id}/approve", Some((M::Emergency, R)), ErPlan, Side::Any),
    case("/emergency/drills/{id}", Some((M::Emergency, R)), ErDrill, Side::Any),
    case("/emergency/agencies/{id}", Some((M::Emergency, R)), ErAgency, Side::Any),
    case("/emergency/actions/{id}/close", Some((M::Emergency, R)), ErAction, Side::Any),
    case("/incidents", Some((M::Incidents, R)), Nothing, Side::Any),
    case("/incidents/{id}", Some((M::Incidents, R)), ErIncident, Side::Any),
    case("/incidents/{id}/close", Some((M::Incidents, R)), ErIncident, Side::Any),
    case("/changes", Some((M::Changes, R)), Nothing, Side::Any),
    case("/changes/new", Some((M::Changes, W)), Nothing, Side::Csp),
    case("/changes/calendar", Some((M::Changes, R)), Nothing, Side::Any),
    case("/changes/terms", Some((M::Changes, W)), Nothing, Side::Agency),
    case("/work-calendar", Some((M::Calendar, W)), Nothing, Side::Any),
    case("/changes/{id}", Some((M::Changes, R)), Notice, Side::Any),
    case("/changes/{id}/revise", Some((M::Changes, W)), Notice, Side::Csp),
    case("/changes/{id}/confirm", Some((M::Changes, R)), Notice, Side::Any),
    case("/sla", Some((M::Sla, R)), Nothing, Side::Any),
    case("/sla/{id}", Some((M::Sla, R)), SlaEng, Side::Any),
    case("/sla/{id}/report", Some((M::Sla, R)), SlaEng, Side::Any),
    case("/sla/{id}/year", Some((M::Sla, R)), SlaEng, Side::Any),
    case("/exits", Some((M::Exit, R)), Nothing, Side::Any),
    case("/exits/{id}", Some((M::Exit, R)), Ex, Side::Any),
    case("/exits/{id}/confirm", Some((M::Exit, R)), Ex, Side::Any),
    case("/exits/{id}/record", Some((M::Exit, R)), Ex, Side::Any),
    case("/oversight", Some((M::Oversight, R)), Nothing, Side::Any),
    case("/oversight/agencies/{id}", Some((M::Oversight, R)), ErAgency, Side::Any),
    case("/oversight/report", Some((M::Oversight, R)), Nothing, Side::Any),
    case("/oversight/agencies/{id}/report", Some((M::Oversight, R)), ErAgency, Side::Any),
];

/// The plain routes (`server::plain_routes()`, the list the router is built from): forms without
/// JavaScript, downloads, exports, the upload. `POST /logout` is tried on a session of its own.
const ROUTES: &[Case] = &[
    case("POST /login", None, Nothing, Side::Any),
    case("POST /login/code", None, Nothing, Side::Any),
    case("POST /logout", None, Nothing, Side::Any),
    case("POST /account/password", None, Nothing, Side::Any),
    case("POST /locale", None, Nothing, Side::Any),
    case("POST /account/preferences", None, Nothing, Side::Any),
    case("GET /audit/export.csv", Some((M::Audit, R)), Nothing, Side::Any),
    case("GET /websites/export.csv", Some((M::Websites, R)), Nothing, Side::Any),
    case("GET /reports/export.csv", Some((M::Reports, R)), Nothing, Side::Any),
    case("GET /reports/matrix.csv", Some((M::Reports, R)), Nothing, Side::Jurisdiction),
    case("GET /rosters/overview.csv", Some((M::Rosters, R)), Nothing, Side::Any),
    case("GET /rosters/{id}/hours.csv", Some((M::Rosters, R)), Roster, Side::Any),
    case("GET /emergency/drills.csv", Some((M::Emergency, R)), Nothing, Side::Jurisdiction),
    case("GET /incidents/export.csv", Some((M::Incidents, R)), Nothing, Side::Any),
    case("GET /changes/{id}/export.json", Some((M::Changes, R)), Notice, Side::Any),
    case("POST /changes/{id}/files", Some((M::Changes, W)), Notice, Side::Csp),
    case("GET /changes/files/{id}", Some((M::Changes, R)), NoticeFile, Side::Any),
    case("GET /sla/export.csv", Some((M::Sla, R)), Nothing, Side::Any),
    case("GET /sla/{id}/months.csv", Some((M::Sla, R)), SlaEng, Side::Any),
    case("GET /sla/{id}/records.csv", Some((M::Sla, R)), SlaEng, Side::Any),
    case("GET /sla/{id}/measures.csv", Some((M::Sla, R)), SlaEng, Side::Any),
    // The feed's secret alone is the capability: anyone holding it reads the feed.
    case("GET /calendar/{token}", None, Nothing, Side::Any),
    case("GET /reports/files/{id}", Some((M::Reports, R)), File, Side::Any),
    case("POST /reports/submit", Some((M::Reports, W)), Nothing, Side::Any),
    case("GET /exits/export.csv", Some((M::Exit, R)), Nothing, Side::Any),
    case("GET /oversight/export.csv", Some((M::Oversight, R)), Nothing, Side::Any),
    case("POST /exits/{id}/items", Some((M::Exit, W)), Ex, Side::Any),
    case("POST /exits/{id}/items/{item}", Some((M::Exit, W)), Ex, Side::Any),
    case("POST /exits/{id}/items/{item}/verify", Some((M::Exit, W)), Ex, Side::Any),
    case("GET /exits/files/{id}", Some((M::Exit, R)), Ex, Side::Any),
    case("GET /organisation/archive.zip", Some((M::Portability, W)), Nothing, Side::Agency),
    case("GET /healthz", None, Nothing, Side::Any),
    case("GET /favicon.ico", None, Nothing, Side::Any),
];

/// The machine API, with a token of each person.
const API: &[Case] = &[
    case("GET /api/v1/obligations", Some((M::Reports, R)), Nothing, Side::Any),
    case("GET /api/v1/submissions", Some((M::Reports, R)), Nothing, Side::Any),
    case("GET /api/v1/submissions/{id}", Some((M::Reports, R)), Sub, Side::Any),
    case("POST /api/v1/submissions", Some((M::Reports, W)), Nothing, Side::Any),
    case("POST /api/v1/submissions/{id}/versions", Some((M::Reports, W)), Submitted, Side::Any),
    case("GET /api/v1/duty/now", Some((M::Rosters, R)), Nothing, Side::Any),
    case("GET /api/v1/rosters/{id}/timeline", Some((M::Rosters, R)), Roster, Side::Any),
    case("POST /api/v1/rosters/{id}/overrides", Some((M::Rosters, W)), OwnRoster, Side::Any),
    case("GET /api/v1/incidents", Some((M::Incidents, R)), Nothing, Side::Any),
    case("GET /api/v1/incidents/{id}", Some((M::Incidents, R)), ErIncident, Side::Any),
    case("POST /api/v1/incidents", Some((M::Incidents, W)), Nothing, Side::Any),
    case("POST /api/v1/incidents/{id}/entries", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("POST /api/v1/incidents/{id}/milestones", Some((M::Incidents, W)), ErIncident, Side::Any),
    case("GET /api/v1/changes", Some((M::Changes, R)), Nothing, Side::Any),
    case("GET /api/v1/changes/{id}", Some((M::Changes, R)), Notice, Side::Any),
    case("POST /api/v1/changes", Some((M::Changes, W)), Nothing, Side::Csp),
    case("POST /api/v1/changes/{id}/revisions", Some((M::Changes, W)), Notice, Side::Csp),
    case("POST /api/v1/changes/{id}/implementation", Some((M::Changes, W)), Notice, Side::Csp),
    case("POST /api/v1/changes/{id}/steps", Some((M::Changes, W)), Notice, Side::Any),
    case("POST /api/v1/changes/{id}/files", Some((M::Changes, W)), Notice, Side::Csp),
    case("GET /api/v1/sla", Some((M::Sla, R)), Nothing, Side::Any),
    case("GET /api/v1/sla/{id}/months", Some((M::Sla, R)), SlaEng, Side::Any),
    case("GET /api/v1/sla/{id}/months/{month}", Some((M::Sla, R)), SlaEng, Side::Any),
    case("POST /api/v1/sla/{id}/records", Some((M::Sla, W)), SlaEng, Side::Any),
    case("POST /api/v1/sla/{id}/measures", Some((M::Sla, W)), SlaEng, Side::Any),
    case("POST /api/v1/sla/{id}/records/{record_id}/completion", Some((M::Sla, W)), SlaEng, Side::Any),
    case("POST /api/v1/sla/{id}/records/{record_id}/review", Some((M::Sla, W)), SlaEng, Side::Any),
    case("POST /api/v1/sla/{id}/records/{record_id}/reclassification", Some((M::Sla, W)), SlaEng, Side::Any),
    case("GET /api/v1/exits", Some((M::Exit, R)), Nothing, Side::Any),
    case("GET /api/v1/exits/{id}", Some((M::Exit, R)), Ex, Side::Any),
    case("POST /api/v1/exits", Some((M::Exit, W)), Nothing, Side::Agency),
    case("POST /api/v1/exits/{id}/actions", Some((M::Exit, W)), Ex, Side::Any),
    case("POST /api/v1/exits/{id}/items", Some((M::Exit, W)), Ex, Side::Any),
    case("POST /api/v1/exits/{id}/items/{item}/verification", Some((M::Exit, W)), Ex, Side::Any),
];

/// The world's relationships, worked out from its declaration in `common/world.rs`, not from the policy.
struct World {
    website_ids: HashMap<&'static str, Uuid>,
    /// (agency key, provider key, status) → id
    engagement_ids: Vec<(&'static str, &'static str, EngagementStatus, Uuid)>,
    person_ids: HashMap<String, Uuid>,
    /// Report obligations: (id, submitter key, receiver key, agency key, engagement in force or none).
    obligations: Vec<Obl5>,
    /// Submissions: (id, obligation id, accepted).
    submissions: Vec<(Uuid, Uuid, bool)>,
    /// Person email → (token secret, token id).
    tokens: HashMap<String, (String, Uuid)>,
    /// A session row of each person besides its probing client's.
    sessions: HashMap<String, Uuid>,
    /// Stored files: (id, submission id).
    files: Vec<(Uuid, Uuid)>,
    /// Each organisation's regulator today (after the world's move).
    regulator_of: HashMap<&'static str, Option<&'static str>>,
    /// Duty rosters: (id, organisation key).
    rosters: Vec<(Uuid, &'static str)>,
    /// Each roster organisation's taken offer, acknowledged handover, published special period,
    /// open stood row and revoked feed: (id, organisation key).
    offers: Vec<(Uuid, &'static str)>,
    handovers: Vec<(Uuid, &'static str)>,
    specials: Vec<(Uuid, &'static str)>,
    stood: Vec<(Uuid, &'static str)>,
    feeds: Vec<(Uuid, &'static str)>,
    rotations: Vec<(Uuid, &'static str)>,
    /// Emergency response's records (see [`er_fixtures`]).
    er: Vec<ErRecord>,
    /// Change notices (see [`change_fixtures`]): id, CSP, and the websites they name.
    notices: Vec<(Uuid, &'static str, Vec<&'static str>)>,
    /// Each notice's attachment.
    notice_files: HashMap<Uuid, Uuid>,
    /// Exits (see [`exit_fixtures`]): id, agency, provider, its item on media and its item with a file.
    exits: Vec<(Uuid, &'static str, &'static str, Uuid, Uuid)>,
}

/// What an emergency record is, for the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErKind {
    /// An agency with emergency records, as a jurisdiction opens it from the overview.
    Agency,
    Plan,
    Drill,
    Action,
    Incident,
}

/// An emergency record of the world: its agency, the providers it names (a drill's participants,
/// an action's owner) and the website it is on (an incident's).
#[derive(Clone, Debug)]
struct ErRecord {
    kind: ErKind,
    id: Uuid,
    agency: &'static str,
    providers: Vec<&'static str>,
    site: Option<&'static str>,
}

/// The agencies the matrix gives emergency records: one with its CSP in force, one whose CSP
/// engagement ended (a drill and an action still name that CSP), one whose CSP declined.
const ER_AGENCIES: &[(&str, &str, &str, &[&str])] = &[
    // (agency, incident's domain, action's owner, every provider named in the drill)
    ("agency", "www.demo.gov.cn", "csp", &["csp", "developer"]),
    ("transport", "jtj.xizhou.gov.cn", "csp2", &["csp3", "csp2"]),
    ("culture", "lvyou.linsheng.gov.cn", "developer2", &["developer2", "csp"]),
];

/// The secret of a live calendar feed (the agency's duty officer's shifts).
const LIVE_FEED: &str = "cal_matrix_live";

/// The organisations the matrix gives a duty roster: an agency with a CSP in force, that CSP,
/// an agency whose CSP engagement ended (transport) and one whose invitation was declined
/// (culture), the declining CSP's sibling, an assessor and a supplier.
const ROSTER_ORGS: &[&str] = &["agency", "csp", "csp2", "transport", "culture", "assessor", "security-service"];

/// An obligation as the world knows it: (id, submitter, receiver, agency, reachable by its submitter).
type Obl5 = (Uuid, &'static str, &'static str, &'static str, bool);

fn org(key: &str) -> &'static OrgSpec {
    common::world::org_of(key)
}

impl World {
    /// Whether `regulator` is `agency`'s regulator or above it, in today's tree.
    fn in_jurisdiction(&self, regulator: &str, agency: &str) -> bool {
        let mut at = self.regulator_of.get(agency).copied().flatten();
        let mut steps = 0;
        while let Some(r) = at {
            if r == regulator {
                return true;
            }
            steps += 1;
            if steps > 64 {
                break;
            }
            at = self.regulator_of.get(r).copied().flatten();
        }
        false
    }

    /// The world grows what no service writes today: an obligation on the declined invitation (as
    /// data from before obligations needed an accepted engagement), and a stored file.
    async fn extend(app: &TestApp) {
        let id_of = |key: &str| {
            let name = org(key).name;
            let db = app.db.clone();
            async move {
                organisation::Entity::find()
                    .filter(organisation::Column::Name.eq(name))
                    .one(&db)
                    .await
                    .expect("query")
                    .expect("org")
                    .id
            }
        };
        let (agency, provider) = (id_of("culture").await, id_of("csp").await);
        let engagement_id = engagement::Entity::find()
            .filter(engagement::Column::AgencyId.eq(agency))
            .filter(engagement::Column::ProviderId.eq(provider))
            .filter(engagement::Column::Status.eq(EngagementStatus::Declined.code()))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the world's declined invitation")
            .id;
        let now = app.now();
        let culture_admin = person::Entity::find()
            .filter(person::Column::Email.eq("admin@culture.example"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("culture's administrator")
            .id;
        obligation::ActiveModel {
            id: Set(Uuid::new_v4()),
            kind: Set("csp_monthly".into()),
            submitter_id: Set(provider),
            receiver_id: Set(agency),
            agency_id: Set(agency),
            engagement_id: Set(Some(engagement_id)),
            cadence: Set("monthly".into()),
            due_day: Set(10),
            first_period: Set(time::macros::date!(2026 - 01 - 01)),
            last_period: Set(None),
            created_by: Set(culture_admin),
            created_at: Set(now),
            ended_on: Set(None),
            end_reason: Set(None),
            ended_by: Set(None),
        }
        .insert(&app.db)
        .await
        .expect("obligation on a declined invitation");
        app.changed();
        // A file: the agency sets an obligation on its CSP, which submits October with a PDF.
        let agency_admin = app.signed_in("admin@agency.example").await;
        let engagement = engagement::Entity::find()
            .filter(engagement::Column::AgencyId.eq(id_of("agency").await))
            .filter(engagement::Column::ProviderId.eq(id_of("csp").await))
            .one(&app.db)
            .await
            .expect("query")
            .expect("engagement");
        let res = agency_admin
            .post(app.url("/api/create_obligation"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .form(&[
                ("kind", "csp_monthly".to_string()),
                ("engagement_id", engagement.id.to_string()),
                ("cadence", "monthly".into()),
                ("due_day", "10".into()),
                ("first_period", "2026-10".into()),
            ])
            .send()
            .await
            .expect("obligation");
        assert_eq!(res.status(), 200);
        let obligation_id: String = res.json().await.expect("id");
        let csp = app.signed_in("security@csp.example").await;
        let mut form = reqwest::multipart::Form::new()
            .text("obligation_id", obligation_id)
            .text("period", "2026-10")
            .text("availability_pct", "99.9")
            .text("incidents", "0")
            .text("patches_applied", "1")
            .text("backups_succeeded", "30")
            .text("backups_failed", "0")
            .text("attacks_blocked", "0");
        for p in ["vulnerabilities_found", "vulnerabilities_fixed"] {
            for sev in ["critical", "high", "medium", "low"] {
                form = form.text(format!("{p}.{sev}"), "0");
            }
        }
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        form = form.part("files", reqwest::multipart::Part::bytes(pdf).file_name("october.pdf"));
        let res = csp
            .post(app.url("/reports/submit"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("submit");
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
        // A duty roster for each of ROSTER_ORGS, set up by its administrator through the service.
        for key in ROSTER_ORGS {
            let email = format!("admin@{key}.example");
            let pid = person::Entity::find()
                .filter(person::Column::Email.eq(email.as_str()))
                .one(&app.db)
                .await
                .expect("query")
                .expect("administrator")
                .id;
            let admin =
                app::auth::actor::load_actor(&app.db, pid, "Asia/Shanghai").await.expect("load").expect("active");
            let meta =
                app::backend::request::RequestMeta { request_id: "matrix".into(), source_addr: None, user_agent: None };
            let by = app::backend::actor::Acting { actor: &admin, meta: &meta, now };
            let mgr = app::rosters::scope::roster_manager(&admin).expect("manager");
            let input = app::rosters::RosterInput { name: format!("{key} duty"), ..Default::default() };
            let roster = app::rosters::service::create_roster(&app.db, &by, &mgr, &input).await.expect("roster");
            duty_fixtures(app, key, roster, pid, now).await;
        }
        er_fixtures(app, now).await;
        change_fixtures(app, now).await;
        exit_fixtures(app, now).await;
        app.changed();
    }

    /// Rows of one organisation's duty no service would leave in these states in one step: written
    /// as data, so each id-based duty function has an own record to refuse and another's to miss.
    async fn load_duty(app: &TestApp, rosters: &[(Uuid, &'static str)]) -> [Vec<(Uuid, &'static str)>; 6] {
        use app::rosters::entity::{calendar_feed, handover, offer, rotation, special, stood};
        let key = |roster: Uuid| rosters.iter().find(|r| r.0 == roster).map(|r| r.1).expect("a roster of the world");
        let offers = offer::Entity::find()
            .all(&app.db)
            .await
            .expect("offers")
            .into_iter()
            .map(|o| (o.id, key(o.roster_id)))
            .collect();
        let handovers = handover::Entity::find()
            .all(&app.db)
            .await
            .expect("handovers")
            .into_iter()
            .map(|h| (h.id, key(h.roster_id)))
            .collect();
        let specials = special::Entity::find()
            .all(&app.db)
            .await
            .expect("specials")
            .into_iter()
            .map(|p| (p.id, key(p.roster_id)))
            .collect();
        let stood = stood::Entity::find()
            .all(&app.db)
            .await
            .expect("stood")
            .into_iter()
            .map(|s| (s.id, key(s.roster_id)))
            .collect();
        let people: HashMap<Uuid, Uuid> = person::Entity::find()
            .all(&app.db)
            .await
            .expect("people")
            .into_iter()
            .map(|p| (p.id, p.organisation_id))
            .collect();
        let orgs: HashMap<Uuid, String> = organisation::Entity::find()
            .all(&app.db)
            .await
            .expect("orgs")
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let feeds = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::RevokedAt.is_not_null())
            .all(&app.db)
            .await
            .expect("feeds")
            .into_iter()
            .map(|f| {
                let name = &orgs[&people[&f.person_id]];
                (f.id, ORGS.iter().find(|o| o.name == name).map(|o| o.key).expect("an organisation of the world"))
            })
            .collect();
        let rotations = rotation::Entity::find()
            .all(&app.db)
            .await
            .expect("rotations")
            .into_iter()
            .map(|r| (r.id, key(r.roster_id)))
            .collect();
        [offers, handovers, specials, stood, feeds, rotations]
    }

    async fn load(app: &TestApp) -> World {
        let mut website_ids = HashMap::new();
        for s in SITES {
            let ascii = app::tenancy::rules::Domain::parse(s.domain).expect("a declared domain").ascii;
            let w = website::Entity::find()
                .filter(website::Column::DomainAscii.eq(ascii))
                .one(&app.db)
                .await
                .expect("query")
                .expect("website");
            website_ids.insert(s.domain, w.id);
        }
        let orgs: HashMap<Uuid, String> = organisation::Entity::find()
            .all(&app.db)
            .await
            .expect("orgs")
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let key_of = |id: Uuid| -> &'static str {
            let name = &orgs[&id];
            ORGS.iter().find(|o| o.name == name).map(|o| o.key).expect("an organisation of the world")
        };
        let engagement_ids = engagement::Entity::find()
            .all(&app.db)
            .await
            .expect("engagements")
            .into_iter()
            .map(|e| {
                (key_of(e.agency_id), key_of(e.provider_id), EngagementStatus::parse(&e.status).expect("status"), e.id)
            })
            .collect();
        let person_ids: HashMap<String, Uuid> =
            person::Entity::find().all(&app.db).await.expect("people").into_iter().map(|p| (p.email, p.id)).collect();
        // The portal's day: the test clock stands at 2026-11-25 02:00 UTC (10:00 in Shanghai).
        let today = time::macros::date!(2026 - 11 - 25);
        let in_force: HashMap<Uuid, bool> = engagement::Entity::find()
            .all(&app.db)
            .await
            .expect("engagements")
            .into_iter()
            .map(|e| {
                let active = e.status == EngagementStatus::Active.code();
                (e.id, active && e.starts_on <= today && today <= e.ends_on)
            })
            .collect();
        let obligations = obligation::Entity::find()
            .all(&app.db)
            .await
            .expect("obligations")
            .into_iter()
            .map(|o| {
                let reachable = o.engagement_id.is_none_or(|e| in_force[&e]);
                (o.id, key_of(o.submitter_id), key_of(o.receiver_id), key_of(o.agency_id), reachable)
            })
            .collect();
        let files = app::reports::entity::file::Entity::find()
            .all(&app.db)
            .await
            .expect("files")
            .into_iter()
            .map(|f| (f.id, f.version_id))
            .collect::<Vec<_>>();
        let version_submission: HashMap<Uuid, Uuid> = app::reports::entity::version::Entity::find()
            .all(&app.db)
            .await
            .expect("versions")
            .into_iter()
            .map(|v| (v.id, v.submission_id))
            .collect();
        let files = files.into_iter().map(|(id, version)| (id, version_submission[&version])).collect();
        // Today's tree as declared: the world's move made.
        let regulator_of = TEST_WORLD.regulator_of();
        let submissions = submission::Entity::find()
            .all(&app.db)
            .await
            .expect("submissions")
            .into_iter()
            .map(|s| (s.id, s.obligation_id, s.status == "accepted"))
            .collect();
        let mut tokens = HashMap::new();
        for email in person_ids.keys() {
            let secret = app::auth::tokens::issue_for(&app.db, app.now(), email, "matrix", 30).await.expect("token");
            let id = api_token::Entity::find()
                .filter(api_token::Column::TokenHash.eq(app::auth::tokens::hash_token(&secret)))
                .one(&app.db)
                .await
                .expect("query")
                .expect("token row")
                .id;
            tokens.insert(email.clone(), (secret, id));
        }
        let mut sessions = HashMap::new();
        for (email, person) in &person_ids {
            use app::auth::entity::person_session;
            use sea_orm::ActiveValue::Set;
            let id = Uuid::now_v7();
            person_session::Entity::insert(person_session::ActiveModel {
                id: Set(id),
                person_id: Set(*person),
                signed_in_at: Set(app.now()),
                last_seen_at: Set(app.now()),
                ended_at: Set(None),
                end_reason: Set(None),
                ended_by: Set(None),
                address: Set(Some("192.0.2.1".into())),
                network: Set(Some("192.0.2.0/24".into())),
                browser: Set("Firefox".into()),
                platform: Set("Linux".into()),
                new_network: Set(false),
                new_browser: Set(false),
            })
            .exec_without_returning(&app.db)
            .await
            .expect("a session row");
            sessions.insert(email.clone(), id);
        }
        let rosters: Vec<(Uuid, &'static str)> = app::rosters::entity::roster::Entity::find()
            .all(&app.db)
            .await
            .expect("rosters")
            .into_iter()
            .map(|r| (r.id, key_of(r.organisation_id)))
            .collect();
        let [offers, handovers, specials, stood, feeds, rotations] = World::load_duty(app, &rosters).await;
        let er = World::load_er(app, &key_of).await;
        let notices = World::load_notices(app, &key_of).await;
        let notice_files = app::changes::entity::file::Entity::find()
            .all(&app.db)
            .await
            .expect("notice files")
            .into_iter()
            .map(|f| (f.notice_id, f.id))
            .collect();
        let exits = World::load_exits(app, &key_of).await;
        World {
            website_ids,
            engagement_ids,
            person_ids,
            obligations,
            submissions,
            tokens,
            sessions,
            files,
            regulator_of,
            rosters,
            offers,
            handovers,
            specials,
            stood,
            feeds,
            rotations,
            er,
            notices,
            notice_files,
            exits,
        }
    }

    /// The exits [`exit_fixtures`] wrote, each with its two items.
    async fn load_exits(
        app: &TestApp,
        key_of: &dyn Fn(Uuid) -> &'static str,
    ) -> Vec<(Uuid, &'static str, &'static str, Uuid, Uuid)> {
        use app::exit::entity::{exit, item};
        let items = item::Entity::find().all(&app.db).await.expect("items");
        let mut out = Vec::new();
        for e in exit::Entity::find().all(&app.db).await.expect("exits") {
            let of = |file: bool| {
                items.iter().find(|i| i.exit_id == e.id && i.file_sha256.is_some() == file).expect("both items").id
            };
            out.push((e.id, key_of(e.agency_id), key_of(e.provider_id), of(false), of(true)));
        }
        out
    }

    /// Whether an organisation sees an exit (independent of the policy code): its agency, its
    /// provider while the engagement is in force (all the fixtures' are), the agency's regulators.
    fn sees_exit(&self, key: &str, agency: &str, provider: &str) -> bool {
        match org(key).kind {
            OrgKind::Agency => agency == key,
            OrgKind::Regulator => self.in_jurisdiction(key, agency),
            OrgKind::Platform => false,
            _ => provider == key,
        }
    }

    fn exit(&self, key: Option<&str>, own: bool) -> Option<&(Uuid, &'static str, &'static str, Uuid, Uuid)> {
        self.exits.iter().find(|(_, a, p, _, _)| key.is_some_and(|k| self.sees_exit(k, a, p)) == own)
    }

    /// The change notices [`change_fixtures`] wrote, with the websites they name.
    async fn load_notices(
        app: &TestApp,
        key_of: &dyn Fn(Uuid) -> &'static str,
    ) -> Vec<(Uuid, &'static str, Vec<&'static str>)> {
        use app::changes::entity::{notice, notice_website};
        let domains: HashMap<Uuid, String> = website::Entity::find()
            .all(&app.db)
            .await
            .expect("websites")
            .into_iter()
            .map(|w| (w.id, w.domain))
            .collect();
        let links = notice_website::Entity::find().all(&app.db).await.expect("notice websites");
        let mut out = Vec::new();
        for n in notice::Entity::find().all(&app.db).await.expect("notices") {
            let sites = links
                .iter()
                .filter(|l| l.notice_id == n.id)
                .filter_map(|l| SITES.iter().find(|s| s.domain == domains[&l.website_id]).map(|s| s.domain))
                .collect();
            out.push((n.id, key_of(n.csp_id), sites));
        }
        out
    }

    /// Whether an organisation sees a change notice (independent of the policy code): an agency
    /// one naming its websites; a regulator one naming its jurisdiction's agencies' websites; the
    /// CSP its own while it serves one of them under an engagement declared active.
    fn sees_notice(&self, key: &str, csp: &str, sites: &[&'static str]) -> bool {
        let agency_of = |d: &str| SITES.iter().find(|s| s.domain == d).map(|s| s.agency).unwrap_or("");
        match org(key).kind {
            OrgKind::Agency => sites.iter().any(|d| agency_of(d) == key),
            OrgKind::Regulator => sites.iter().any(|d| self.in_jurisdiction(key, agency_of(d))),
            OrgKind::Csp => csp == key && sites.iter().any(|d| World::serves(key, agency_of(d), Some(d))),
            _ => false,
        }
    }

    fn notice(&self, key: Option<&str>, own: bool) -> Option<Uuid> {
        self.notices
            .iter()
            .find(|(_, csp, sites)| key.is_some_and(|k| self.sees_notice(k, csp, sites)) == own)
            .map(|(id, _, _)| *id)
    }

    /// The emergency records [`er_fixtures`] wrote, read back with what they name.
    async fn load_er(app: &TestApp, key_of: &dyn Fn(Uuid) -> &'static str) -> Vec<ErRecord> {
        use app::plans::entity::{action, drill, drill_org, incident, incident_website, plan};
        let mut out = Vec::new();
        let plans = plan::Entity::find().all(&app.db).await.expect("plans");
        let mut agencies: Vec<Uuid> = plans.iter().map(|p| p.agency_id).collect();
        agencies.sort();
        agencies.dedup();
        for id in agencies {
            out.push(ErRecord { kind: ErKind::Agency, id, agency: key_of(id), providers: Vec::new(), site: None });
        }
        for p in plans {
            out.push(ErRecord {
                kind: ErKind::Plan,
                id: p.id,
                agency: key_of(p.agency_id),
                providers: Vec::new(),
                site: None,
            });
        }
        let links = drill_org::Entity::find().all(&app.db).await.expect("participants");
        for d in drill::Entity::find().all(&app.db).await.expect("drills") {
            let providers = links.iter().filter(|l| l.drill_id == d.id).map(|l| key_of(l.organisation_id)).collect();
            out.push(ErRecord { kind: ErKind::Drill, id: d.id, agency: key_of(d.agency_id), providers, site: None });
        }
        for a in action::Entity::find().all(&app.db).await.expect("actions") {
            let owner = key_of(a.owner_org);
            out.push(ErRecord {
                kind: ErKind::Action,
                id: a.id,
                agency: key_of(a.agency_id),
                providers: vec![owner],
                site: None,
            });
        }
        let sites = incident_website::Entity::find().all(&app.db).await.expect("incident websites");
        let domains: HashMap<Uuid, String> = website::Entity::find()
            .all(&app.db)
            .await
            .expect("websites")
            .into_iter()
            .map(|w| (w.id, w.domain))
            .collect();
        for i in incident::Entity::find().all(&app.db).await.expect("incidents") {
            let site = sites.iter().find(|s| s.incident_id == i.id).map(|s| domains[&s.website_id].clone());
            let site = SITES.iter().find(|s| Some(s.domain.to_string()) == site).map(|s| s.domain);
            out.push(ErRecord {
                kind: ErKind::Incident,
                id: i.id,
                agency: key_of(i.agency_id),
                providers: Vec::new(),
                site,
            });
        }
        out
    }

    /// Whether a provider serves an agency under an engagement declared active (on `site`, if given).
    fn serves(provider: &str, agency: &str, site: Option<&str>) -> bool {
        ENGAGEMENTS.iter().any(|(a, p, _, domains, status)| {
            *a == agency
                && *p == provider
                && *status == EngagementStatus::Active
                && site.is_none_or(|s| domains.contains(&s))
        })
    }

    /// Whether an organisation sees an emergency record (independent of the policy code): its
    /// agency; a regulator of its jurisdiction; a provider serving the agency in force — for a
    /// drill only one that took part, for an action only its owner, for an incident only on a
    /// website it serves.
    fn sees_er(&self, key: &str, r: &ErRecord) -> bool {
        match org(key).kind {
            OrgKind::Agency => r.agency == key,
            OrgKind::Regulator => self.in_jurisdiction(key, r.agency),
            OrgKind::Platform => false,
            _ => match r.kind {
                // A provider's reach holds only the drills it took part in: no agency's whole view.
                ErKind::Agency => false,
                ErKind::Plan => World::serves(key, r.agency, None),
                ErKind::Drill | ErKind::Action => r.providers.contains(&key) && World::serves(key, r.agency, None),
                ErKind::Incident => World::serves(key, r.agency, r.site),
            },
        }
    }

    /// An emergency record of `kind` the organisation sees (own) or not; with `own_agency`, one of
    /// its own agency or another's.
    fn er_record(&self, kind: ErKind, key: Option<&str>, own: bool, own_agency: bool) -> Option<Uuid> {
        self.er
            .iter()
            .filter(|r| r.kind == kind)
            .find(|r| {
                let sees = match key {
                    Some(k) if own_agency => r.agency == k,
                    Some(k) => self.sees_er(k, r),
                    None => false,
                };
                sees == own
            })
            .map(|r| r.id)
    }

    /// Whether an organisation sees an obligation (agency: about it; provider: its own to submit
    /// while its engagement is in force; regulator: about its jurisdiction's agencies today).
    fn sees_obligation(&self, key: &str, o: &Obl5) -> bool {
        match org(key).kind {
            OrgKind::Agency => o.3 == key,
            OrgKind::Regulator => self.in_jurisdiction(key, o.3),
            _ => o.1 == key && o.4,
        }
    }

    /// An obligation the organisation submits under today (own) or one it does not reach (other).
    fn obligation(&self, key: Option<&str>, own: bool) -> Option<Uuid> {
        self.obligations.iter().find(|o| key.is_some_and(|k| o.1 == k && o.4) == own).map(|o| o.0)
    }

    /// A stored file in (own) or out of (other) the organisation's reach.
    fn file(&self, key: &str, own: bool) -> Option<Uuid> {
        self.files
            .iter()
            .find(|(_, submission)| {
                let sees = self.submissions.iter().any(|s| {
                    s.0 == *submission && self.obligations.iter().any(|o| o.0 == s.1 && self.sees_obligation(key, o))
                });
                sees == own
            })
            .map(|f| f.0)
    }

    /// A submission matching `pick` on its obligation, optionally only accepted ones.
    fn submission(&self, accepted_only: bool, pick: impl Fn(&Obl5) -> bool) -> Option<Uuid> {
        self.submissions
            .iter()
            .filter(|s| !accepted_only || s.2)
            .find(|s| self.obligations.iter().any(|o| o.0 == s.1 && pick(o)))
            .map(|s| s.0)
    }

    /// The declared domains an organisation reaches (independent of the policy code).
    fn reach(&self, key: &str) -> BTreeSet<&'static str> {
        let kind = org(key).kind;
        SITES
            .iter()
            .filter(|s| match kind {
                OrgKind::Agency => s.agency == key,
                OrgKind::Regulator => self.in_jurisdiction(key, s.agency),
                _ => ENGAGEMENTS.iter().any(|(a, p, _, domains, status)| {
                    *p == key && *a == s.agency && *status == EngagementStatus::Active && domains.contains(&s.domain)
                }),
            })
            .map(|s| s.domain)
            .collect()
    }

    /// Whether an organisation sees the duty roster of `desk` (independent of the policy code):
    /// its own; an agency its providers' through an engagement declared active; a regulator its
    /// jurisdiction's agencies'.
    fn sees_roster(&self, key: &str, desk: &str) -> bool {
        desk == key
            || match org(key).kind {
                OrgKind::Agency => ENGAGEMENTS
                    .iter()
                    .any(|(a, p, _, _, status)| *a == key && *p == desk && *status == EngagementStatus::Active),
                OrgKind::Regulator => org(desk).kind == OrgKind::Agency && self.in_jurisdiction(key, desk),
                _ => false,
            }
    }

    /// A duty row of the organisation's own rosters (own) or of another organisation's (other).
    fn duty_row(rows: &[(Uuid, &'static str)], key: Option<&str>, own: bool) -> Option<Uuid> {
        rows.iter().find(|(_, k)| (Some(*k) == key) == own).map(|r| r.0)
    }

    /// A roster the organisation sees (own) or not (other); with `manage`, its own or another's.
    fn roster(&self, key: &str, own: bool, manage: bool) -> Option<Uuid> {
        self.rosters
            .iter()
            .find(|(_, desk)| (if manage { *desk == key } else { self.sees_roster(key, desk) }) == own)
            .map(|r| r.0)
    }

    fn website(&self, key: &str, own: bool) -> Option<Uuid> {
        let reach = self.reach(key);
        SITES.iter().find(|s| reach.contains(s.domain) == own).map(|s| self.website_ids[s.domain])
    }

    /// A CSP engagement in force whose SLA the organisation sees (own) or not (other).
    fn sla_engagement(&self, key: &str, own: bool) -> Option<Uuid> {
        let kind = org(key).kind;
        self.engagement_ids
            .iter()
            .filter(|(_, p, status, _)| *status == EngagementStatus::Active && org(p).kind == OrgKind::Csp)
            .find(|(a, p, _, _)| {
                let sees = match kind {
                    OrgKind::Agency => *a == key,
                    OrgKind::Regulator => self.in_jurisdiction(key, a),
                    _ => *p == key,
                };
                sees == own
            })
            .map(|(_, _, _, id)| *id)
    }

    /// An engagement the organisation sees (own) or not (other), in the wanted states.
    fn engagement(&self, key: &str, own: bool, closed: bool, provider_side: bool) -> Option<Uuid> {
        let kind = org(key).kind;
        self.engagement_ids
            .iter()
            .filter(|(_, _, status, _)| (*status == EngagementStatus::Ended) == closed)
            .find(|(a, p, status, _)| {
                let sees = match kind {
                    OrgKind::Agency => *a == key,
                    OrgKind::Regulator => self.in_jurisdiction(key, a),
                    _ => *p == key,
                };
                // For answering, the provider's own must be one already answered (a refused transition).
                let answerable = !provider_side || *status == EngagementStatus::Active;
                sees == own && (answerable || !own)
            })
            .map(|(_, _, _, id)| *id)
    }
}

struct Actor {
    email: String,
    name: String,
    org_key: Option<&'static str>,
    kind: OrgKind,
    roles: Vec<Role>,
}

fn actors() -> Vec<Actor> {
    let mut all = vec![Actor {
        email: PLATFORM_ADMIN.into(),
        name: "周敏".into(),
        org_key: None,
        kind: OrgKind::Platform,
        roles: vec![Role::PlatformAdmin, Role::OrgAdmin],
    }];
    all.push(Actor {
        email: PLATFORM_VIEWER.into(),
        name: "郑洁".into(),
        org_key: None,
        kind: OrgKind::Platform,
        roles: vec![Role::Viewer],
    });
    for (i, o) in ORGS.iter().enumerate() {
        for p in TEST_WORLD.people(i, o) {
            if p.must_change {
                continue;
            }
            all.push(Actor { email: p.email, name: p.name, org_key: Some(o.key), kind: o.kind, roles: p.roles });
        }
    }
    all
}

fn expected(actor: &Actor, c: &Case, own: bool) -> Outcome {
    if let Some((module, need)) = c.need {
        if access_for(actor.kind, &actor.roles, module) < need {
            return Outcome::Forbidden;
        }
    }
    match c.side {
        Side::Agency if actor.kind != OrgKind::Agency => return Outcome::Forbidden,
        Side::Jurisdiction if actor.kind != OrgKind::Regulator => return Outcome::Forbidden,
        Side::Csp if actor.kind != OrgKind::Csp => return Outcome::Forbidden,
        Side::Provider if !actor.kind.is_provider() => return Outcome::NotFound,
        _ => {}
    }
    if own {
        Outcome::Allowed
    } else {
        Outcome::NotFound
    }
}

fn role_field(role: Role) -> &'static str {
    match role {
        Role::OrgAdmin => "role_org_admin",
        Role::SecurityOfficer => "role_security_officer",
        Role::DutyOfficer => "role_duty_officer",
        Role::Staff => "role_staff",
        Role::Viewer => "role_viewer",
        Role::PlatformAdmin => "role_platform_admin",
    }
}

/// The form a server function gets: it passes the access check and is then refused (422/409) or
/// changes nothing, so the world stays the same for the next actor. Input that a service parses
/// before its scope lookup is valid for the "other" cell, so that cell reaches the lookup.
fn form(c: &Case, actor: &Actor, own: bool, target: Option<Uuid>) -> Vec<(&'static str, String)> {
    let id = target.map(|t| t.to_string()).unwrap_or_default();
    let website = |name: &str| {
        vec![
            ("id", id.clone()),
            ("name", name.to_string()),
            ("domain", "matrix-probe.gov.cn".to_string()),
            ("protection_level", "2".into()),
            ("service_model", "iaas".into()),
            ("deployment_model", "government".into()),
            ("phase", "planning".into()),
        ]
    };
    match c.name {
        "create_organisation" => vec![
            ("name", String::new()),
            ("kind", "agency".into()),
            ("admin_email", "x".into()),
            ("admin_name", "x".into()),
        ],
        "update_organisation" => vec![("id", Uuid::nil().to_string()), ("name", String::new())],
        "create_person" | "invite_person" => vec![("email", "not an address".into()), ("display_name", "x".into())],
        "update_person" => {
            // Own: itself, same name and roles (no change); other: valid, so the lookup decides.
            let mut f = vec![("id", id), ("display_name", actor.name.clone())];
            f.extend(actor.roles.iter().map(|r| (role_field(*r), "on".to_string())));
            f
        }
        // Own: itself, which may never deactivate itself (422).
        "set_person_active" => vec![("id", id), ("active", "false".into())],
        "reset_person_password" | "unlock_person" | "end_person_sessions" | "reset_person_second_factor" => {
            vec![("id", id)]
        }
        "end_session" => vec![("id", id)],
        "confirm_second_factor" | "new_recovery_codes" | "turn_off_second_factor" => vec![("code", "000000".into())],
        // As it is: no change.
        "set_admins_second_factor" | "set_second_factor_required" => vec![("on", "false".into())],
        "accept_invitation" => vec![("token", "0".into()), ("password", "x".into()), ("confirm", "x".into())],
        "create_website" => website(""),
        "update_website" => website(if own { "" } else { "Matrix probe" }),
        "invite_provider" => vec![
            ("provider_id", "x".into()),
            ("role", "csp".into()),
            ("starts_on", "2026-01-01".into()),
            ("ends_on", "2026-12-31".into()),
        ],
        "answer_engagement" => vec![("id", id), ("accept", "true".into())],
        // An engagement that is none (422) for the agency's writer; anyone else is refused first.
        "open_exit" => vec![("input[engagement_id]", "x".into()), ("input[reason]", "other".into())],
        // Own: completion, refused while the exit is under way (409); other: not found.
        "exit_act" => vec![("id", id), ("action", "complete".into())],
        "end_engagement" => vec![("id", id), ("reason", "矩阵测试".into())],
        "place_in_jurisdiction" => vec![("organisation_id", Uuid::nil().to_string())],
        // Own: an accepted submission, which cannot be decided again (409); other: not found.
        "review_submission" => vec![("id", id), ("decision", "accept".into()), ("comment", String::new())],
        // Own: a period the obligation does not have (422), so nothing is sent; other: not found.
        "remind_overdue" => vec![("obligation_id", id), ("period", "2000-01".into())],
        // Own: no reason given (422), so nothing ends; other: a reason, so the lookup decides.
        "end_obligation" => vec![("id", id), ("reason", if own { String::new() } else { "matrix".into() })],
        "create_obligation" => vec![
            ("kind", "csp_monthly".into()),
            ("cadence", "monthly".into()),
            ("due_day", "0".into()),
            ("first_period", "2026-01".into()),
        ],
        "create_api_token" => vec![("name", String::new()), ("days", "30".into())],
        "revoke_api_token" => vec![("id", id)],
        // Own: refused field by field (422); other: the roster's lookup decides first.
        "create_roster" => vec![("name", String::new())],
        "roster" | "roster_quality" => vec![("id", id)],
        "add_rotation" => vec![
            ("roster_id", id),
            ("input[name]", "matrix".into()),
            ("input[pattern]", "daily".into()),
            ("input[handoff]", "25:00".into()),
            ("input[anchor]", "2026-11-02".into()),
        ],
        "add_override" => vec![
            ("roster_id", id),
            ("kind", "add".into()),
            ("person_id", Uuid::nil().to_string()),
            ("starts_at", "2027-01-01 00:00".into()),
            ("ends_at", "2026-01-01 00:00".into()),
        ],
        "create_special" => vec![
            ("roster_id", id),
            ("name", String::new()),
            ("starts_at", "2027-01-01 00:00".into()),
            ("ends_at", "2027-01-02 00:00".into()),
        ],
        // Own: unreadable times or people (422); other: the roster's lookup decides first.
        "offer_shift" => {
            vec![("roster_id", id), ("layer", "primary".into()), ("starts_at", "x".into()), ("ends_at", "y".into())]
        }
        "reassign_shift" => vec![
            ("roster_id", id),
            ("from_id", "x".into()),
            ("to_id", "y".into()),
            ("starts_at", "x".into()),
            ("ends_at", "y".into()),
        ],
        "write_handover" => vec![("roster_id", id), ("shift_start", "x".into()), ("body", "x".into())],
        "write_status_report" => vec![("special_id", id), ("due_at", "x".into()), ("body", "x".into())],
        // Own: already taken, acknowledged or published (409), or not one's own (422).
        "take_offer" | "withdraw_offer" | "acknowledge_handover" | "revoke_calendar_feed" => vec![("id", id)],
        "publish_special" => vec![("special_id", id)],
        // Own: times that are no times (422); other: the period's lookup decides first.
        "add_fixed_shift" => {
            vec![("special_id", id), ("person_id", "x".into()), ("starts_at", "x".into()), ("ends_at", "y".into())]
        }
        // Own: duty under way (409); other: not found.
        "correct_stood" => vec![
            ("stood_id", id),
            ("person_id", "x".into()),
            ("starts_at", "x".into()),
            ("ends_at", "y".into()),
            ("reason", String::new()),
        ],
        "create_calendar_feed" => vec![("roster_id", id)],
        // Own: an hour that is no time (422); other: the rotation's lookup decides first.
        "edit_rotation" => vec![
            ("rotation_id", id),
            ("input[name]", "matrix".into()),
            ("input[pattern]", "daily".into()),
            ("input[handoff]", "25:00".into()),
            ("input[anchor]", "2026-11-02".into()),
        ],
        // Emergency response: own cells are refused (an approved version, a closed action or
        // incident, empty lines, an out-of-range interval); other cells are valid, so the lookup decides.
        "plan" | "drill" | "follow_up_action" | "incident" | "emergency_agency" | "oversight_agency" => {
            vec![("id", id)]
        }
        "create_plan" => vec![("input[title]", String::new())],
        "save_plan_draft" => vec![("plan_id", id), ("number", "1".into()), ("input[general]", "matrix".into())],
        "approve_plan" => vec![("plan_id", id), ("number", "1".into())],
        "save_contacts" => {
            let phone = if own { String::new() } else { "12345".into() };
            vec![("engagement_id", id), ("contacts[0][name]", "matrix".into()), ("contacts[0][phone]", phone)]
        }
        "record_drill" => vec![("input[held_on]", "2999-01-01".into()), ("input[category]", "x".into())],
        "add_drill_actions" => vec![("drill_id", id)],
        "close_action" => vec![("id", id), ("evidence", "matrix".into()), ("back", "/emergency".into())],
        "set_restore_interval" => vec![("months", "0".into())],
        "open_incident" => {
            vec![("input[title]", String::new()), ("input[category]", "x".into()), ("input[level]", "V".into())]
        }
        "record_milestone" => {
            vec![("id", id), ("milestone", "reported_leaders".into()), ("at", "2026-11-25T09:00".into())]
        }
        "add_incident_entry" => vec![("id", id), ("body", "matrix".into())],
        "pin_incident_entry" => vec![("id", id), ("entry_id", Uuid::nil().to_string()), ("pinned", "true".into())],
        "change_incident_level" => vec![("id", id), ("level", "I".into())],
        "incident_transition" => vec![("id", id), ("transition", "reopen".into())],
        "add_review_actions" => vec![("id", id)],
        // Own: an action that is none (422); other: not found.
        "change_step" => vec![("id", id), ("action", "nothing".into())],
        // Own: refused input (422) after the engagement's lookup; other: not found.
        "sla_engagement" => vec![("id", id)],
        "propose_sla" | "record_sla" | "measure_sla" => vec![("engagement_id", id)],
        "withdraw_sla_measure" => vec![("engagement_id", id), ("measure_id", Uuid::nil().to_string())],
        "answer_sla" => {
            vec![("engagement_id", id), ("version_id", Uuid::nil().to_string()), ("action", "nothing".into())]
        }
        "finish_sla_record" | "review_sla_record" | "reclassify_sla_record" => {
            vec![("engagement_id", id), ("record_id", Uuid::nil().to_string())]
        }
        // Own: a revision with no fields (422); other: not found.
        "revise_change" => vec![("id", id)],
        // Terms that are no number, a day that is none (422): nothing changes.
        "set_change_terms" => vec![("engagement_id", Uuid::nil().to_string()), ("input[initial_bd]", "x".into())],
        "set_work_day" => vec![("day", "x".into()), ("mark", "holiday".into())],
        // Own: a report that is no security check (422); other: not found.
        "add_improvement_items" => vec![("submission_id", id)],
        _ => Vec::new(),
    }
}

fn target_for(c: &Case, actor: &Actor, own: bool, world: &World) -> Option<Option<Uuid>> {
    let key = actor.org_key;
    Some(match c.target {
        Nothing => None,
        Web => Some(match key {
            Some(k) => world.website(k, own)?,
            None if own => return None,
            None => world.website_ids["zwfw.demo.gov.cn"],
        }),
        Eng | ClosedEngagement => Some(match key {
            Some(k) => world.engagement(k, own, c.target == ClosedEngagement, c.side == Side::Provider)?,
            None if own => return None,
            None => world.engagement_ids[0].3,
        }),
        Obl => Some(world.obligation(key, own)?),
        Sub => Some(match key {
            Some(k) => world.submission(false, |o| world.sees_obligation(k, o) == own)?,
            None if own => return None,
            None => world.submissions.first()?.0,
        }),
        Received => Some(match key {
            Some(k) => world.submission(own, |o| (o.2 == k && world.sees_obligation(k, o)) == own)?,
            None if own => return None,
            None => world.submissions.first()?.0,
        }),
        Submitted => Some(match key {
            Some(k) => world.submission(own, |o| (o.1 == k && o.4) == own)?,
            None if own => return None,
            None => world.submissions.first()?.0,
        }),
        Owed => Some(match key {
            Some(k) => world.obligations.iter().find(|o| (o.2 == k && world.sees_obligation(k, o)) == own)?.0,
            None if own => return None,
            None => world.obligations.first()?.0,
        }),
        Reached => Some(match key {
            Some(k) => world.obligations.iter().find(|o| world.sees_obligation(k, o) == own)?.0,
            None if own => return None,
            None => world.obligations.first()?.0,
        }),
        File => Some(match key {
            Some(k) => world.file(k, own)?,
            None if own => return None,
            None => world.files.first()?.0,
        }),
        Roster | OwnRoster => Some(match key {
            Some(k) => world.roster(k, own, c.target == OwnRoster)?,
            None if own => return None,
            None => world.rosters.first()?.0,
        }),
        Offer => Some(World::duty_row(&world.offers, key, own)?),
        Handover => Some(World::duty_row(&world.handovers, key, own)?),
        Special => Some(World::duty_row(&world.specials, key, own)?),
        Stood => Some(World::duty_row(&world.stood, key, own)?),
        Feed => Some(World::duty_row(&world.feeds, key, own)?),
        Rotation => Some(World::duty_row(&world.rotations, key, own)?),
        ErAgency => Some(world.er_record(ErKind::Agency, key, own, false)?),
        ErPlan => Some(world.er_record(ErKind::Plan, key, own, false)?),
        OwnPlan => Some(world.er_record(ErKind::Plan, key, own, true)?),
        ErDrill => Some(world.er_record(ErKind::Drill, key, own, false)?),
        OwnDrill => Some(world.er_record(ErKind::Drill, key, own, true)?),
        ErAction => Some(world.er_record(ErKind::Action, key, own, false)?),
        ErIncident => Some(world.er_record(ErKind::Incident, key, own, false)?),
        Notice => Some(world.notice(key, own)?),
        NoticeFile => Some(world.notice_files[&world.notice(key, own)?]),
        Ex => Some(world.exit(key, own)?.0),
        SlaEng => Some(match key {
            Some(k) => world.sla_engagement(k, own)?,
            None if own => return None,
            None => world.sla_engagement("agency", true)?,
        }),
        Session => Some(if own {
            world.sessions[&actor.email]
        } else {
            let other = if actor.email == PLATFORM_ADMIN { "admin@agency.example" } else { PLATFORM_ADMIN };
            world.sessions[other]
        }),
        Token => Some(if own {
            world.tokens[&actor.email].1
        } else {
            let other = if actor.email == PLATFORM_ADMIN { "admin@agency.example" } else { PLATFORM_ADMIN };
            world.tokens[other].1
        }),
        Per => Some(if own {
            world.person_ids[&actor.email]
        } else {
            // A person of another organisation.
            let other =
                if actor.email.ends_with("@agency.example") { "admin@csp.example" } else { "duty@agency.example" };
            world.person_ids[other]
        }),
    })
}

/// The server functions that read, called by GET as the app does.
const READ_BY_GET: &[&str] = &[
    "organisations",
    "people",
    "invitations",
    "invitation",
    "websites",
    "website",
    "engagements",
    "engagement",
    "jurisdictions",
    "outbox",
    "audit",
    "report_work",
    "report_panel",
    "submission",
    "submit_form",
    "report_matrix",
    "find_obligation_agencies",
    "api_tokens",
    "account_security",
    "digest_settings",
    "digest_preview",
    "second_factor",
    "admins_second_factor",
    "rosters",
    "roster",
    "duty_overview",
    "my_duty",
    "roster_quality",
    "calendar_feeds",
    "emergency",
    "drill_overview",
    "emergency_agency",
    "plan",
    "drill",
    "follow_up_action",
    "incidents",
    "changes",
    "change",
    "change_calendar",
    "change_terms",
    "work_days",
    "change_form",
    "incident",
    "improvement_plan",
    "sla",
    "sla_engagement",
    "sla_month",
    "sla_year",
    "exits",
    "exit",
    "oversight_board",
    "oversight_agency",
    "oversight_report",
];

/// A submission's multipart fields naming no obligation there is: a submitter is told which
/// field (422), anyone else is refused first.
fn unknown_obligation() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().text("obligation_id", Uuid::nil().to_string()).text("period", "2026-10")
}

/// An upload to a notice that names no purpose there is: its CSP is told which field (422),
/// anyone else is refused first.
fn notice_upload() -> reqwest::multipart::Form {
    let pdf = reqwest::multipart::Part::bytes(b"%PDF-1.7\n%%EOF\n".to_vec()).file_name("x.pdf");
    reqwest::multipart::Form::new().text("purpose", "nothing").part("files", pdf)
}

/// The cells of a row for an actor, `(own, target)`: the other organisation's first (the own cell
/// of a password reset ends the actor's free use of its session), then its own; a row about
/// nothing in particular has only the one.
fn cells(c: &Case, actor: &Actor, world: &World) -> Vec<(bool, Option<Uuid>)> {
    [false, true]
        .into_iter()
        .filter(|own| c.target != Nothing || *own)
        .filter_map(|own| target_for(c, actor, own, world).map(|t| (own, t)))
        .collect()
}

/// The cells checked, and the ones that came out other than the policy says.
#[derive(Default)]
struct Tally {
    checked: usize,
    wrong: Vec<String>,
}

impl Tally {
    async fn check(&mut self, actor: &Actor, c: &Case, own: bool, what: &str, res: reqwest::Response) {
        let status = res.status().as_u16();
        // Signed in, /login sends to the dashboard.
        let got = if c.name == "/login" && status == 303 { Some(Outcome::Allowed) } else { classify(status) };
        let want = expected(actor, c, own);
        self.checked += 1;
        if got != Some(want) {
            let body = res.text().await.unwrap_or_default();
            self.wrong.push(format!(
                "{} {what} ({}): want {want:?}, got {status} {}",
                actor.email,
                if own { "own" } else { "other" },
                body.chars().take(160).collect::<String>()
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_of_every_kind_against_every_function_and_page() {
    // The lists above must cover everything the app registers.
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.trim_start_matches("/api/").to_string()).collect();
    let listed: BTreeSet<String> = FUNCTIONS.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(registered, listed, "every server function needs its row in the access matrix");
    let routes: BTreeSet<String> = server::route_list().iter().map(|r| r.path().to_string()).collect();
    let pages: BTreeSet<String> = PAGES.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(routes, pages, "every page needs its row in the access matrix");
    let plain: BTreeSet<String> =
        server::plain_routes().into_iter().map(|(method, path, _)| format!("{method} {path}")).collect();
    let rows: BTreeSet<String> = ROUTES.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(plain, rows, "every plain route needs its row in the access matrix");
    let doc = serde_json::to_value(<server::api::ApiDoc as utoipa::OpenApi>::openapi()).expect("openapi");
    let operations: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flat_map(|ops| ops.keys()).map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .filter(|op| op != "GET /api/v1/files/{id}")
        .collect();
    let api: BTreeSet<String> = API.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(operations, api, "every API operation needs its row (file downloads are covered in tests/reports.rs)");

    for b in backends() {
        let app = spawn(b).await;
        World::extend(&app).await;
        let world = World::load(&app).await;
        let mut tally = Tally::default();
        for actor in actors() {
            let client = app.signed_in(&actor.email).await;
            for c in PAGES {
                for (own, target) in cells(c, &actor, &world) {
                    let path = match target {
                        Some(id) => c.name.replace("{id}", &id.to_string()),
                        None => c.name.replace("{token}", "0"),
                    };
                    let res = client.get(app.url(&path)).send().await.expect("page");
                    tally.check(&actor, c, own, &format!("GET {path}"), res).await;
                }
            }
            // Every website of the world, not only one of each side: the reach must be exactly the world's.
            let reach = actor.org_key.map(|k| world.reach(k)).unwrap_or_default();
            let read = case("website", Some((M::Websites, R)), Web, Side::Any);
            for s in SITES {
                let own = reach.contains(s.domain);
                let res = client
                    .get(app.url(&format!("/api/website?id={}", world.website_ids[s.domain])))
                    .send()
                    .await
                    .expect("website");
                tally.check(&actor, &read, own, &format!("website {}", s.domain), res).await;
            }
            for c in ROUTES {
                let (method, template) = c.name.split_once(' ').expect("method and path");
                for (own, target) in cells(c, &actor, &world) {
                    let path = match target {
                        Some(id) => template.replace("{id}", &id.to_string()),
                        None => template.replace("{token}", &format!("{LIVE_FEED}.ics")),
                    };
                    // An exit's item: the target exit's own, or (another's exit) the first exit's.
                    let item = world
                        .exits
                        .iter()
                        .find(|e| Some(e.0) == target)
                        .or(world.exits.first())
                        .map(|e| e.3)
                        .unwrap_or_default();
                    // The file route names the item, not the exit.
                    let path = if template == "/exits/files/{id}" {
                        template.replace(
                            "{id}",
                            &world
                                .exits
                                .iter()
                                .find(|e| Some(e.0) == target)
                                .map(|e| e.4)
                                .unwrap_or_default()
                                .to_string(),
                        )
                    } else {
                        path.replace("{item}", &item.to_string())
                    };
                    let res = match (method, template) {
                        // Own: the agency adds nothing (409), the provider an item with no field
                        // (422), a correction with nothing in it (422), a verification of media
                        // with no checksum (422); other: not found.
                        ("POST", t) if t.starts_with("/exits/") => {
                            client
                                .post(app.url(&path))
                                .header("origin", &app.base)
                                .header("accept", "application/json")
                                .multipart(reqwest::multipart::Form::new().text("note", "matrix"))
                                .send()
                                .await
                        }
                        ("GET", _) => client.get(app.url(&path)).send().await,
                        // Signing out is tried on a session of its own, so the actor's goes on.
                        ("POST", "/logout") => {
                            let other = app.signed_in(&actor.email).await;
                            other.post(app.url(&path)).header("origin", &app.base).send().await
                        }
                        // Valid multipart with an unknown obligation: a submitter is told which field (422).
                        ("POST", "/reports/submit") => {
                            client
                                .post(app.url(&path))
                                .header("origin", &app.base)
                                .header("accept", "application/json")
                                .multipart(unknown_obligation())
                                .send()
                                .await
                        }
                        // Own: a purpose that is none, with a file (422); other: not found.
                        ("POST", "/changes/{id}/files") => {
                            client
                                .post(app.url(&path))
                                .header("origin", &app.base)
                                .header("accept", "application/json")
                                .multipart(notice_upload())
                                .send()
                                .await
                        }
                        // The form posts with input each refuses (or a wrong password): nothing changes.
                        _ => {
                            let form: &[(&str, &str)] = match template {
                                "/login" => &[("email", "nobody@nowhere.example"), ("password", "x")],
                                "/account/password" => &[("current", "x"), ("new", "y"), ("confirm", "z")],
                                "/locale" => &[("lang", "xx"), ("back", "/")],
                                _ => &[("time_zone", "Mars/Base")],
                            };
                            client.post(app.url(&path)).header("origin", &app.base).form(form).send().await
                        }
                    }
                    .expect("route");
                    tally.check(&actor, c, own, &path, res).await;
                }
            }
            let token = world.tokens[&actor.email].0.clone();
            let api_client = reqwest::Client::new();
            for c in API {
                let (method, template) = c.name.split_once(' ').expect("method and path");
                for (own, target) in cells(c, &actor, &world) {
                    let path = match target {
                        Some(id) => template.replace("{id}", &id.to_string()),
                        None => template.to_string(),
                    }
                    // A month the agreement does not count, a record that is none: refused after
                    // the engagement's reach decided (422), or not found for another's.
                    .replace("{month}", "2019-01")
                    .replace("{record_id}", &uuid::Uuid::nil().to_string())
                    .replace("{item}", &uuid::Uuid::nil().to_string());
                    let res = if method == "GET" {
                        api_client.get(app.url(&path)).bearer_auth(&token).send().await
                    } else if template.starts_with("/api/v1/exits") {
                        // Own: refused (no engagement, nothing ready to complete, no checksum, not a
                        // SHA-256) (409/422); other: not found.
                        let body = if template.ends_with("/actions") {
                            serde_json::json!({"action": "complete"})
                        } else if template.ends_with("/verification") {
                            serde_json::json!({"sha256": "nothing"})
                        } else if template.ends_with("/items") {
                            serde_json::json!({"kind": "data", "name": "matrix", "description": "", "format": "",
                                "size_bytes": "1", "sha256": "", "sensitivity": "general", "medium": "disk"})
                        } else {
                            serde_json::json!({"engagement_id": "x", "reason": "other"})
                        };
                        api_client.post(app.url(&path)).bearer_auth(&token).json(&body).send().await
                    } else if template.starts_with("/api/v1/sla") {
                        // Own: every field missing (422); other: not found.
                        api_client.post(app.url(&path)).bearer_auth(&token).json(&serde_json::json!({})).send().await
                    } else if template.starts_with("/api/v1/incidents") {
                        // Own: a closed incident (422) or a refused body (422); other: not found.
                        let body = if template.ends_with("/entries") {
                            serde_json::json!({"body": "matrix"})
                        } else if template.ends_with("/milestones") {
                            serde_json::json!({"milestone": "reported_leaders", "at": "2026-11-25T01:00:00Z"})
                        } else {
                            serde_json::json!({"title": "", "category": "x", "level": "V"})
                        };
                        api_client.post(app.url(&path)).bearer_auth(&token).json(&body).send().await
                    } else if template == "/api/v1/changes/{id}/files" {
                        api_client.post(app.url(&path)).bearer_auth(&token).multipart(notice_upload()).send().await
                    } else if template.starts_with("/api/v1/changes") {
                        // Own: refused (an empty notice or revision, times reversed, an action that is
                        // none) (422); other: not found. Only a CSP gives, revises and implements.
                        let body = if template.ends_with("/implementation") {
                            serde_json::json!({"actual_start": "2026-11-02T10:00:00Z", "actual_end": "2026-11-01T10:00:00Z"})
                        } else if template.ends_with("/steps") {
                            serde_json::json!({"action": "nothing"})
                        } else {
                            serde_json::json!({"title": ""})
                        };
                        api_client.post(app.url(&path)).bearer_auth(&token).json(&body).send().await
                    } else if template.ends_with("/overrides") {
                        // Own: the times are reversed (422); other: not found.
                        let body = serde_json::json!({"kind": "add", "person_id": "x", "starts_at": "2027-01-02 00:00", "ends_at": "2027-01-01 00:00"});
                        api_client.post(app.url(&path)).bearer_auth(&token).json(&body).send().await
                    } else {
                        api_client
                            .post(app.url(&path))
                            .bearer_auth(&token)
                            .multipart(unknown_obligation().text("summary", "{}"))
                            .send()
                            .await
                    }
                    .expect("api");
                    tally.check(&actor, c, own, &path, res).await;
                }
            }
            for c in FUNCTIONS {
                for (own, target) in cells(c, &actor, &world) {
                    let res = if READ_BY_GET.contains(&c.name) {
                        let query = match (c.name, target) {
                            ("invitation", _) => "?token=0".to_string(),
                            ("report_work", _) => "?filter[q]=".to_string(),
                            ("report_matrix", _) => "?filter[kind]=csp_monthly".to_string(),
                            ("find_obligation_agencies", _) => "?q=".to_string(),
                            ("submit_form", Some(id)) => format!("?obligation_id={id}"),
                            ("improvement_plan", Some(id)) => format!("?submission_id={id}"),
                            (_, Some(id)) => format!("?id={id}"),
                            _ => String::new(),
                        };
                        client
                            .get(app.url(&format!("/api/{}{query}", c.name)))
                            .header("accept", "application/json")
                            .send()
                            .await
                    } else {
                        client
                            .post(app.url(&format!("/api/{}", c.name)))
                            .header("origin", &app.base)
                            .header("accept", "application/json")
                            .form(&form(c, &actor, own, target))
                            .send()
                            .await
                    }
                    .expect("server function");
                    tally.check(&actor, c, own, c.name, res).await;
                }
            }
        }
        let Tally { checked, wrong } = tally;
        assert!(wrong.is_empty(), "{b:?}: {} of {checked} cells wrong:\n{}", wrong.len(), wrong.join("\n"));
        assert!(checked > 3000, "{b:?}: only {checked} cells checked");
    }
}

/// An organisation's duty rows in states that refuse a second step (see [`World::load_duty`]),
/// and — for the agency — a live calendar feed whose secret the matrix reads.
async fn duty_fixtures(app: &TestApp, key: &str, roster: Uuid, admin: Uuid, now: time::OffsetDateTime) {
    use app::rosters::entity::{calendar_feed, handover, member, offer, rotation, special, stood};
    let duty = person::Entity::find()
        .filter(person::Column::Email.eq(format!("duty@{key}.example")))
        .one(&app.db)
        .await
        .expect("query")
        .expect("duty officer")
        .id;
    let day = time::Duration::DAY;
    let rotation_id = Uuid::new_v4();
    rotation::ActiveModel {
        id: Set(rotation_id),
        roster_id: Set(roster),
        series_id: Set(Uuid::new_v4()),
        name: Set("matrix".into()),
        layer: Set("primary".into()),
        pattern: Set("weekly".into()),
        every_days: Set(None),
        weekdays: Set(0),
        handoff: Set("09:00".into()),
        anchor: Set(time::macros::date!(2026 - 11 - 02)),
        hours: Set(String::new()),
        valid_from: Set(now),
        valid_until: Set(None),
        created_by: Set(admin),
        created_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("rotation");
    member::ActiveModel {
        rotation_id: Set(rotation_id),
        position: Set(0),
        person_id: Set(duty),
        joins: Set(None),
        leaves: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("member");
    offer::ActiveModel {
        id: Set(Uuid::new_v4()),
        roster_id: Set(roster),
        layer: Set("primary".into()),
        person_id: Set(duty),
        starts_at: Set(now + day),
        ends_at: Set(now + day * 2),
        note: Set(String::new()),
        state: Set("taken".into()),
        taken_by: Set(Some(admin)),
        taken_at: Set(Some(now)),
        assigned_by: Set(None),
        created_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("offer");
    handover::ActiveModel {
        id: Set(Uuid::new_v4()),
        roster_id: Set(roster),
        person_id: Set(duty),
        shift_start: Set(now - day * 2),
        shift_end: Set(now - day),
        body: Set("matrix".into()),
        nothing_to_report: Set(false),
        written_at: Set(now - day),
        acknowledged_by: Set(Some(admin)),
        acknowledged_at: Set(Some(now - day)),
    }
    .insert(&app.db)
    .await
    .expect("handover");
    special::ActiveModel {
        id: Set(Uuid::new_v4()),
        roster_id: Set(roster),
        name: Set("matrix".into()),
        starts_at: Set(now + day * 10),
        ends_at: Set(now + day * 11),
        round_the_clock: Set(true),
        report_every_hours: Set(Some(4)),
        published_at: Set(Some(now)),
        gaps_accepted_reason: Set(Some("matrix".into())),
        gaps_accepted_by: Set(Some(admin)),
        warned_at: Set(None),
        warned_again_at: Set(None),
        gap_seconds: Set(None),
        first_gap_at: Set(None),
        created_by: Set(admin),
        created_at: Set(now),
    }
    .insert(&app.db)
    .await
    .expect("special");
    stood::ActiveModel {
        id: Set(Uuid::new_v4()),
        roster_id: Set(roster),
        person_id: Set(duty),
        layer: Set("primary".into()),
        starts_at: Set(now - time::Duration::HOUR),
        ends_at: Set(None),
        recorded_at: Set(now),
        corrects: Set(None),
        reason: Set(None),
        recorded_by: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("stood");
    for (secret, revoked) in [(format!("cal_matrix_{key}"), Some(now)), (LIVE_FEED.to_string(), None)] {
        if revoked.is_none() && key != "agency" {
            continue;
        }
        calendar_feed::ActiveModel {
            id: Set(Uuid::new_v4()),
            person_id: Set(duty),
            roster_id: Set(None),
            token_hash: Set(app::rosters::service::feed_hash(&secret)),
            created_at: Set(now),
            last_access_at: Set(None),
            revoked_at: Set(revoked),
        }
        .insert(&app.db)
        .await
        .expect("feed");
    }
}

/// Emergency records for each of [`ER_AGENCIES`], through the services as its administrator
/// would (a plan approved, a drill, an incident resolved and closed, an action closed) and — as
/// data no service writes today — a drill participant and an action owner whose engagement
/// ended or was declined, so their reach ending is tested.
async fn er_fixtures(app: &TestApp, now: time::OffsetDateTime) {
    use app::plans::{
        entity::action, entity::drill_org, scope, service, ActionLine, DraftInput, DrillInput, IncidentInput,
        PlanInput, Sections,
    };
    let meta = app::backend::request::RequestMeta { request_id: "matrix".into(), source_addr: None, user_agent: None };
    let today = time::macros::date!(2026 - 11 - 25);
    let org_id = |key: &str| {
        let name = org(key).name;
        let db = app.db.clone();
        async move {
            organisation::Entity::find()
                .filter(organisation::Column::Name.eq(name))
                .one(&db)
                .await
                .expect("query")
                .expect("org")
                .id
        }
    };
    for (agency, domain, owner, named) in ER_AGENCIES {
        let pid = person::Entity::find()
            .filter(person::Column::Email.eq(format!("admin@{agency}.example")))
            .one(&app.db)
            .await
            .expect("query")
            .expect("administrator")
            .id;
        let admin = app::auth::actor::load_actor(&app.db, pid, "Asia/Shanghai").await.expect("load").expect("active");
        let by = app::backend::actor::Acting { actor: &admin, meta: &meta, now };
        let w = scope::plan_writer(&admin).expect("writer");
        let plan = service::create_plan(
            &app.db,
            &by,
            &w,
            &PlanInput { title: format!("{agency} plan"), ..Default::default() },
        )
        .await
        .expect("plan");
        let text = Sections {
            general: "g".into(),
            roles: "r".into(),
            prevention: "p".into(),
            grading: "g".into(),
            procedure: "p".into(),
            safeguards: "s".into(),
        };
        service::save_draft(
            &app.db,
            &by,
            &w,
            plan,
            Some(1),
            &DraftInput { sections: text, change_note: String::new() },
        )
        .await
        .expect("draft");
        service::approve(&app.db, &by, &w, plan, 1).await.expect("approved");
        let mut participants = Vec::new();
        for p in named.iter().filter(|p| World::serves(p, agency, None)) {
            participants.push(org_id(p).await.to_string());
        }
        let drill = service::record_drill(
            &app.db,
            &by,
            &w,
            &DrillInput {
                held_on: "2026-11-01".into(),
                category: "network_attack".into(),
                scenario: "matrix".into(),
                participants,
                ..Default::default()
            },
            today,
        )
        .await
        .expect("drill");
        for p in named.iter().filter(|p| !World::serves(p, agency, None)) {
            drill_org::ActiveModel { drill_id: Set(drill), organisation_id: Set(org_id(p).await) }
                .insert(&app.db)
                .await
                .expect("participant");
        }
        let owner_id = org_id(owner).await;
        if World::serves(owner, agency, None) {
            let line = ActionLine {
                finding: String::new(),
                title: "matrix".into(),
                owner_org: owner_id.to_string(),
                owner_name: String::new(),
                due_on: "2026-12-01".into(),
            };
            service::add_drill_actions(&app.db, &by, &w, drill, &[line], today).await.expect("action");
        } else {
            action::ActiveModel {
                id: Set(Uuid::new_v4()),
                agency_id: Set(w.agency_id()),
                source: Set("drill".into()),
                source_id: Set(drill),
                finding: Set(String::new()),
                title: Set("matrix".into()),
                owner_org: Set(owner_id),
                owner_name: Set(String::new()),
                due_on: Set(time::macros::date!(2026 - 12 - 01)),
                closed_at: Set(None),
                closed_by: Set(None),
                evidence: Set(String::new()),
                created_by: Set(pid),
                created_at: Set(now),
            }
            .insert(&app.db)
            .await
            .expect("action of an ended engagement");
        }
        for a in action::Entity::find().filter(action::Column::SourceId.eq(drill)).all(&app.db).await.expect("actions")
        {
            service::close_action(&app.db, &by, service::Closer::Agency(&w), a.id, "done", today)
                .await
                .expect("closed");
        }
        let site = website::Entity::find()
            .filter(website::Column::DomainAscii.eq(app::tenancy::rules::Domain::parse(domain).expect("domain").ascii))
            .one(&app.db)
            .await
            .expect("query")
            .expect("website")
            .id;
        let iw = scope::incident_writer(&app.db, &admin, today).await.expect("incident writer");
        let input = IncidentInput {
            title: format!("{agency} incident"),
            category: "network_attack".into(),
            level: "III".into(),
            website_ids: vec![site.to_string()],
            ..Default::default()
        };
        let incident = service::open_incident(&app.db, &by, &iw, &input, "http://127.0.0.1").await.expect("incident");
        service::transition(&app.db, &by, &iw, incident, "resolve", "", "cause", "lessons").await.expect("resolved");
        service::transition(&app.db, &by, &iw, incident, "close", "", "", "").await.expect("closed");
    }
}

/// Change notices for the matrix: a CSP's notice to two agencies under different regulators, one
/// to an agency since moved to another regulator, and one of another CSP's.
async fn change_fixtures(app: &TestApp, now: time::OffsetDateTime) {
    use app::changes::{scope::change_writer, service, NoticeInput};
    let meta = app::backend::request::RequestMeta { request_id: "matrix".into(), source_addr: None, user_agent: None };
    for (csp, domains) in [
        ("csp", &["zwfw.demo.gov.cn", "amr.linsheng.gov.cn"][..]),
        ("csp2", &["zsks.dongzhou.gov.cn"][..]),
        ("csp3", &["www.shifan.gov.cn"][..]),
    ] {
        let pid = person::Entity::find()
            .filter(person::Column::Email.eq(format!("admin@{csp}.example")))
            .one(&app.db)
            .await
            .expect("query")
            .expect("administrator")
            .id;
        let admin = app::auth::actor::load_actor(&app.db, pid, "Asia/Shanghai").await.expect("load").expect("active");
        let by = app::backend::actor::Acting { actor: &admin, meta: &meta, now };
        let w = change_writer(&app.db, &admin, now.date()).await.expect("writer");
        let mut ids = Vec::new();
        for d in domains {
            let site = website::Entity::find()
                .filter(website::Column::Domain.eq(*d))
                .one(&app.db)
                .await
                .expect("query")
                .expect("site");
            ids.push(site.id.to_string());
        }
        let input = NoticeInput {
            change_type: "adaptive".into(),
            category: "capacity".into(),
            title: format!("{csp} matrix notice"),
            description: "matrix".into(),
            planned_start: "2026-11-20T01:00".into(),
            planned_end: "2026-11-20T03:00".into(),
            website_ids: ids,
            ..NoticeInput::default()
        };
        let id = service::submit(&app.db, &by, &w, &input, "").await.expect("notice");
        let store = app::backend::storage::FileStore::new(app.data_dir.join("files"));
        let received = store.receive(crate::common::PDF).await.expect("received");
        let plan = app::reports::service::IncomingFile {
            name: format!("{csp}-plan.pdf"),
            media_type: "application/pdf".into(),
            received,
        };
        service::attach(&app.db, &store, &by, &w, id, "attachment", vec![plan]).await.expect("attached");
    }
}

/// Exits for the matrix: the agency's from its CSP, the province's from its CSP (csp3), and the
/// neighbouring market's from the CSP; each with an item handed over on media (no file), so a
/// verification without a checksum is refused and nothing changes, and an item with a file.
async fn exit_fixtures(app: &TestApp, now: time::OffsetDateTime) {
    use app::exit::{scope::exit_writer, service, ItemInput, OpenInput};
    let meta = app::backend::request::RequestMeta { request_id: "matrix".into(), source_addr: None, user_agent: None };
    let load = |email: String| async move {
        let pid = person::Entity::find()
            .filter(person::Column::Email.eq(email))
            .one(&app.db)
            .await
            .expect("query")
            .expect("person")
            .id;
        app::auth::actor::load_actor(&app.db, pid, "Asia/Shanghai").await.expect("load").expect("active")
    };
    let store = app::backend::storage::FileStore::new(app.data_dir.join("files"));
    for (agency, csp) in [("agency", "csp"), ("province", "csp3"), ("market", "csp")] {
        let a = load(format!("admin@{agency}.example")).await;
        let p = load(format!("admin@{csp}.example")).await;
        let agency_id = organisation::Entity::find()
            .filter(organisation::Column::Id.eq(a.organisation_id))
            .one(&app.db)
            .await
            .expect("q")
            .expect("agency")
            .id;
        let e = engagement::Entity::find()
            .filter(engagement::Column::AgencyId.eq(agency_id))
            .filter(engagement::Column::ProviderId.eq(p.organisation_id))
            .filter(engagement::Column::Status.eq("active"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("engagement");
        let wa = exit_writer(&app.db, &a, now.date()).await.expect("agency writer");
        let input = OpenInput {
            engagement_id: e.id.to_string(),
            reason: "contract_end".into(),
            target_date: (now.date() + time::Duration::days(90)).to_string(),
            ..OpenInput::default()
        };
        let by = app::backend::actor::Acting { actor: &a, meta: &meta, now };
        let id = service::open(&app.db, &by, &wa, &input, "").await.expect("exit");
        let wp = exit_writer(&app.db, &p, now.date()).await.expect("provider writer");
        let item = ItemInput {
            kind: "data".into(),
            name: format!("{agency} data"),
            sensitivity: "general".into(),
            size_bytes: "10".into(),
            sha256: "a".repeat(64),
            medium: "disk".into(),
            ..ItemInput::default()
        };
        let by = app::backend::actor::Acting { actor: &p, meta: &meta, now };
        service::add_item(&app.db, &store, &by, &wp, id, &item, None, "").await.expect("item");
        let received = store.receive(crate::common::PDF).await.expect("received");
        let file = app::reports::service::IncomingFile {
            name: format!("{agency}.pdf"),
            media_type: "application/pdf".into(),
            received,
        };
        let with_file = ItemInput {
            name: format!("{agency} documents"),
            kind: "document".into(),
            sha256: String::new(),
            size_bytes: String::new(),
            medium: String::new(),
            ..item
        };
        service::add_item(&app.db, &store, &by, &wp, id, &with_file, Some(file), "").await.expect("item with a file");
    }
}
