//! Organisations, people and roles: the kinds and roles, and the records that cross the wire.
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::domain::{EngagementRole, EngagementStatus, OrgKind, Role, SupplierSubtype};

pub mod api;
pub mod pages;
ssr! {
    pub mod entity;
    pub mod http;
    pub mod mail;
    pub mod rules;
    pub mod scope;
    pub mod service;
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationRow {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub subtype: Option<SupplierSubtype>,
    pub active: bool,
    pub people: u64,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<String>,
    pub last_login_at: Option<String>,
    /// Signs in with a second factor.
    pub second_factor: bool,
}

/// What a platform administrator sees once after creating an organisation or resetting a password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub email: String,
    pub password: String,
}

code_enum! {
    /// The cloud service model a website runs on.
    ServiceModel {
        Iaas = "iaas" => ModelIaas,
        Paas = "paas" => ModelPaas,
        Saas = "saas" => ModelSaas,
    }
}

code_enum! {
    /// How the cloud is deployed (§6.3.2b: level 4 and up should not use a public cloud).
    DeploymentModel {
        Public = "public" => DeployPublic,
        Government = "government" => DeployGovernment,
        Private = "private" => DeployPrivate,
        Community = "community" => DeployCommunity,
        Hybrid = "hybrid" => DeployHybrid,
    }
}

code_enum! {
    /// Where a website is in its life on the cloud (§7.4.1a: trial operation lasts about three months).
    Phase {
        Planning = "planning" => PhasePlanning,
        Migration = "migration" => PhaseMigration,
        Trial = "trial" => PhaseTrial,
        Operation = "operation" => PhaseOperation,
        Exit = "exit" => PhaseExit,
    }
}

code_enum! {
    /// Something about a website that a supervisor should look at.
    WebsiteFlag {
        DomainOutsideGov = "domain_outside_gov" => FlagDomainOutsideGov,
        HighLevelOnPublicCloud = "high_level_public_cloud" => FlagHighLevelPublic,
        TrialOverdue = "trial_overdue" => FlagTrialOverdue,
        NoSecurityOfficer = "no_security_officer" => FlagNoSecurityOfficer,
    }
}

/// A website as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebsiteRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub name: String,
    pub domain: String,
    pub protection_level: i16,
    pub service_model: ServiceModel,
    pub deployment_model: DeploymentModel,
    pub phase: Phase,
    /// `YYYY-MM-DD`, the day the current phase began.
    pub phase_since: String,
    pub security_officer: Option<String>,
    pub flags: Vec<WebsiteFlag>,
}

/// One website with what its page needs: the row, who serves it, and whether the viewer may edit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebsiteDetail {
    pub website: WebsiteRow,
    pub security_officer_id: Option<Uuid>,
    pub providers: Vec<(String, EngagementRole)>,
    pub can_edit: bool,
    /// People of the agency who may be named responsible security officer (only for editors).
    pub officer_choices: Vec<(Uuid, String)>,
}

/// An engagement as both sides and the regulator see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngagementRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub agency_name: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub role: EngagementRole,
    pub status: EngagementStatus,
    /// Whether it grants access today (accepted, and today within its dates).
    pub in_force: bool,
    /// Accepted, but its first day is still to come.
    pub starts_later: bool,
    pub starts_on: String,
    pub ends_on: String,
    pub nda_signed_on: Option<String>,
    pub nda_signed_by: Option<String>,
    pub change_notice_days: i32,
    /// The websites covered, when the viewer may see them (`None`: hidden from this viewer).
    pub websites: Option<Vec<(Uuid, String, String)>>,
    pub website_count: usize,
    /// What the viewer may do with it now.
    pub can_answer: bool,
    pub can_end: bool,
    /// How it closed, once declined or ended.
    pub closing: Option<Closing>,
}

/// The longest reason a closing keeps (a paragraph; the audit summary carries it too). The form
/// limits it too, so it lives where both halves read it.
pub const MAX_REASON_CHARS: usize = 1000;

/// The day an engagement was declined or ended, by which side, and the reason it gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Closing {
    pub on: String,
    pub by: String,
    pub reason: Option<String>,
}

/// A provider organisation an agency may invite (name and kind only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderChoice {
    pub id: Uuid,
    pub name: String,
    pub kind: OrgKind,
    pub subtype: Option<SupplierSubtype>,
}

/// A node of the jurisdiction tree: a regulator, the agencies directly under it, and its sub-regulators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JurisdictionNode {
    pub id: Uuid,
    pub name: String,
    pub agencies: Vec<(Uuid, String)>,
    pub children: Vec<JurisdictionNode>,
}

/// The platform's jurisdiction page: the forest of regulators and the agencies under none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JurisdictionTree {
    pub roots: Vec<JurisdictionNode>,
    pub unplaced_agencies: Vec<(Uuid, String)>,
    pub regulators: Vec<(Uuid, String)>,
    pub agencies: Vec<(Uuid, String)>,
}

/// A website's fields as a form sends them; the service parses them into a checked website.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebsiteInput {
    pub name: String,
    pub domain: String,
    pub protection_level: String,
    pub service_model: String,
    pub deployment_model: String,
    pub phase: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub phase_since: Option<String>,
    #[serde(default)]
    pub security_officer_id: Option<String>,
}

/// The filters and order of a website list (the regulator's table uses all of them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebsiteFilter {
    /// Part of the agency's name, the website's name or its domain.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub flag: Option<String>,
    /// `agency`, `name`, `domain`, `level`, `phase`; a leading `-` sorts descending.
    #[serde(default)]
    pub sort: Option<String>,
    /// 1-based page of the list (the CSV has every row).
    #[serde(default)]
    pub page: Option<String>,
}

/// An invitation as the agency's form sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteInput {
    pub provider_id: String,
    /// Absent (the form): the role follows from the provider's kind; given (the API, older
    /// clients), it must fit the provider.
    #[serde(default)]
    pub role: Option<String>,
    /// Absent when no box is ticked: then the service names the missing choice.
    #[serde(default)]
    pub website_ids: Vec<String>,
    pub starts_on: String,
    pub ends_on: String,
    #[serde(default)]
    pub nda_signed_on: Option<String>,
    #[serde(default)]
    pub nda_signed_by: Option<String>,
    #[serde(default)]
    pub change_notice_days: Option<String>,
}

impl WebsiteFilter {
    /// The query string that reproduces this filter (for the CSV link and plain links).
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("level", &self.level),
            ("phase", &self.phase),
            ("flag", &self.flag),
            ("sort", &self.sort),
            ("page", &self.page),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", crate::ui::encode_query(v)));
            }
        }
        parts.join("&")
    }
}

/// What the websites page needs: the rows in the viewer's reach and whether it may add websites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebsiteList {
    /// One page of the matching websites.
    pub rows: Vec<WebsiteRow>,
    /// How many match in all.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub can_create: bool,
    pub officer_choices: Vec<(Uuid, String)>,
}

/// What the engagements page needs: the rows, and for an agency's administrator what it may invite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngagementList {
    pub rows: Vec<EngagementRow>,
    pub can_invite: bool,
    pub providers: Vec<ProviderChoice>,
    pub own_websites: Vec<(Uuid, String, String)>,
}

/// One mail of the outbox, as the platform administrator sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailRow {
    pub to: String,
    pub subject: String,
    /// `pending`, `sent` or `dead` (given up on after the last attempt).
    pub state: String,
    pub attempts: i32,
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// The mail outbox: counts by state, and the newest mails (of one state, when asked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    pub pending: u64,
    pub sent: u64,
    pub dead: u64,
    /// The state the list is narrowed to, if any.
    pub state: Option<String>,
    pub mails: Vec<MailRow>,
}

/// How many mails the outbox list shows (newest first).
pub const OUTBOX_ROWS: u64 = 100;

/// An invitation not yet accepted, as the administrator's people page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub expires_at: String,
    pub expired: bool,
}

/// What the invitation page shows to the person invited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationView {
    pub organisation: String,
    pub email: String,
    pub display_name: String,
}
