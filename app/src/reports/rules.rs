//! The rules of reports in plain Rust: period dates, due dates, states, the review state machine,
//! summary ranges and file types. No database, no clock: callers pass today.
use time::Date;

use super::{
    AssessmentSummary, CspMonthlySummary, Decision, Period, PeriodState, SecurityCheckSummary, SelfCheckSummary,
    ServiceSummary, Severities, SubmissionStatus, Summary,
};
use crate::i18n::Msg;

/// The largest count a summary accepts: far above any real month, below anything that overflows.
pub const MAX_COUNT: i64 = 1_000_000_000;
/// Longest notes, comment or plan.
pub const MAX_TEXT: usize = 20_000;
/// The largest file accepted, in bytes (200 MiB); the browser checks it too, before sending.
pub use super::MAX_FILE_BYTES;
/// Most files on one version.
pub const MAX_FILES: usize = 20;

pub use crate::domain::period::{containing, due_date, end, from_start, last_ended, periods_begun, start};

/// What is known of a period's submission when computing its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubmissionFacts {
    pub status: SubmissionStatus,
    /// The day (in the viewer's time zone) the first version arrived.
    pub first_submitted_on: Date,
    pub versions: i32,
}

/// The state of one period for a viewer whose today is `today`.
///
/// Lateness is judged by the first version: a report sent on time and returned for a correction
/// was still sent on time.
pub fn period_state(p: Period, due_day: u8, today: Date, submission: Option<SubmissionFacts>) -> PeriodState {
    let due = due_date(p, due_day);
    state_with(p, due_day, today, submission.map(|s| (s.status, s.first_submitted_on > due, s.versions)))
}

/// The state of one period from its submission's status, whether its first version was late,
/// and its versions (as the work list's query reads them).
pub fn state_with(p: Period, due_day: u8, today: Date, submission: Option<(SubmissionStatus, bool, i32)>) -> PeriodState {
    let due = due_date(p, due_day);
    match submission {
        None if today <= end(p) => PeriodState::NotYetDue,
        None if today <= due => PeriodState::Due { days_left: (due - today).whole_days() },
        None => PeriodState::Overdue { days: (today - due).whole_days() },
        Some((status, late, versions)) => match status {
            SubmissionStatus::Submitted => PeriodState::Submitted { late, version: versions },
            SubmissionStatus::Returned => PeriodState::Returned { version: versions },
            SubmissionStatus::Accepted if late => PeriodState::AcceptedLate,
            SubmissionStatus::Accepted => PeriodState::Accepted,
        },
    }
}

/// A step in a submission's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A version arrives: the first, or a new one after a return.
    Submit,
    Review(Decision),
}

/// Why a step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A version is already waiting for review.
    AlreadyOpen,
    /// Accepted is final.
    AlreadyAccepted,
    /// Nothing is waiting for review.
    NothingToReview,
}

impl Refusal {
    pub fn msg(self) -> Msg {
        match self {
            Refusal::AlreadyOpen => Msg::ErrSubmissionOpen,
            Refusal::AlreadyAccepted => Msg::ErrSubmissionAccepted,
            Refusal::NothingToReview => Msg::ErrNothingToReview,
        }
    }
}

/// The review state machine: from no submission or a status, a step leads to a status or is refused.
pub fn transition(from: Option<SubmissionStatus>, step: Step) -> Result<SubmissionStatus, Refusal> {
    use SubmissionStatus::*;
    match (from, step) {
        (None | Some(Returned), Step::Submit) => Ok(Submitted),
        (Some(Submitted), Step::Submit) => Err(Refusal::AlreadyOpen),
        (Some(Accepted), Step::Submit) => Err(Refusal::AlreadyAccepted),
        (Some(Submitted), Step::Review(Decision::Accept)) => Ok(Accepted),
        (Some(Submitted), Step::Review(Decision::Return)) => Ok(Returned),
        (Some(Accepted), Step::Review(_)) => Err(Refusal::AlreadyAccepted),
        (None | Some(Returned), Step::Review(_)) => Err(Refusal::NothingToReview),
    }
}

/// Whether a period may take a submission: inside the obligation's range and already begun.
pub fn period_open(p: Period, first: Period, last: Option<Period>, today: Date) -> Result<(), Msg> {
    if p.cadence() != first.cadence() {
        return Err(Msg::ErrPeriodCadence);
    }
    if p.ordinal() < first.ordinal() || last.is_some_and(|l| p.ordinal() > l.ordinal()) {
        return Err(Msg::ErrPeriodOutside);
    }
    if start(p) > today {
        return Err(Msg::ErrPeriodNotBegun);
    }
    Ok(())
}

/// A refused summary figure: the field's path and what is wrong.
pub type FieldError = (&'static str, Msg);

fn count(field: &'static str, v: i64) -> Result<(), FieldError> {
    if v < 0 {
        Err((field, Msg::ErrNegative))
    } else if v > MAX_COUNT {
        Err((field, Msg::ErrTooLarge))
    } else {
        Ok(())
    }
}

fn percent(field: &'static str, v: f64) -> Result<(), FieldError> {
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        Err((field, Msg::ErrPercent))
    } else {
        Ok(())
    }
}

fn text(field: &'static str, v: &str, required: bool) -> Result<(), FieldError> {
    if required && v.trim().is_empty() {
        Err((field, Msg::ErrRequired))
    } else if v.chars().count() > MAX_TEXT {
        Err((field, Msg::ErrTextTooLong))
    } else {
        Ok(())
    }
}

fn severities(prefix: [&'static str; 4], s: &Severities) -> Result<(), FieldError> {
    count(prefix[0], s.critical)?;
    count(prefix[1], s.high)?;
    count(prefix[2], s.medium)?;
    count(prefix[3], s.low)
}

/// Field names of severity counts, in the order critical, high, medium, low.
macro_rules! sev {
    ($p:literal) => {
        [concat!($p, ".critical"), concat!($p, ".high"), concat!($p, ".medium"), concat!($p, ".low")]
    };
}

/// Checks every figure of a summary; the first refused one is named.
pub fn validate_summary(summary: &Summary) -> Result<(), FieldError> {
    match summary {
        Summary::CspMonthly(CspMonthlySummary {
            availability_pct,
            vulnerabilities_found,
            vulnerabilities_fixed,
            incidents,
            patches_applied,
            backups_succeeded,
            backups_failed,
            restore_test_done: _,
            attacks_blocked,
            notes,
        }) => {
            percent("availability_pct", *availability_pct)?;
            severities(sev!("vulnerabilities_found"), vulnerabilities_found)?;
            severities(sev!("vulnerabilities_fixed"), vulnerabilities_fixed)?;
            count("incidents", *incidents)?;
            count("patches_applied", *patches_applied)?;
            count("backups_succeeded", *backups_succeeded)?;
            count("backups_failed", *backups_failed)?;
            count("attacks_blocked", *attacks_blocked)?;
            text("notes", notes, false)
        }
        Summary::SupplierService(ServiceSummary {
            changes_delivered,
            incidents,
            vulnerabilities_found,
            vulnerabilities_fixed,
            notes,
        }) => {
            count("changes_delivered", *changes_delivered)?;
            count("incidents", *incidents)?;
            severities(sev!("vulnerabilities_found"), vulnerabilities_found)?;
            severities(sev!("vulnerabilities_fixed"), vulnerabilities_fixed)?;
            text("notes", notes, false)
        }
        Summary::SelfCheck(SelfCheckSummary { websites_checked, issues_found, issues_fixed, notes }) => {
            count("websites_checked", *websites_checked)?;
            count("issues_found", *issues_found)?;
            count("issues_fixed", *issues_fixed)?;
            text("notes", notes, false)
        }
        Summary::SecurityCheck(SecurityCheckSummary { findings, findings_fixed, improvement_plan, notes }) => {
            severities(sev!("findings"), findings)?;
            severities(sev!("findings_fixed"), findings_fixed)?;
            text("improvement_plan", improvement_plan, true)?;
            text("notes", notes, false)
        }
        Summary::Assessment(AssessmentSummary { conclusion: _, score, findings, notes }) => {
            percent("score", *score)?;
            severities(sev!("findings"), findings)?;
            text("notes", notes, false)
        }
    }
}

/// The file types a report may carry, by family: what the name promises and what the content must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFamily {
    Pdf,
    /// Word, Excel, PowerPoint (OOXML or the older OLE format) and OpenDocument.
    Office,
    Csv,
    Zip,
    Image,
}

/// The family a file name promises, by its extension (`None`: not a type reports accept).
pub fn family_of_name(name: &str) -> Option<FileFamily> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => FileFamily::Pdf,
        "doc" | "docx" | "xls" | "xlsx" | "ppt" | "pptx" | "odt" | "ods" | "odp" => FileFamily::Office,
        "csv" => FileFamily::Csv,
        "zip" => FileFamily::Zip,
        "png" | "jpg" | "jpeg" | "gif" | "webp" => FileFamily::Image,
        _ => return None,
    })
}

/// What the first bytes of a file are, as far as reports care: the media type to store.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if let Some(kind) = infer::get(head) {
        return Some(kind.mime_type());
    }
    // CSV has no magic number: accept readable text (UTF-8, or GB 18030 bytes without NULs).
    if !head.is_empty() && !head.contains(&0) {
        return Some("text/csv");
    }
    None
}

/// Whether the sniffed media type fits what the name promises; OOXML and OpenDocument files are
/// ZIP archives, so a ZIP signature fits an office name (infer only names them when the part list
/// comes early in the archive).
pub fn content_fits(family: FileFamily, media_type: &str) -> bool {
    match family {
        FileFamily::Pdf => media_type == "application/pdf",
        FileFamily::Office => {
            media_type == "application/zip"
                || media_type == "application/x-ole-storage"
                || media_type == "application/msword"
                || media_type == "application/vnd.ms-excel"
                || media_type == "application/vnd.ms-powerpoint"
                || media_type.starts_with("application/vnd.openxmlformats-officedocument.")
                || media_type.starts_with("application/vnd.oasis.opendocument.")
        }
        FileFamily::Csv => media_type == "text/csv",
        FileFamily::Zip => media_type == "application/zip",
        FileFamily::Image => matches!(media_type, "image/png" | "image/jpeg" | "image/gif" | "image/webp"),
    }
}

/// A stored name for an uploaded file: the last path segment, without control characters, at most 255 bytes.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out: String = last.chars().filter(|c| !c.is_control()).collect();
    out = out.trim().to_string();
    while out.len() > 255 {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::Cadence;
    use time::macros::date;
    use SubmissionStatus::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn states_follow_the_dates_and_the_submission() {
        let oct = p("2026-10");
        let facts = |status, on, versions| Some(SubmissionFacts { status, first_submitted_on: on, versions });
        for (today, sub, want) in [
            (date!(2026 - 10 - 15), None, PeriodState::NotYetDue),
            (date!(2026 - 10 - 31), None, PeriodState::NotYetDue),
            (date!(2026 - 11 - 01), None, PeriodState::Due { days_left: 9 }),
            (date!(2026 - 11 - 10), None, PeriodState::Due { days_left: 0 }),
            (date!(2026 - 11 - 11), None, PeriodState::Overdue { days: 1 }),
            (date!(2027 - 01 - 10), None, PeriodState::Overdue { days: 61 }),
            (
                date!(2026 - 11 - 20),
                facts(Submitted, date!(2026 - 11 - 10), 1),
                PeriodState::Submitted { late: false, version: 1 },
            ),
            (
                date!(2026 - 11 - 20),
                facts(Submitted, date!(2026 - 11 - 11), 2),
                PeriodState::Submitted { late: true, version: 2 },
            ),
            (date!(2026 - 11 - 20), facts(Returned, date!(2026 - 11 - 02), 1), PeriodState::Returned { version: 1 }),
            (date!(2026 - 11 - 20), facts(Accepted, date!(2026 - 11 - 10), 3), PeriodState::Accepted),
            (date!(2026 - 11 - 20), facts(Accepted, date!(2026 - 11 - 12), 1), PeriodState::AcceptedLate),
        ] {
            assert_eq!(period_state(oct, 10, today, sub), want, "{today} {sub:?}");
        }
    }

    #[test]
    fn midnight_in_shanghai_is_not_midnight_in_utc() {
        use crate::backend::time_fmt::date_in_zone;
        // 16:30 UTC on the due day is 00:30 the next day in Asia/Shanghai.
        let at = time::macros::datetime!(2026-11-10 16:30 UTC);
        let oct = p("2026-10");
        let state = |zone| {
            let on = date_in_zone(at, zone);
            period_state(
                oct,
                10,
                date!(2026 - 11 - 20),
                Some(SubmissionFacts { status: Accepted, first_submitted_on: on, versions: 1 }),
            )
        };
        assert_eq!(state("UTC"), PeriodState::Accepted);
        assert_eq!(state("Asia/Shanghai"), PeriodState::AcceptedLate);
        // And "today" itself: at that instant the period is due in UTC, overdue in Shanghai.
        assert_eq!(period_state(oct, 10, date_in_zone(at, "UTC"), None), PeriodState::Due { days_left: 0 });
        assert_eq!(period_state(oct, 10, date_in_zone(at, "Asia/Shanghai"), None), PeriodState::Overdue { days: 1 });
    }

    #[test]
    fn the_review_state_machine_allows_exactly_these_steps() {
        use Decision::*;
        let all_from = [None, Some(Submitted), Some(Returned), Some(Accepted)];
        let all_steps = [Step::Submit, Step::Review(Accept), Step::Review(Return)];
        let allowed = [
            (None, Step::Submit, Submitted),
            (Some(Returned), Step::Submit, Submitted),
            (Some(Submitted), Step::Review(Accept), Accepted),
            (Some(Submitted), Step::Review(Return), Returned),
        ];
        let mut checked = 0;
        for from in all_from {
            for step in all_steps {
                let got = transition(from, step);
                match allowed.iter().find(|(f, s, _)| *f == from && *s == step) {
                    Some((_, _, to)) => assert_eq!(got, Ok(*to), "{from:?} {step:?}"),
                    None => assert!(got.is_err(), "{from:?} {step:?} must be refused, got {got:?}"),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 12);
        assert_eq!(transition(Some(Submitted), Step::Submit), Err(Refusal::AlreadyOpen));
        assert_eq!(transition(Some(Accepted), Step::Submit), Err(Refusal::AlreadyAccepted));
        assert_eq!(transition(Some(Accepted), Step::Review(Return)), Err(Refusal::AlreadyAccepted));
        assert_eq!(transition(None, Step::Review(Accept)), Err(Refusal::NothingToReview));
        assert_eq!(transition(Some(Returned), Step::Review(Accept)), Err(Refusal::NothingToReview));
    }

    #[test]
    fn periods_open_for_submission() {
        let today = date!(2026 - 11 - 25);
        let first = p("2026-01");
        assert_eq!(period_open(p("2026-10"), first, None, today), Ok(()));
        assert_eq!(period_open(p("2026-11"), first, None, today), Ok(()));
        assert_eq!(period_open(p("2026-12"), first, None, today), Err(Msg::ErrPeriodNotBegun));
        assert_eq!(period_open(p("2025-12"), first, None, today), Err(Msg::ErrPeriodOutside));
        assert_eq!(period_open(p("2026-10"), first, Some(p("2026-09")), today), Err(Msg::ErrPeriodOutside));
        assert_eq!(period_open(p("2026-Q3"), first, None, today), Err(Msg::ErrPeriodCadence));
        assert_eq!(periods_begun(first, Some(p("2026-03")), today, 12), vec![p("2026-03"), p("2026-02"), p("2026-01")]);
        assert_eq!(periods_begun(first, None, today, 2), vec![p("2026-11"), p("2026-10")]);
        assert_eq!(last_ended(Cadence::Quarterly, today, 3), vec![p("2026-Q1"), p("2026-Q2"), p("2026-Q3")]);
        assert_eq!(last_ended(Cadence::Monthly, date!(2026 - 01 - 05), 2), vec![p("2025-11"), p("2025-12")]);
    }

    fn csp() -> CspMonthlySummary {
        CspMonthlySummary { availability_pct: 99.95, restore_test_done: true, ..Default::default() }
    }

    #[test]
    fn summary_figures_have_ranges() {
        assert_eq!(validate_summary(&Summary::CspMonthly(csp())), Ok(()));
        let cases: Vec<(Summary, FieldError)> = vec![
            (
                Summary::CspMonthly(CspMonthlySummary { availability_pct: 100.01, ..csp() }),
                ("availability_pct", Msg::ErrPercent),
            ),
            (
                Summary::CspMonthly(CspMonthlySummary { availability_pct: f64::NAN, ..csp() }),
                ("availability_pct", Msg::ErrPercent),
            ),
            (
                Summary::CspMonthly(CspMonthlySummary {
                    vulnerabilities_found: Severities { high: -1, ..Default::default() },
                    ..csp()
                }),
                ("vulnerabilities_found.high", Msg::ErrNegative),
            ),
            (
                Summary::CspMonthly(CspMonthlySummary { backups_failed: MAX_COUNT + 1, ..csp() }),
                ("backups_failed", Msg::ErrTooLarge),
            ),
            (
                Summary::SecurityCheck(SecurityCheckSummary { improvement_plan: "  ".into(), ..Default::default() }),
                ("improvement_plan", Msg::ErrRequired),
            ),
            (
                Summary::SelfCheck(SelfCheckSummary { notes: "x".repeat(MAX_TEXT + 1), ..Default::default() }),
                ("notes", Msg::ErrTextTooLong),
            ),
            (
                Summary::Assessment(AssessmentSummary {
                    conclusion: super::super::Conclusion::Conforming,
                    score: -0.5,
                    findings: Severities::default(),
                    notes: String::new(),
                }),
                ("score", Msg::ErrPercent),
            ),
        ];
        for (summary, want) in cases {
            assert_eq!(validate_summary(&summary), Err(want), "{summary:?}");
        }
        assert_eq!(
            validate_summary(&Summary::CspMonthly(CspMonthlySummary { availability_pct: 100.0, ..csp() })),
            Ok(())
        );
    }

    #[test]
    fn file_types_are_judged_by_content() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let zip = b"PK\x03\x04\x14\0\0\0\0\0";
        assert_eq!(sniff(pdf), Some("application/pdf"));
        assert_eq!(sniff(png), Some("image/png"));
        assert_eq!(sniff(b"month,availability\n2026-10,99.9\n"), Some("text/csv"));
        assert_eq!(sniff(b"\0\0\0\x01binary"), None);
        assert!(content_fits(FileFamily::Pdf, sniff(pdf).unwrap()));
        assert!(!content_fits(FileFamily::Pdf, sniff(png).unwrap()), "a PNG named .pdf");
        assert!(content_fits(FileFamily::Office, sniff(zip).unwrap()), "docx is a zip");
        assert!(!content_fits(FileFamily::Csv, sniff(pdf).unwrap()));
        assert_eq!(family_of_name("Report.PDF"), Some(FileFamily::Pdf));
        assert_eq!(family_of_name("a.tar.gz"), None);
        assert_eq!(family_of_name("noext"), None);
        assert_eq!(family_of_name("run.exe"), None);
        assert_eq!(clean_file_name("C:\\Users\\x\\月报.pdf"), "月报.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\n.pdf"), "ab.pdf");
    }
}
