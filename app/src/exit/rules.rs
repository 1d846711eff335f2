//! Exit's rules as plain functions: an exit's status from its facts, which party may take which
//! action in which status (every allowed and refused pair tested below), what blocks completion,
//! when an exit or a step is overdue, and a checksum's shape.
use time::Date;

pub use super::Party;
use super::{ExitAction as A, ExitStatus as S, Side, Verification};
use crate::i18n::Msg;

/// What an exit's status and its checks are read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub agency_agreed: bool,
    pub provider_agreed: bool,
    pub steps: usize,
    pub steps_open: usize,
    pub items: usize,
    pub verified: usize,
    pub mismatched: usize,
    pub deletion_plan: bool,
    pub deletion_confirmed: bool,
    pub assessor: bool,
    pub signed_off: bool,
    pub completed: bool,
    pub cancelled: bool,
}

/// The status the facts add up to.
pub fn status(f: &Facts) -> S {
    if f.cancelled {
        S::Cancelled
    } else if f.completed {
        S::Completed
    } else if !(f.agency_agreed && f.provider_agreed) {
        S::Planning
    } else if f.deletion_confirmed {
        if f.assessor && !f.signed_off {
            S::SignOff
        } else {
            S::Closing
        }
    } else if f.items > 0 && f.verified == f.items {
        S::Deletion
    } else {
        S::Handover
    }
}

/// Whether `party` may take `action` on an exit with these facts; the refusal says why.
pub fn check(f: &Facts, party: Party, action: A) -> Result<(), Msg> {
    use Party::*;
    let st = status(f);
    if st.is_final() {
        return Err(Msg::ExErrFinal);
    }
    let side = |allowed: &[Party]| if allowed.contains(&party) { Ok(()) } else { Err(Msg::ExErrNotYours) };
    match action {
        // The plan is written by both sides until both agreed it; then it holds.
        A::AddStep => {
            side(&[Agency, Provider])?;
            if st != S::Planning {
                return Err(Msg::ExErrPlanAgreed);
            }
            if f.steps >= super::MAX_STEPS {
                return Err(Msg::ExErrTooMany);
            }
            Ok(())
        }
        A::AgreePlan => {
            side(&[Agency, Provider])?;
            if st != S::Planning {
                return Err(Msg::ExErrPlanAgreed);
            }
            if f.steps == 0 {
                return Err(Msg::ExErrNoSteps);
            }
            let already = if party == Agency { f.agency_agreed } else { f.provider_agreed };
            if already {
                return Err(Msg::ExErrAlreadyAgreed);
            }
            Ok(())
        }
        A::StepDone => {
            side(&[Agency, Provider])?;
            if st == S::Planning {
                return Err(Msg::ExErrPlanNotAgreed);
            }
            Ok(())
        }
        // The inventory is filled while nothing is deleted yet.
        A::AddItem | A::CorrectItem => {
            side(&[Provider])?;
            if f.deletion_confirmed {
                return Err(Msg::ExErrDeleted);
            }
            if action == A::AddItem && f.items >= super::MAX_ITEMS {
                return Err(Msg::ExErrTooMany);
            }
            Ok(())
        }
        A::Verify => {
            side(&[Agency])?;
            if f.deletion_confirmed {
                return Err(Msg::ExErrDeleted);
            }
            if f.items == 0 {
                return Err(Msg::ExErrNoItems);
            }
            Ok(())
        }
        A::DeletionPlan => {
            side(&[Provider])?;
            if f.deletion_confirmed {
                return Err(Msg::ExErrDeleted);
            }
            Ok(())
        }
        // Nothing is deleted before the agency holds every item, verified.
        A::ConfirmDeletion => {
            side(&[Provider])?;
            if f.deletion_confirmed {
                return Err(Msg::ExErrDeleted);
            }
            if st == S::Planning {
                return Err(Msg::ExErrPlanNotAgreed);
            }
            if f.items == 0 || f.verified < f.items {
                return Err(Msg::ExErrNotAllVerified);
            }
            if !f.deletion_plan {
                return Err(Msg::ExErrNoDeletionPlan);
            }
            Ok(())
        }
        A::SetAssessor => {
            side(&[Agency])?;
            if f.signed_off {
                return Err(Msg::ExErrSignedOff);
            }
            Ok(())
        }
        A::SignOff => {
            side(&[Assessor])?;
            if f.signed_off {
                return Err(Msg::ExErrSignedOff);
            }
            if !f.deletion_confirmed {
                return Err(Msg::ExErrNotDeleted);
            }
            Ok(())
        }
        A::Complete => {
            side(&[Agency])?;
            blockers(f).into_iter().next().map_or(Ok(()), Err)
        }
        // Once the provider confirmed the deletion there is nothing left to call off.
        A::Cancel => {
            side(&[Agency])?;
            if f.deletion_confirmed {
                return Err(Msg::ExErrDeleted);
            }
            Ok(())
        }
    }
}

/// What stands between the exit and its completion, in the order it is met.
pub fn blockers(f: &Facts) -> Vec<Msg> {
    let mut out = Vec::new();
    if !(f.agency_agreed && f.provider_agreed) {
        out.push(Msg::ExErrPlanNotAgreed);
    }
    if f.items == 0 {
        out.push(Msg::ExErrNoItems);
    }
    if f.mismatched > 0 {
        out.push(Msg::ExErrMismatched);
    } else if f.verified < f.items {
        out.push(Msg::ExErrNotAllVerified);
    }
    if !f.deletion_confirmed {
        out.push(Msg::ExErrNotDeleted);
    }
    if f.assessor && !f.signed_off {
        out.push(Msg::ExErrNotSignedOff);
    }
    if f.steps_open > 0 {
        out.push(Msg::ExErrStepsOpen);
    }
    out
}

/// Every action `party` may take now, in the order the page offers them.
pub fn allowed(f: &Facts, party: Party) -> Vec<A> {
    A::ALL.iter().copied().filter(|a| check(f, party, *a).is_ok()).collect()
}

/// Whether a step is overdue on `today`: not done and its day past.
pub fn step_overdue(due: Date, done: bool, today: Date) -> bool {
    !done && today > due
}

/// Whether an exit is overdue on `today`: not final and its target date past.
pub fn exit_overdue(status: S, target: Date, today: Date) -> bool {
    !status.is_final() && today > target
}

/// A SHA-256 as typed: 64 hexadecimal digits (spaces around and case ignored), lowercase.
pub fn checksum(text: &str) -> Result<String, Msg> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(Msg::ExErrChecksumMissing);
    }
    if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Msg::ExErrChecksum);
    }
    Ok(t)
}

/// The verification a checksum gives against the declared one.
pub fn compare(declared: &str, computed: &str) -> Verification {
    if declared.eq_ignore_ascii_case(computed) {
        Verification::Verified
    } else {
        Verification::Mismatch
    }
}

/// The side a party's steps belong to.
pub fn side_of(party: Party) -> Option<Side> {
    match party {
        Party::Agency => Some(Side::Agency),
        Party::Provider => Some(Side::Provider),
        Party::Assessor => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Party::*;

    fn planning() -> Facts {
        Facts { steps: 2, steps_open: 2, ..Facts::default() }
    }
    fn agreed() -> Facts {
        Facts { agency_agreed: true, provider_agreed: true, ..planning() }
    }
    fn handover() -> Facts {
        Facts { items: 2, verified: 1, mismatched: 1, ..agreed() }
    }
    fn deletion() -> Facts {
        Facts { items: 2, verified: 2, deletion_plan: true, steps_open: 0, ..agreed() }
    }
    fn sign_off() -> Facts {
        Facts { deletion_confirmed: true, assessor: true, ..deletion() }
    }
    fn closing() -> Facts {
        Facts { signed_off: true, ..sign_off() }
    }

    #[test]
    fn the_status_follows_the_facts() {
        assert_eq!(status(&Facts::default()), S::Planning);
        assert_eq!(status(&Facts { agency_agreed: true, ..planning() }), S::Planning, "both sides agree the plan");
        assert_eq!(status(&agreed()), S::Handover, "no item yet");
        assert_eq!(status(&handover()), S::Handover);
        assert_eq!(status(&deletion()), S::Deletion);
        assert_eq!(status(&sign_off()), S::SignOff);
        assert_eq!(status(&closing()), S::Closing);
        assert_eq!(status(&Facts { assessor: false, ..sign_off() }), S::Closing, "no assessor, no sign-off owed");
        assert_eq!(status(&Facts { completed: true, ..closing() }), S::Completed);
        assert_eq!(status(&Facts { cancelled: true, ..handover() }), S::Cancelled);
    }

    /// Every status × party × action: the allowed ones listed, every other refused.
    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        // Each status: its facts, and what each party may do in it.
        type Allowed<'a> = &'a [(Party, &'a [A])];
        let cases: [(&str, Facts, Allowed); 7] = [
            (
                "planning",
                planning(),
                &[
                    (Agency, &[A::AddStep, A::AgreePlan, A::SetAssessor, A::Cancel]),
                    (Provider, &[A::AddStep, A::AgreePlan, A::AddItem, A::CorrectItem, A::DeletionPlan]),
                    (Assessor, &[]),
                ],
            ),
            (
                "handover",
                handover(),
                &[
                    (Agency, &[A::StepDone, A::Verify, A::SetAssessor, A::Cancel]),
                    (Provider, &[A::StepDone, A::AddItem, A::CorrectItem, A::DeletionPlan]),
                    (Assessor, &[]),
                ],
            ),
            (
                "deletion",
                deletion(),
                &[
                    (Agency, &[A::StepDone, A::Verify, A::SetAssessor, A::Cancel]),
                    (Provider, &[A::StepDone, A::AddItem, A::CorrectItem, A::DeletionPlan, A::ConfirmDeletion]),
                    (Assessor, &[]),
                ],
            ),
            (
                "sign_off",
                sign_off(),
                &[(Agency, &[A::StepDone, A::SetAssessor]), (Provider, &[A::StepDone]), (Assessor, &[A::SignOff])],
            ),
            (
                "closing",
                closing(),
                &[(Agency, &[A::StepDone, A::Complete]), (Provider, &[A::StepDone]), (Assessor, &[])],
            ),
            ("completed", Facts { completed: true, ..closing() }, &[(Agency, &[]), (Provider, &[]), (Assessor, &[])]),
            ("cancelled", Facts { cancelled: true, ..handover() }, &[(Agency, &[]), (Provider, &[]), (Assessor, &[])]),
        ];
        for (name, facts, parties) in cases {
            for (party, expected) in parties {
                for action in A::ALL {
                    let got = check(&facts, *party, *action);
                    assert_eq!(got.is_ok(), expected.contains(action), "{name}: {party:?} {action:?} gave {got:?}");
                }
            }
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(check(&Facts::default(), Agency, A::AgreePlan), Err(Msg::ExErrNoSteps));
        assert_eq!(check(&Facts { agency_agreed: true, ..planning() }, Agency, A::AgreePlan), Err(Msg::ExErrAlreadyAgreed));
        assert!(check(&Facts { agency_agreed: true, ..planning() }, Provider, A::AgreePlan).is_ok());
        assert_eq!(check(&agreed(), Agency, A::AddStep), Err(Msg::ExErrPlanAgreed));
        assert_eq!(check(&planning(), Agency, A::StepDone), Err(Msg::ExErrPlanNotAgreed));
        assert_eq!(check(&handover(), Provider, A::ConfirmDeletion), Err(Msg::ExErrNotAllVerified));
        assert_eq!(check(&Facts { deletion_plan: false, ..deletion() }, Provider, A::ConfirmDeletion), Err(Msg::ExErrNoDeletionPlan));
        assert_eq!(check(&agreed(), Provider, A::ConfirmDeletion), Err(Msg::ExErrNotAllVerified), "an empty inventory is not verified");
        assert_eq!(check(&planning(), Agency, A::Verify), Err(Msg::ExErrNoItems));
        assert_eq!(check(&handover(), Provider, A::Verify), Err(Msg::ExErrNotYours), "only the agency verifies");
        assert_eq!(check(&handover(), Assessor, A::AddItem), Err(Msg::ExErrNotYours));
        assert_eq!(check(&deletion(), Assessor, A::SignOff), Err(Msg::ExErrNotDeleted));
        assert_eq!(check(&closing(), Assessor, A::SignOff), Err(Msg::ExErrSignedOff));
        assert_eq!(check(&sign_off(), Agency, A::Cancel), Err(Msg::ExErrDeleted));
        assert_eq!(check(&sign_off(), Agency, A::Complete), Err(Msg::ExErrNotSignedOff));
        assert_eq!(check(&Facts { steps_open: 1, ..closing() }, Agency, A::Complete), Err(Msg::ExErrStepsOpen));
        assert_eq!(check(&Facts { completed: true, ..closing() }, Agency, A::Cancel), Err(Msg::ExErrFinal));
        let full = Facts { steps: crate::exit::MAX_STEPS, ..planning() };
        assert_eq!(check(&full, Agency, A::AddStep), Err(Msg::ExErrTooMany));
    }

    #[test]
    fn a_mismatch_blocks_completion_and_is_named_first() {
        let f = handover();
        let b = blockers(&f);
        assert!(b.contains(&Msg::ExErrMismatched), "{b:?}");
        assert!(!b.contains(&Msg::ExErrNotAllVerified), "the mismatch says more: {b:?}");
        assert!(blockers(&Facts { steps_open: 0, ..closing() }).is_empty());
        assert_eq!(allowed(&Facts { steps_open: 0, ..closing() }, Agency), vec![A::StepDone, A::Complete]);
    }

    #[test]
    fn overdue_is_a_past_day_not_done() {
        let d = |s: &str| Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap();
        assert!(!step_overdue(d("2026-12-07"), false, d("2026-12-07")), "due today is not yet overdue");
        assert!(step_overdue(d("2026-12-06"), false, d("2026-12-07")));
        assert!(!step_overdue(d("2026-12-06"), true, d("2026-12-07")));
        assert!(exit_overdue(S::Handover, d("2026-12-01"), d("2026-12-07")));
        assert!(!exit_overdue(S::Completed, d("2026-12-01"), d("2026-12-07")));
        assert!(!exit_overdue(S::Cancelled, d("2026-12-01"), d("2026-12-07")));
    }

    #[test]
    fn checksums_are_64_hex_digits_compared_without_case() {
        let h = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        assert_eq!(checksum(&format!("  {h} ")), Ok(h.to_ascii_lowercase()));
        assert_eq!(checksum(""), Err(Msg::ExErrChecksumMissing));
        assert_eq!(checksum(&h[1..]), Err(Msg::ExErrChecksum));
        assert_eq!(checksum(&format!("{}g", &h[1..])), Err(Msg::ExErrChecksum));
        assert_eq!(compare(h, &h.to_ascii_lowercase()), Verification::Verified);
        assert_eq!(compare(h, &"0".repeat(64)), Verification::Mismatch);
    }
}
