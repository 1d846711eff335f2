//! The rosters module's mails: a special period still without cover, a fortnight and again three
//! days before it starts.
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum DutyMail {
    SpecialUncovered { roster: String, special: String, starts: String, gap_hours: f64, first_gap: String, again: bool },
}

impl MailTemplate for DutyMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let DutyMail::SpecialUncovered { roster, special, starts, gap_hours, first_gap, again } = self;
        if locale == Locale::Zh {
            (
                format!("{}特殊时段“{special}”（{roster}）仍有 {gap_hours} 小时无人值班", if *again { "再次提醒：" } else { "" }),
                format!(
                    "值班表“{roster}”的特殊时段“{special}”将于 {starts} 开始，要求的值守中仍有 {gap_hours} 小时没有主值班人，第一段空缺从 {first_gap} 开始。\n请登录平台，在“值班”页面用调整或轮值补上空缺；如确需保留空缺，请在发布时写明理由。\n"
                ),
            )
        } else {
            (
                format!("{}Special period \"{special}\" ({roster}) still has {gap_hours} h with no one on duty", if *again { "Reminder: " } else { "" }),
                format!(
                    "The special period \"{special}\" of the duty roster \"{roster}\" starts on {starts}, and {gap_hours} hours of the cover it requires still have no one on primary duty; the first gap starts on {first_gap}.\nSign in and open Duty to fill the gaps with an override or a rotation, or publish the period with the gaps accepted and the reason why.\n"
                ),
            )
        }
    }
}
