//! Exit (§9.2–§9.3; the contract's exit and confidentiality clauses): an agency leaving an
//! engagement opens an exit; both sides agree its plan's steps; the provider fills the handover
//! inventory, whose every item the agency verifies by SHA-256; the provider records its deletion
//! plan and confirms the deletion of the data and of every backup copy; an assessor the agency
//! engages may sign it off; the agency completes it, which ends the engagement and with it the
//! provider's reach. Overdue steps are flagged and reminded; regulators see their agencies' exits.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::Msg;

pub mod api;
pub mod pages;
ssr! {
    pub mod entity;
    pub mod http;
    pub mod jobs;
    pub mod mail;
    pub mod scope;
    pub mod rules;
    pub mod service;
}

/// Who acts on an exit: its agency, its provider, or the assessor the agency named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Party {
    Agency,
    Provider,
    Assessor,
}

code_enum! {
    /// Where an exit stands, derived from its facts by [`rules::status`].
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ExitStatus {
        Planning = "planning" => ExStPlanning,
        Handover = "handover" => ExStHandover,
        Deletion = "deletion" => ExStDeletion,
        SignOff = "sign_off" => ExStSignOff,
        Closing = "closing" => ExStClosing,
        Completed = "completed" => ExStCompleted,
        Cancelled = "cancelled" => ExStCancelled,
    }
}

impl ExitStatus {
    /// Whether nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, ExitStatus::Completed | ExitStatus::Cancelled)
    }
}

code_enum! {
    /// Why the agency leaves (§9.1).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ExitReason {
        ContractEnd = "contract_end" => ExReasonContractEnd,
        ProviderChange = "provider_change" => ExReasonProviderChange,
        Security = "security" => ExReasonSecurity,
        Other = "other" => ExReasonOther,
    }
}

code_enum! {
    /// What an inventory item is (§9.3.3).
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ItemKind {
        Data = "data" => ExKindData,
        Code = "code" => ExKindCode,
        Document = "document" => ExKindDocument,
        Other = "other" => ExKindOther,
    }
}

code_enum! {
    /// How sensitive an item's content is, in the Data Security Law's classes.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Sensitivity {
        General = "general" => ExSensGeneral,
        Important = "important" => ExSensImportant,
        Core = "core" => ExSensCore,
    }
}

code_enum! {
    /// An item's verification by the agency.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Verification {
        Pending = "pending" => ExVerPending,
        Verified = "verified" => ExVerVerified,
        Mismatch = "mismatch" => ExVerMismatch,
    }
}

code_enum! {
    /// How the agency's checksum was had: recomputed on the portal's stored bytes, computed from a
    /// file it uploaded for the purpose (not kept), or typed as it computed it.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    CheckedHow {
        Stored = "stored" => ExHowStored,
        Uploaded = "uploaded" => ExHowUploaded,
        Typed = "typed" => ExHowTyped,
    }
}

code_enum! {
    /// Whose a plan step is.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    Side {
        Agency = "agency" => ExSideAgency,
        Provider = "provider" => ExSideProvider,
    }
}

code_enum! {
    /// What someone does to an exit: the state machine's events.
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    ExitAction {
        AddStep = "add_step" => ExActAddStep,
        AgreePlan = "agree_plan" => ExActAgreePlan,
        StepDone = "step_done" => ExActStepDone,
        AddItem = "add_item" => ExActAddItem,
        CorrectItem = "correct_item" => ExActCorrectItem,
        Verify = "verify" => ExActVerify,
        DeletionPlan = "deletion_plan" => ExActDeletionPlan,
        ConfirmDeletion = "confirm_deletion" => ExActConfirmDeletion,
        SetAssessor = "set_assessor" => ExActSetAssessor,
        SignOff = "sign_off" => ExActSignOff,
        Complete = "complete" => ExActComplete,
        Cancel = "cancel" => ExActCancel,
    }
}

/// The longest name or title, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest free text, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// The most steps one plan holds, and the most items one inventory holds.
pub const MAX_STEPS: usize = 100;
pub const MAX_ITEMS: usize = 500;
/// Exits on one page of the list.
pub const PAGE_ROWS: u64 = 50;

/// A named organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

/// An exit in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExitRow {
    pub id: Uuid,
    pub agency: Named,
    pub provider: Named,
    pub status: ExitStatus,
    pub reason: ExitReason,
    pub target_date: String,
    pub opened_at: String,
    /// Past its target date and not completed, or a step past its date and not done.
    pub overdue: bool,
    pub items: u32,
    pub verified: u32,
    pub mismatched: u32,
}

/// The list's filter: a status (or `open`, every status not final), overdue only, a page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExitFilter {
    pub status: Option<String>,
    pub overdue: bool,
    pub page: Option<u64>,
}

impl ExitFilter {
    /// The query string that gives this filter back (for paging links and the CSV).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty()) {
            parts.push(format!("status={s}"));
        }
        if self.overdue {
            parts.push("overdue=1".into());
        }
        parts.join("&")
    }
}

/// An engagement the agency may open an exit on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Openable {
    pub engagement_id: Uuid,
    pub provider: String,
    pub role: String,
    pub ends_on: String,
}

/// The module's page: the exits in reach, and for an agency's writer what it may open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExitHome {
    pub rows: Vec<ExitRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub filter: ExitFilter,
    pub openable: Vec<Openable>,
    pub can_open: bool,
}

/// A plan step as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepView {
    pub id: Uuid,
    pub title: String,
    pub owner: Side,
    pub due_on: String,
    pub done_at: Option<String>,
    pub overdue: bool,
    /// Whether the viewer may mark it done now.
    pub may_mark: bool,
}

/// An inventory item as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemView {
    pub id: Uuid,
    pub kind: ItemKind,
    pub name: String,
    pub description: String,
    pub format: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub sensitivity: Sensitivity,
    pub medium: String,
    /// The file held in the portal: its name and size.
    pub file_name: Option<String>,
    pub file_size: i64,
    /// The stored bytes differ from the declared checksum (the provider sees it before the agency).
    pub file_differs: bool,
    pub verification: Verification,
    pub checked_sha256: Option<String>,
    pub checked_how: Option<CheckedHow>,
    pub checked_at: Option<String>,
}

/// One exit whole, as the viewer may read it, with what the viewer may do next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExitDetail {
    pub id: Uuid,
    pub engagement_id: Uuid,
    pub agency: Named,
    pub provider: Named,
    pub assessor: Option<Named>,
    pub status: ExitStatus,
    pub reason: ExitReason,
    pub reason_text: String,
    pub target_date: String,
    pub new_provider: String,
    pub opened_at: String,
    pub overdue: bool,
    pub plan_agreed_agency: Option<String>,
    pub plan_agreed_provider: Option<String>,
    pub steps: Vec<StepView>,
    pub items: Vec<ItemView>,
    pub deletion_plan: String,
    pub deletion_plan_at: Option<String>,
    pub data_deleted_on: Option<String>,
    pub backups_deleted_on: Option<String>,
    pub deletion_note: String,
    pub deletion_confirmed_at: Option<String>,
    pub signed_off_at: Option<String>,
    pub sign_off_note: String,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub closing_reason: String,
    /// The viewer's part in it, if it acts on it.
    pub party: Option<Party>,
    /// What the viewer may do now.
    pub may: Vec<ExitAction>,
    /// What still stands between the exit and its completion (message keys).
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<String>))]
    pub blockers: Vec<Msg>,
    /// The assessors the agency may name (its assessor engagements in force).
    pub assessor_choices: Vec<Named>,
}

/// Opening an exit, as the agency types it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenInput {
    #[serde(default)]
    pub engagement_id: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub reason_text: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub target_date: String,
    #[serde(default)]
    pub new_provider: String,
}

/// An action on an exit and what goes with it (each action reads the fields it needs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActInput {
    /// A step's title (add_step), a deletion plan, a sign-off's note, a cancellation's reason.
    #[serde(default)]
    pub text: String,
    /// A step's owner: `agency` or `provider`.
    #[serde(default)]
    pub owner: String,
    /// A step's due day; the data's deletion day.
    #[serde(default)]
    pub day: String,
    /// The backups' deletion day.
    #[serde(default)]
    pub backups_day: String,
    /// The step (step_done) or the assessor organisation (set_assessor; empty: none).
    #[serde(default)]
    pub target: String,
}

/// An inventory item as the provider types it (the file, if any, comes beside it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemInput {
    pub kind: String,
    pub name: String,
    pub description: String,
    pub format: String,
    /// Bytes; empty with a file: the file's size.
    pub size_bytes: String,
    /// Lowercase or uppercase hex; empty with a file: the file's own hash.
    pub sha256: String,
    pub sensitivity: String,
    /// How it was handed over outside the portal (required without a file).
    pub medium: String,
}
