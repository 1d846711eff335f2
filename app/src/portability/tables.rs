//! What an agency's archive holds, table by table, parents before children: which rows belong to
//! the agency (a condition on its id, `$1`), and which tables are shared with another
//! organisation (a CSP's change notice addresses several agencies, so the notice itself is linked,
//! not owned). Every other table of the schema is listed in [`LEFT_OUT`] with why; a test holds
//! the two lists to the schema, so a new module's table cannot be forgotten.
use super::rows::{of, Rows};
use crate::{changes::entity as ch, digest::entity as dg, exit::entity as ex, plans::entity as er, reports::entity as rp};
use crate::{rosters::entity as ro, sla::entity as sl, tenancy::entity as tn};

/// One table of the archive.
pub struct Table {
    pub rows: Box<dyn Rows>,
    /// The rows of the agency `$1`.
    pub filter: &'static str,
    /// Another organisation's record the agency's records point at: imported only where it is
    /// not already there (a notice the same CSP gave other agencies too), never a collision.
    pub shared: bool,
}

fn owned(rows: Box<dyn Rows>, filter: &'static str) -> Table {
    Table { rows, filter, shared: false }
}

const ENGAGEMENTS: &str = "engagement_id IN (SELECT id FROM engagement WHERE agency_id = $1)";
const OBLIGATIONS: &str = "obligation_id IN (SELECT id FROM report_obligation WHERE agency_id = $1)";
const SUBMISSIONS: &str = "submission_id IN (SELECT s.id FROM report_submission s \
     JOIN report_obligation o ON o.id = s.obligation_id WHERE o.agency_id = $1)";
const ROSTERS: &str = "roster_id IN (SELECT id FROM roster WHERE organisation_id = $1)";
const SPECIALS: &str =
    "special_id IN (SELECT s.id FROM roster_special s JOIN roster r ON r.id = s.roster_id WHERE r.organisation_id = $1)";
const INCIDENTS: &str = "incident_id IN (SELECT id FROM er_incident WHERE agency_id = $1)";
const NOTICES: &str = "notice_id IN (SELECT notice_id FROM ch_agency WHERE agency_id = $1)";
const SLA_RECORDS: &str = "record_id IN (SELECT id FROM sla_record WHERE agency_id = $1)";
const EXITS: &str = "exit_id IN (SELECT id FROM exit WHERE agency_id = $1)";

/// The tables of an archive, in the order they are written and imported.
pub fn tables() -> Vec<Table> {
    vec![
        owned(of::<tn::organisation::Entity>(), "id = $1"),
        owned(of::<tn::person::Entity>(), "organisation_id = $1"),
        owned(of::<tn::person_role::Entity>(), "person_id IN (SELECT id FROM person WHERE organisation_id = $1)"),
        owned(of::<tn::website::Entity>(), "agency_id = $1"),
        owned(of::<tn::engagement::Entity>(), "agency_id = $1"),
        owned(of::<tn::engagement_website::Entity>(), ENGAGEMENTS),
        // Reports.
        owned(of::<rp::obligation::Entity>(), "agency_id = $1"),
        owned(of::<rp::submission::Entity>(), OBLIGATIONS),
        owned(of::<rp::version::Entity>(), SUBMISSIONS),
        owned(
            of::<rp::file::Entity>(),
            "version_id IN (SELECT v.id FROM report_version v JOIN report_submission s ON s.id = v.submission_id \
             JOIN report_obligation o ON o.id = s.obligation_id WHERE o.agency_id = $1)",
        ),
        owned(of::<rp::review::Entity>(), SUBMISSIONS),
        owned(of::<rp::reminder::Entity>(), OBLIGATIONS),
        owned(of::<rp::period::Entity>(), "agency_id = $1"),
        // Duty rosters.
        owned(of::<ro::roster::Entity>(), "organisation_id = $1"),
        owned(of::<ro::rotation::Entity>(), ROSTERS),
        owned(
            of::<ro::member::Entity>(),
            "rotation_id IN (SELECT t.id FROM roster_rotation t JOIN roster r ON r.id = t.roster_id WHERE r.organisation_id = $1)",
        ),
        owned(of::<ro::override_::Entity>(), ROSTERS),
        owned(of::<ro::special::Entity>(), ROSTERS),
        owned(of::<ro::fixed_shift::Entity>(), SPECIALS),
        owned(of::<ro::offer::Entity>(), ROSTERS),
        owned(of::<ro::stood::Entity>(), ROSTERS),
        owned(of::<ro::handover::Entity>(), ROSTERS),
        owned(of::<ro::status_report::Entity>(), SPECIALS),
        // Plans, drills, incidents.
        owned(of::<er::agency_setting::Entity>(), "agency_id = $1"),
        owned(of::<er::plan::Entity>(), "agency_id = $1"),
        owned(of::<er::version::Entity>(), "plan_id IN (SELECT id FROM er_plan WHERE agency_id = $1)"),
        owned(of::<er::contact::Entity>(), ENGAGEMENTS),
        owned(of::<er::drill::Entity>(), "agency_id = $1"),
        owned(of::<er::drill_org::Entity>(), "drill_id IN (SELECT id FROM er_drill WHERE agency_id = $1)"),
        owned(of::<er::incident::Entity>(), "agency_id = $1"),
        owned(of::<er::incident_website::Entity>(), INCIDENTS),
        owned(of::<er::milestone::Entity>(), INCIDENTS),
        owned(of::<er::entry::Entity>(), INCIDENTS),
        owned(of::<er::action::Entity>(), "agency_id = $1"),
        owned(of::<er::digest::Entity>(), "agency_id = $1"),
        // Change notices: the CSP's notice, its revisions and files are shared with the other
        // agencies it addresses; of its steps, only the CSP's and this agency's (another
        // agency's answer is not this agency's to carry away).
        owned(of::<ch::terms::Entity>(), ENGAGEMENTS),
        Table { rows: of::<ch::notice::Entity>(), filter: "id IN (SELECT notice_id FROM ch_agency WHERE agency_id = $1)", shared: true },
        Table { rows: of::<ch::revision::Entity>(), filter: NOTICES, shared: true },
        owned(of::<ch::notice_agency::Entity>(), "agency_id = $1"),
        owned(of::<ch::notice_website::Entity>(), "agency_id = $1"),
        Table { rows: of::<ch::file::Entity>(), filter: NOTICES, shared: true },
        Table {
            rows: of::<ch::step::Entity>(),
            filter: "notice_id IN (SELECT notice_id FROM ch_agency WHERE agency_id = $1) AND (organisation_id = $1 \
                     OR organisation_id IN (SELECT csp_id FROM ch_notice WHERE ch_notice.id = ch_step.notice_id))",
            shared: true,
        },
        // SLA.
        owned(of::<sl::version::Entity>(), "agency_id = $1"),
        owned(of::<sl::record::Entity>(), "agency_id = $1"),
        owned(of::<sl::record_site::Entity>(), SLA_RECORDS),
        owned(of::<sl::reclass::Entity>(), SLA_RECORDS),
        owned(of::<sl::measure::Entity>(), ENGAGEMENTS),
        owned(of::<sl::day::Entity>(), ENGAGEMENTS),
        owned(of::<sl::month::Entity>(), "agency_id = $1"),
        // Exit.
        owned(of::<ex::exit::Entity>(), "agency_id = $1"),
        owned(of::<ex::step::Entity>(), EXITS),
        owned(of::<ex::item::Entity>(), EXITS),
        owned(of::<ex::reminder::Entity>(), EXITS),
        // The daily digest: its people's choices.
        owned(of::<dg::preference::Entity>(), "person_id IN (SELECT id FROM person WHERE organisation_id = $1)"),
    ]
}

/// The tables an archive leaves out, and why.
pub const LEFT_OUT: &[(&str, &str)] = &[
    ("seaql_migrations", "the schema's own bookkeeping; the manifest names the schema instead"),
    ("audit_log", "carried as the audit segment (audit.json), not as rows of this portal's chain"),
    ("audit_head", "the head of this portal's chain, not the agency's"),
    ("audit_archive", "carried as the audit segment (audit.json) with the agency's live entries"),
    ("session", "sign-in sessions end with the portal they were made in"),
    ("person_session", "sign-in sessions end with the portal they were made in"),
    ("person_totp", "second-factor secrets never leave a portal; people enrol again"),
    ("recovery_code", "second-factor recovery codes never leave a portal"),
    ("api_token", "API tokens are secrets of the portal that issued them"),
    ("invitation", "pending invitations are secrets of the portal that sent them"),
    ("calendar_feed", "calendar feed addresses are secrets of the portal that made them"),
    ("calendar_event", "what a calendar feed last served, kept for its feed"),
    ("outbox", "mail waiting to be sent by this portal"),
    ("job", "this portal's periodic jobs"),
    ("setting", "this portal's own settings"),
    ("work_day", "the platform's working calendar, kept by the platform operator"),
    ("status_report", "the regulator's frozen monthly reports: the regulator's record, not the agency's"),
    ("digest_sent", "the days this portal sent its digests: the importing portal sends its own"),
    ("report_tally", "a count kept by the database from report periods, rebuilt as they are imported"),
];
