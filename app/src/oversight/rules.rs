//! The attention score (issue 23): how much a regulator should look at one agency now, as a sum
//! of weighted concerns, each with its points and its count, so the page shows the reasons
//! ("2 overdue reports, 1 level-II incident open 3 days") and the weights it used. Plain
//! functions over plain facts; the table-driven tests below are the rules' specification.
use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

code_enum! {
    /// One kind of concern the score adds up.
    #[serde(rename_all = "snake_case")]
    Concern {
        IncidentOpen = "incident_open" => OvConIncidentOpen,
        ReportLate = "report_late" => OvConReportLate,
        ReportOverdue = "report_overdue" => OvConReportOverdue,
        SlaBreach = "sla_breach" => OvConSlaBreach,
        ExitOverdue = "exit_overdue" => OvConExitOverdue,
        CoverGap = "cover_gap" => OvConCoverGap,
        DrillOverdue = "drill_overdue" => OvConDrillOverdue,
        PlanReviewOverdue = "plan_review_overdue" => OvConPlanReviewOverdue,
        ChangeAwaiting = "change_awaiting" => OvConChangeAwaiting,
        Level4PublicCloud = "level4_public_cloud" => OvConLevel4PublicCloud,
        TrialTooLong = "trial_too_long" => OvConTrialTooLong,
        DomainOutside = "domain_outside" => OvConDomainOutside,
    }
}

/// An open incident as the score reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenIncident {
    /// 1 (level I, the gravest) to 4.
    pub level: u8,
    /// Whole days since it was opened.
    pub days_open: u32,
}

/// What the score is computed from, for one agency on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub open_incidents: Vec<OpenIncident>,
    /// Incidents whose report to the regulator (or the CSP's to the agency) came late.
    pub late_incident_reports: u32,
    pub overdue_reports: u32,
    pub sla_breaches: u32,
    pub overdue_exits: u32,
    /// Hours of coming special periods nobody covers.
    pub uncovered_hours: u32,
    pub overdue_drills: u32,
    pub overdue_plan_reviews: u32,
    pub changes_awaiting: u32,
    pub level4_public_cloud: u32,
    pub trial_too_long: u32,
    pub domain_outside: u32,
}

/// One reason in a score: what, how many, and the points it adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub concern: Concern,
    pub count: u32,
    pub points: u32,
    /// For an incident: its level (1–4) and days open; otherwise none.
    pub level: Option<u8>,
    pub days_open: Option<u32>,
}

/// An agency's score with its reasons, the heaviest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: u32,
    pub reasons: Vec<Reason>,
}

/// The weights, shown on the page as they are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    /// An open incident by level (I to IV), before its days open.
    pub incident: [u32; 4],
    /// Added per day open for levels I and II (a grave incident weighs more each day).
    pub incident_per_day: u32,
    /// The most an incident's days may add.
    pub incident_days_cap: u32,
    pub late_incident_report: u32,
    pub overdue_report: u32,
    pub sla_breach: u32,
    pub overdue_exit: u32,
    /// Per started block of `cover_hours_per_point` uncovered hours, up to `cover_cap`.
    pub cover_hours_per_point: u32,
    pub cover_cap: u32,
    pub overdue_drill: u32,
    pub overdue_plan_review: u32,
    pub change_awaiting: u32,
    pub level4_public_cloud: u32,
    pub trial_too_long: u32,
    pub domain_outside: u32,
}

/// The portal's weights: what endangers citizens' services now (an open grave incident, a late
/// report of one) outweighs what is overdue on paper, which outweighs standing flags. A drill is
/// counted per category overdue (up to eight an agency), so each weighs 1: an agency behind on
/// every drill still ranks below one with a fresh level-II incident.
pub const WEIGHTS: Weights = Weights {
    incident: [20, 10, 4, 1],
    incident_per_day: 1,
    incident_days_cap: 30,
    late_incident_report: 8,
    overdue_report: 3,
    sla_breach: 3,
    overdue_exit: 4,
    cover_hours_per_point: 4,
    cover_cap: 10,
    overdue_drill: 1,
    overdue_plan_review: 2,
    change_awaiting: 1,
    level4_public_cloud: 5,
    trial_too_long: 2,
    domain_outside: 2,
};

/// The score of `facts` under `w`: each concern's points with its reason, heaviest first (ties in
/// the order of [`Concern::ALL`]); concerns that add nothing are left out.
pub fn score(facts: &Facts, w: &Weights) -> Score {
    let mut reasons = Vec::new();
    for i in &facts.open_incidents {
        let level = i.level.clamp(1, 4);
        let days = if level <= 2 { (i.days_open * w.incident_per_day).min(w.incident_days_cap) } else { 0 };
        reasons.push(Reason {
            concern: Concern::IncidentOpen,
            count: 1,
            points: w.incident[usize::from(level - 1)] + days,
            level: Some(level),
            days_open: Some(i.days_open),
        });
    }
    let mut counted = |concern: Concern, count: u32, each: u32| {
        if count > 0 && each > 0 {
            reasons.push(Reason { concern, count, points: count.saturating_mul(each), level: None, days_open: None });
        }
    };
    counted(Concern::ReportLate, facts.late_incident_reports, w.late_incident_report);
    counted(Concern::ReportOverdue, facts.overdue_reports, w.overdue_report);
    counted(Concern::SlaBreach, facts.sla_breaches, w.sla_breach);
    counted(Concern::ExitOverdue, facts.overdue_exits, w.overdue_exit);
    counted(Concern::DrillOverdue, facts.overdue_drills, w.overdue_drill);
    counted(Concern::PlanReviewOverdue, facts.overdue_plan_reviews, w.overdue_plan_review);
    counted(Concern::ChangeAwaiting, facts.changes_awaiting, w.change_awaiting);
    counted(Concern::Level4PublicCloud, facts.level4_public_cloud, w.level4_public_cloud);
    counted(Concern::TrialTooLong, facts.trial_too_long, w.trial_too_long);
    counted(Concern::DomainOutside, facts.domain_outside, w.domain_outside);
    if facts.uncovered_hours > 0 && w.cover_hours_per_point > 0 {
        let points = facts.uncovered_hours.div_ceil(w.cover_hours_per_point).min(w.cover_cap);
        reasons.push(Reason {
            concern: Concern::CoverGap,
            count: facts.uncovered_hours,
            points,
            level: None,
            days_open: None,
        });
    }
    let rank = |c: Concern| Concern::ALL.iter().position(|x| *x == c).unwrap_or(usize::MAX);
    reasons.sort_by(|a, b| b.points.cmp(&a.points).then(rank(a.concern).cmp(&rank(b.concern))));
    Score { total: reasons.iter().fold(0u32, |a, r| a.saturating_add(r.points)), reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(level: u8, days_open: u32) -> OpenIncident {
        OpenIncident { level, days_open }
    }

    #[test]
    fn an_agency_with_nothing_to_look_at_scores_nothing() {
        assert_eq!(score(&Facts::default(), &WEIGHTS), Score::default());
    }

    /// Facts, the total, and the reasons' concerns and points, heaviest first.
    type Case = (Facts, u32, Vec<(Concern, u32)>);

    #[test]
    fn scores_add_their_reasons_heaviest_first() {
        let cases: Vec<Case> = vec![
            (Facts { overdue_reports: 2, ..Facts::default() }, 6, vec![(Concern::ReportOverdue, 6)]),
            // A level-II incident open 3 days: 10 + 3.
            (
                Facts { overdue_reports: 2, open_incidents: vec![incident(2, 3)], ..Facts::default() },
                19,
                vec![(Concern::IncidentOpen, 13), (Concern::ReportOverdue, 6)],
            ),
            // Days weigh only for levels I and II, and at most the cap.
            (Facts { open_incidents: vec![incident(3, 40)], ..Facts::default() }, 4, vec![(Concern::IncidentOpen, 4)]),
            (
                Facts { open_incidents: vec![incident(1, 90)], ..Facts::default() },
                50,
                vec![(Concern::IncidentOpen, 50)],
            ),
            // Uncovered hours by started blocks of four, capped.
            (Facts { uncovered_hours: 5, ..Facts::default() }, 2, vec![(Concern::CoverGap, 2)]),
            (Facts { uncovered_hours: 400, ..Facts::default() }, 10, vec![(Concern::CoverGap, 10)]),
            // Ties keep the order of the concerns: a late report before an overdue exit's tie.
            (
                Facts { late_incident_reports: 1, overdue_exits: 2, ..Facts::default() },
                16,
                vec![(Concern::ReportLate, 8), (Concern::ExitOverdue, 8)],
            ),
            (
                Facts {
                    level4_public_cloud: 1,
                    trial_too_long: 1,
                    domain_outside: 1,
                    changes_awaiting: 3,
                    ..Facts::default()
                },
                12,
                vec![
                    (Concern::Level4PublicCloud, 5),
                    (Concern::ChangeAwaiting, 3),
                    (Concern::TrialTooLong, 2),
                    (Concern::DomainOutside, 2),
                ],
            ),
            (
                Facts { sla_breaches: 1, overdue_drills: 1, overdue_plan_reviews: 1, ..Facts::default() },
                6,
                vec![(Concern::SlaBreach, 3), (Concern::PlanReviewOverdue, 2), (Concern::DrillOverdue, 1)],
            ),
        ];
        for (facts, total, reasons) in cases {
            let s = score(&facts, &WEIGHTS);
            assert_eq!(s.total, total, "{facts:?}");
            let got: Vec<(Concern, u32)> = s.reasons.iter().map(|r| (r.concern, r.points)).collect();
            assert_eq!(got, reasons, "{facts:?}");
        }
    }

    #[test]
    fn an_incident_reason_says_its_level_and_days() {
        let s = score(&Facts { open_incidents: vec![incident(2, 3), incident(4, 1)], ..Facts::default() }, &WEIGHTS);
        assert_eq!(s.reasons[0].level, Some(2));
        assert_eq!(s.reasons[0].days_open, Some(3));
        assert_eq!(s.reasons[1].points, 1);
        assert_eq!(s.total, 14);
    }

    #[test]
    fn a_weight_of_nothing_leaves_its_concern_out() {
        let w = Weights { overdue_report: 0, ..WEIGHTS };
        assert_eq!(score(&Facts { overdue_reports: 5, ..Facts::default() }, &w), Score::default());
    }

    #[test]
    fn counts_too_large_do_not_overflow() {
        let s = score(&Facts { overdue_reports: u32::MAX, ..Facts::default() }, &WEIGHTS);
        assert_eq!(s.reasons[0].points, u32::MAX);
    }
}
