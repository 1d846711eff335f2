//! Report pages, one file per concern: the work list (with obligations), the submission form with
//! its upload progress, one submission with its review, and the regulator's matrix; this file holds
//! what they share.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::{Form, A},
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use super::{
    api::{CreateObligation, EndObligation, RemindOverdue, ReviewSubmission},
    Cadence, Conclusion, Decision, ItemFilter, Matrix, MatrixFilter, MatrixGroup, ObligationChoices, ObligationRow,
    Period, PeriodItem, PeriodState, ReportKind, Severities, StateCode, SubmissionView, SubmitForm, Summary,
    VersionView,
};
use crate::{
    error::AppError,
    i18n::{t, use_locale, Locale, Msg},
    ui::{encode_query, ActionError, DetailError, ErrorNotice, FilterSelect},
};

mod matrix;
mod obligations;
mod submission;
mod submit;
mod work;
pub use matrix::*;
pub use obligations::*;
pub use submission::*;
pub use submit::*;
pub use work::*;

/// The state of a period as a badge (its code drives the colour).
#[component]
pub fn StateBadge(state: PeriodState) -> impl IntoView {
    let locale = use_locale();
    let code = state.code();
    let text = match state {
        PeriodState::Due { days_left } => {
            format!("{} · {days_left} {}", code.label().text(locale), Msg::DaysLeft.text(locale))
        }
        PeriodState::Overdue { days } => format!("{} · {days} {}", code.label().text(locale), Msg::Days.text(locale)),
        PeriodState::Submitted { late: true, version } => {
            format!("{} v{version} · {}", code.label().text(locale), Msg::Late.text(locale))
        }
        PeriodState::Submitted { version, .. } | PeriodState::Returned { version } => {
            format!("{} v{version}", code.label().text(locale))
        }
        _ => code.label().text(locale).to_string(),
    };
    view! { <span class=format!("state st-{}", code.code()) data-state=code.code()>{text}</span> }
}

use crate::ui::size_text;

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_are_labelled_in_binary_units() {
        assert_eq!(super::size_text(512), "512 B");
        assert_eq!(super::size_text(1536), "1.5 KiB");
        assert_eq!(super::size_text(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(super::size_text(crate::reports::MAX_FILE_BYTES as i64), "200.0 MiB");
    }
}
