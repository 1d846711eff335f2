//! The navigation: the pages a person may open, decided by the access policy on the server.
use serde::{Deserialize, Serialize};

/// Pages in the navigation; the server decides from the access policy which the viewer gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NavPage {
    /// The regulator's oversight: every agency with every module's status and its attention score.
    Oversight,
    Websites,
    Engagements,
    Reports,
    /// Duty rosters: who is on duty now, each roster's week.
    Rosters,
    /// Emergency response: plans, drills, follow-up actions.
    Emergency,
    /// Incidents: open ones, their timelines.
    Incidents,
    /// CSPs' significant-change notices.
    Changes,
    /// SLA tracking: engagements' service levels this month.
    Sla,
    /// Exits: handover, verification, deletion, sign-off.
    Exit,
    /// The regulator's agencies × periods matrix.
    ReportMatrix,
    Organisations,
    Jurisdictions,
    People,
    Audit,
    /// The platform's working calendar.
    WorkCalendar,
}

#[cfg(feature = "ssr")]
pub use server::nav_pages;

#[cfg(feature = "ssr")]
mod server {
    use super::NavPage;
    use crate::backend::{
        actor::Actor,
        policy::{access, relationship, Access::Read as R, Module as M, Relationship as Rel},
    };

    /// The module behind each navigation page.
    fn nav_module(page: NavPage) -> M {
        match page {
            NavPage::Oversight => M::Oversight,
            NavPage::Websites => M::Websites,
            NavPage::Engagements => M::Engagements,
            NavPage::Reports | NavPage::ReportMatrix => M::Reports,
            NavPage::Rosters => M::Rosters,
            NavPage::Emergency => M::Emergency,
            NavPage::Incidents => M::Incidents,
            NavPage::Changes => M::Changes,
            NavPage::Sla => M::Sla,
            NavPage::Exit => M::Exit,
            NavPage::Organisations => M::Organisations,
            NavPage::Jurisdictions => M::Jurisdictions,
            NavPage::People => M::People,
            NavPage::Audit => M::Audit,
            NavPage::WorkCalendar => M::Calendar,
        }
    }

    const NAV_ALL: [NavPage; 16] = [
        NavPage::Oversight,
        NavPage::Websites,
        NavPage::Engagements,
        NavPage::Reports,
        NavPage::ReportMatrix,
        NavPage::Rosters,
        NavPage::Emergency,
        NavPage::Incidents,
        NavPage::Changes,
        NavPage::Sla,
        NavPage::Exit,
        NavPage::Organisations,
        NavPage::Jurisdictions,
        NavPage::People,
        NavPage::Audit,
        NavPage::WorkCalendar,
    ];

    /// The pages a person may open, for navigation (the services check again).
    pub fn nav_pages(actor: &Actor) -> Vec<NavPage> {
        NAV_ALL
            .into_iter()
            .filter(|p| access(actor, nav_module(*p)) >= R)
            // The matrix compares agencies: only a jurisdiction has several to compare.
            .filter(|p| {
                *p != NavPage::ReportMatrix || relationship(actor.org_kind, M::Reports) == Some(Rel::Jurisdiction)
            })
            .collect()
    }
}
