//! Sign-in, sign-out, password change and the signed-in person's view of itself.
use crate::{
    domain::{OrgKind, Role},
    i18n::Locale,
    ui::{Flash, NavPage},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod api;
pub mod pages;
ssr! {
    pub mod actor;
    pub mod entity;
    pub mod second_factor;
    pub mod sessions;
    pub mod http;
    pub mod mail;
    pub mod rules;
    pub mod scope;
    pub mod service;
    pub mod tokens;
}

/// Time zones offered on the account page (any IANA name is accepted by the service).
pub const TIME_ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
];

/// What the shell knows of the viewer; `None` when nobody is signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub person_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub organisation_name: String,
    pub organisation_kind: OrgKind,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    /// A second factor is required and not set up yet: only the security page is open.
    pub must_enrol_second_factor: bool,
    pub time_zone: String,
    pub last_login_at: Option<String>,
}

impl Viewer {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The page frame's data: who is viewing, in which language, and whether this is demo data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub viewer: Option<Viewer>,
    pub locale: Locale,
    pub demo: bool,
    pub flash: Option<Flash>,
    /// The navigation the policy grants the viewer.
    pub nav: Vec<NavPage>,
}

/// Whether a personal API token can still be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

/// A personal API token as its person sees it (never the secret, which is shown once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub state: TokenState,
}

/// One of the person's open sessions, as its security page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: Uuid,
    /// The session this page was asked from.
    pub current: bool,
    pub browser: String,
    pub platform: String,
    pub address: Option<String>,
    pub signed_in_at: String,
    pub last_seen_at: String,
}

/// One sign-in of the last 90 days; `new_*` when that network or browser had not been seen for
/// the person in the 90 days before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignInRow {
    pub at: String,
    pub address: Option<String>,
    pub network: Option<String>,
    pub browser: String,
    pub platform: String,
    pub new_network: bool,
    pub new_browser: bool,
}

/// The person's security page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityView {
    pub sessions: Vec<SessionRow>,
    pub sign_ins: Vec<SignInRow>,
}

/// A second factor being set up: the secret as text and as a QR code (SVG drawn on the server),
/// and its `otpauth://` address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub secret: String,
    pub url: String,
    pub qr_svg: String,
}

/// The person's second factor, for its security page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    pub enrolled: bool,
    pub since: Option<String>,
    pub recovery_left: usize,
    /// Its organisation (or the platform, for administrators) requires it: it cannot be turned off.
    pub required: bool,
    /// Set up but not confirmed yet.
    pub pending: Option<Enrolment>,
}
