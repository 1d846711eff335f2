//! Organisations, people and roles: the kinds and roles, and the records that cross the wire.
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal => $label:ident,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            pub fn label(self) -> Msg {
                match self { $($name::$variant => Msg::$label,)* }
            }
        }
    };
}

code_enum! {
    /// What an organisation is (domain.md, "Organisations").
    OrgKind {
        Agency = "agency" => KindAgency,
        Csp = "csp" => KindCsp,
        Supplier = "supplier" => KindSupplier,
        Assessor = "assessor" => KindAssessor,
        Regulator = "regulator" => KindRegulator,
        Platform = "platform" => KindPlatform,
    }
}

code_enum! {
    /// A supply-chain provider's subtype (§5.2).
    SupplierSubtype {
        Developer = "developer" => SubDeveloper,
        Integrator = "integrator" => SubIntegrator,
        SecurityService = "security_service" => SubSecurity,
    }
}

code_enum! {
    /// A role a person holds in its own organisation.
    Role {
        OrgAdmin = "org_admin" => RoleOrgAdmin,
        SecurityOfficer = "security_officer" => RoleSecurityOfficer,
        DutyOfficer = "duty_officer" => RoleDutyOfficer,
        Viewer = "viewer" => RoleViewer,
        PlatformAdmin = "platform_admin" => RolePlatformAdmin,
    }
}

impl Role {
    /// Roles an organisation's administrator may grant; platform administration is only for the platform.
    pub fn grantable_in(kind: OrgKind) -> Vec<Role> {
        if kind == OrgKind::Platform {
            vec![Role::PlatformAdmin, Role::OrgAdmin, Role::Viewer]
        } else {
            vec![Role::OrgAdmin, Role::SecurityOfficer, Role::DutyOfficer, Role::Viewer]
        }
    }
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
}

/// What a platform administrator sees once after creating an organisation or resetting a password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub email: String,
    pub password: String,
}
