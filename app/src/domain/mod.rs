//! The vocabulary every layer shares — organisation kinds, roles, engagement roles and states —
//! below the foundation and the modules alike: the policy, the actor and every module speak it.
//! Periods and cadences live in [`period`]; the working calendar in `workdays`. (Labels are
//! translated words, the one thing the vocabulary takes from `i18n`.)
pub mod period;
#[cfg(feature = "ssr")]
pub mod textdiff;
#[cfg(feature = "ssr")]
pub mod workdays;

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// How one line of a text reads against the text before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Same,
    Added,
    Removed,
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
        Staff = "staff" => RoleStaff,
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
            vec![Role::OrgAdmin, Role::SecurityOfficer, Role::DutyOfficer, Role::Staff, Role::Viewer]
        }
    }
}

code_enum! {
    /// What a provider does for an agency under an engagement.
    EngagementRole {
        Csp = "csp" => EngRoleCsp,
        Developer = "developer" => SubDeveloper,
        Integrator = "integrator" => SubIntegrator,
        SecurityService = "security_service" => SubSecurity,
        Assessor = "assessor" => EngRoleAssessor,
    }
}

code_enum! {
    /// An engagement's state: invited by the agency, then accepted (active) or declined; ended by either side.
    EngagementStatus {
        Invited = "invited" => EngInvited,
        Active = "active" => EngActive,
        Declined = "declined" => EngDeclined,
        Ended = "ended" => EngEnded,
    }
}

impl EngagementRole {
    /// Whether an organisation of `kind` (and supplier subtype) can be engaged in this role.
    pub fn fits(self, kind: OrgKind, subtype: Option<SupplierSubtype>) -> bool {
        match self {
            EngagementRole::Csp => kind == OrgKind::Csp,
            EngagementRole::Assessor => kind == OrgKind::Assessor,
            EngagementRole::Developer => kind == OrgKind::Supplier && subtype == Some(SupplierSubtype::Developer),
            EngagementRole::Integrator => kind == OrgKind::Supplier && subtype == Some(SupplierSubtype::Integrator),
            EngagementRole::SecurityService => {
                kind == OrgKind::Supplier && subtype == Some(SupplierSubtype::SecurityService)
            }
        }
    }
}

impl EngagementRole {
    /// The one role a provider of `kind` (and supplier subtype) serves in: the invitation form
    /// derives it instead of offering a choice that could contradict the provider.
    pub fn for_provider(kind: OrgKind, subtype: Option<SupplierSubtype>) -> Option<EngagementRole> {
        EngagementRole::ALL.iter().copied().find(|r| r.fits(kind, subtype))
    }
}

impl OrgKind {
    /// Kinds that serve agencies through engagements.
    pub fn is_provider(self) -> bool {
        matches!(self, OrgKind::Csp | OrgKind::Supplier | OrgKind::Assessor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_kind_serves_in_exactly_one_role() {
        let subtypes = [
            None,
            Some(SupplierSubtype::Developer),
            Some(SupplierSubtype::Integrator),
            Some(SupplierSubtype::SecurityService),
        ];
        for kind in OrgKind::ALL.iter().copied() {
            for subtype in subtypes {
                let fitting: Vec<_> = EngagementRole::ALL.iter().copied().filter(|r| r.fits(kind, subtype)).collect();
                assert!(fitting.len() <= 1, "{kind:?} {subtype:?}: {fitting:?}");
                assert_eq!(EngagementRole::for_provider(kind, subtype), fitting.first().copied());
            }
        }
        assert_eq!(EngagementRole::for_provider(OrgKind::Csp, None), Some(EngagementRole::Csp));
        assert_eq!(
            EngagementRole::for_provider(OrgKind::Supplier, Some(SupplierSubtype::Integrator)),
            Some(EngagementRole::Integrator)
        );
        assert_eq!(EngagementRole::for_provider(OrgKind::Assessor, None), Some(EngagementRole::Assessor));
        assert_eq!(EngagementRole::for_provider(OrgKind::Supplier, None), None);
        assert_eq!(EngagementRole::for_provider(OrgKind::Agency, None), None);
    }
}
