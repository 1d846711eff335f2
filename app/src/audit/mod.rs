//! The audit trail: actions, the rows shown to people, and the chain's verification report.
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod api;
pub mod pages;
ssr! {
    pub mod anchor;
    pub mod entity;
    pub mod http;
    pub mod render;
    pub mod scope;
    pub mod service;
}

macro_rules! actions {
    ($($variant:ident = $code:literal => $label:ident,)*) => {
        /// What an audit row records.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditAction { $($variant,)* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];
            pub fn code(self) -> &'static str { match self { $(AuditAction::$variant => $code,)* } }
            pub fn parse(code: &str) -> Option<Self> { match code { $($code => Some(AuditAction::$variant),)* _ => None } }
            pub fn label(self) -> Msg { match self { $(AuditAction::$variant => Msg::$label,)* } }
        }
    };
}

actions! {
    SignIn = "sign_in" => ActionSignIn,
    SignInFailed = "sign_in_failed" => ActionSignInFailed,
    SignOut = "sign_out" => ActionSignOut,
    Lockout = "lockout" => ActionLockout,
    RateLimited = "rate_limited" => ActionRateLimited,
    SignInNewPlace = "sign_in_new_place" => ActionSignInNewPlace,
    SessionEnd = "session_end" => ActionSessionEnd,
    SecondFactorOn = "second_factor_on" => ActionSecondFactorOn,
    SecondFactorOff = "second_factor_off" => ActionSecondFactorOff,
    SecondFactorReset = "second_factor_reset" => ActionSecondFactorReset,
    RecoveryCodesNew = "recovery_codes_new" => ActionRecoveryCodesNew,
    SecondFactorPolicy = "second_factor_policy" => ActionSecondFactorPolicy,
    PasswordChange = "password_change" => ActionPasswordChange,
    PasswordReset = "password_reset" => ActionPasswordReset,
    OrganisationCreate = "organisation_create" => ActionOrgCreate,
    OrganisationUpdate = "organisation_update" => ActionOrgUpdate,
    PersonCreate = "person_create" => ActionPersonCreate,
    PersonUpdate = "person_update" => ActionPersonUpdate,
    PersonDeactivate = "person_deactivate" => ActionPersonDeactivate,
    PersonReactivate = "person_reactivate" => ActionPersonReactivate,
    PersonUnlock = "person_unlock" => ActionPersonUnlock,
    RolesChange = "roles_change" => ActionRolesChange,
    LocaleChange = "locale_change" => ActionLocaleChange,
    PreferencesChange = "preferences_change" => ActionPreferencesChange,
    WebsiteCreate = "website_create" => ActionWebsiteCreate,
    WebsiteUpdate = "website_update" => ActionWebsiteUpdate,
    EngagementInvite = "engagement_invite" => ActionEngagementInvite,
    EngagementAccept = "engagement_accept" => ActionEngagementAccept,
    EngagementDecline = "engagement_decline" => ActionEngagementDecline,
    EngagementEnd = "engagement_end" => ActionEngagementEnd,
    JurisdictionChange = "jurisdiction_change" => ActionJurisdictionChange,
    InvitationSend = "invitation_send" => ActionInvitationSend,
    InvitationAccept = "invitation_accept" => ActionInvitationAccept,
    ObligationCreate = "obligation_create" => ActionObligationCreate,
    ObligationEnd = "obligation_end" => ActionObligationEnd,
    ObligationMove = "obligation_move" => ActionObligationMove,
    ReportSubmit = "report_submit" => ActionReportSubmit,
    ReportAccept = "report_accept" => ActionReportAccept,
    ReportReturn = "report_return" => ActionReportReturn,
    ReportRemind = "report_remind" => ActionReportRemind,
    ApiTokenCreate = "api_token_create" => ActionApiTokenCreate,
    ApiTokenRevoke = "api_token_revoke" => ActionApiTokenRevoke,
    AuditSealed = "audit_sealed" => ActionAuditSealed,
    RosterCreate = "roster_create" => ActionRosterCreate,
    RotationSave = "rotation_save" => ActionRotationSave,
    OverrideAdd = "override_add" => ActionOverrideAdd,
    SpecialCreate = "special_create" => ActionSpecialCreate,
    OfferMake = "offer_make" => ActionOfferMake,
    OfferTake = "offer_take" => ActionOfferTake,
    OfferWithdraw = "offer_withdraw" => ActionOfferWithdraw,
    ShiftReassign = "shift_reassign" => ActionShiftReassign,
    HandoverWrite = "handover_write" => ActionHandoverWrite,
    HandoverAcknowledge = "handover_acknowledge" => ActionHandoverAcknowledge,
    StatusReportWrite = "status_report_write" => ActionStatusReportWrite,
    StoodCorrect = "stood_correct" => ActionStoodCorrect,
    SpecialPublish = "special_publish" => ActionSpecialPublish,
    CalendarFeedCreate = "calendar_feed_create" => ActionCalendarFeedCreate,
    CalendarFeedRevoke = "calendar_feed_revoke" => ActionCalendarFeedRevoke,
    FixedShiftAdd = "fixed_shift_add" => ActionFixedShiftAdd,
    PlanCreate = "plan_create" => ActionPlanCreate,
    PlanDraftSave = "plan_draft_save" => ActionPlanDraftSave,
    PlanApprove = "plan_approve" => ActionPlanApprove,
    ContactsSave = "contacts_save" => ActionContactsSave,
    DrillRecord = "drill_record" => ActionDrillRecord,
    RestoreIntervalSet = "restore_interval_set" => ActionRestoreIntervalSet,
    ActionAdd = "action_add" => ActionActionAdd,
    ActionClose = "action_close" => ActionActionClose,
    IncidentOpen = "incident_open" => ActionIncidentOpen,
    IncidentEntry = "incident_entry" => ActionIncidentEntry,
    IncidentMilestone = "incident_milestone" => ActionIncidentMilestone,
    IncidentLevel = "incident_level" => ActionIncidentLevel,
    IncidentStatus = "incident_status" => ActionIncidentStatus,
    ChangeSubmit = "change_submit" => ActionChangeSubmit,
    ChangeRevise = "change_revise" => ActionChangeRevise,
    ChangeStep = "change_step" => ActionChangeStep,
    ChangeFiles = "change_files" => ActionChangeFiles,
    ChangeTermsSet = "change_terms_set" => ActionChangeTermsSet,
    WorkDaySet = "work_day_set" => ActionWorkDaySet,
    SlaProposed = "sla_proposed" => ActionSlaProposed,
    SlaAccepted = "sla_accepted" => ActionSlaAccepted,
    SlaWithdrawn = "sla_withdrawn" => ActionSlaWithdrawn,
    SlaRecorded = "sla_recorded" => ActionSlaRecorded,
    SlaCompleted = "sla_completed" => ActionSlaCompleted,
    SlaReviewed = "sla_reviewed" => ActionSlaReviewed,
    SlaReclassified = "sla_reclassified" => ActionSlaReclassified,
    SlaMonthIssued = "sla_month_issued" => ActionSlaMonthIssued,
    SlaMeasured = "sla_measured" => ActionSlaMeasured,
    SlaMeasureWithdrawn = "sla_measure_withdrawn" => ActionSlaMeasureWithdrawn,
    ExitOpen = "exit_open" => ActionExitOpen,
    ExitStep = "exit_step" => ActionExitStep,
    ExitInventory = "exit_inventory" => ActionExitInventory,
    ExitVerify = "exit_verify" => ActionExitVerify,
    AgencyExport = "agency_export" => ActionAgencyExport,
    AgencyImport = "agency_import" => ActionAgencyImport,
}

/// Filters of the audit page; dates are `YYYY-MM-DD` in the viewer's time zone, both ends inclusive.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub person: Option<Uuid>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl AuditFilter {
    /// The query string that reproduces this filter (for the CSV link and no-JS forms).
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.person {
            parts.push(format!("person={p}"));
        }
        for (k, v) in [("action", &self.action), ("from", &self.from), ("to", &self.to)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", crate::ui::encode_query(v)));
            }
        }
        parts.join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    /// In the reader's time zone, to the minute.
    pub at: String,
    pub actor_email: Option<String>,
    /// The action's stable code (filters and machines use it).
    pub action: String,
    /// The action, the target and the summary in the reader's language, with names for ids.
    pub action_label: String,
    pub target: String,
    pub summary: String,
    pub source_addr: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: u64,
    pub people: Vec<(Uuid, String)>,
    pub time_zone: String,
}

/// Where the chain first breaks, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BreakReason {
    /// The row's content no longer matches its hash.
    Altered,
    /// The row does not link to the row before it (a row before it was removed or replaced).
    BrokenLink,
    /// The numbering skips: rows were deleted before this one.
    Missing { expected: i64 },
    /// A row beyond the recorded head of the chain: inserted outside the audit writer.
    Inserted,
    /// The newest rows are gone: the chain ends before its recorded head.
    Truncated { head: i64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: BreakReason,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            BreakReason::Altered => write!(f, "row {} was altered (its hash does not match its content)", self.seq),
            BreakReason::BrokenLink => write!(f, "row {} does not link to the row before it", self.seq),
            BreakReason::Missing { expected } => {
                write!(f, "row {expected} is missing (deleted); the next row present is {}", self.seq)
            }
            BreakReason::Inserted => write!(f, "row {} was inserted outside the audit writer", self.seq),
            BreakReason::Truncated { head } => {
                write!(f, "rows after {} were deleted (the chain's head is row {head})", self.seq)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub rows_checked: u64,
    pub first_break: Option<ChainBreak>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_link_carries_the_filter_percent_encoded() {
        let f = AuditFilter {
            person: None,
            action: Some("sign_in".into()),
            from: Some("2026-11-01".into()),
            to: Some("a&b=c 审".into()),
        };
        assert_eq!(f.query_string(), "action=sign_in&from=2026-11-01&to=a%26b%3Dc%20%E5%AE%A1");
        assert_eq!(AuditFilter::default().query_string(), "");
    }
}
