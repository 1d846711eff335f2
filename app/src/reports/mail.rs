//! The reports module's mails: a report submitted, returned, and the due and overdue reminders.
use super::ReportKind;
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum ReportMail {
    ReportSubmitted { submitter: String, kind: ReportKind, period: String, version: i32 },
    ReportReturned { receiver: String, kind: ReportKind, period: String, comment: String },
    ReportReminder { receiver: String, kind: ReportKind, period: String, due: String, overdue: bool },
    /// A regulator's reminder of an overdue report.
    ReportNudge { regulator: String, kind: ReportKind, period: String, due: String },
}

impl MailTemplate for ReportMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        match self {
            ReportMail::ReportSubmitted { submitter, kind, period, version } => {
                let kind = kind.label().text(locale);
                if zh {
                    (
                        format!("{submitter} 提交了{kind}（{period}）"),
                        format!("{submitter} 提交了{kind}，报告期 {period}，第 {version} 版。\n请登录平台，在“定期报告”页面审阅并接受或退回。\n"),
                    )
                } else {
                    (
                        format!("{submitter} submitted a {kind} for {period}"),
                        format!("{submitter} submitted a {kind} for {period} (version {version}).\nSign in and open Reports to accept it or return it with comments.\n"),
                    )
                }
            }
            ReportMail::ReportReturned { receiver, kind, period, comment } => {
                let kind = kind.label().text(locale);
                if zh {
                    (
                        format!("{receiver} 退回了{kind}（{period}）"),
                        format!("{receiver} 退回了贵单位的{kind}（报告期 {period}），意见如下：\n\n{comment}\n\n请修改后在“定期报告”页面重新提交。\n"),
                    )
                } else {
                    (
                        format!("{receiver} returned your {kind} for {period}"),
                        format!("{receiver} returned your {kind} for {period} with these comments:\n\n{comment}\n\nPlease submit a new version from Reports.\n"),
                    )
                }
            }
            ReportMail::ReportNudge { regulator, kind, period, due } => {
                let kind = kind.label().text(locale);
                if zh {
                    (
                        format!("{regulator} 提醒：{kind}（{period}）已逾期"),
                        format!("监管单位 {regulator} 提醒：贵单位的{kind}（报告期 {period}）已于 {due} 到期，至今未提交。\n请尽快登录平台，在“定期报告”页面提交。\n"),
                    )
                } else {
                    (
                        format!("{regulator}: your {kind} for {period} is overdue"),
                        format!("The regulator {regulator} reminds you that your {kind} for {period} was due on {due} and has not been submitted.\nPlease sign in and submit it from Reports.\n"),
                    )
                }
            }
            ReportMail::ReportReminder { receiver, kind, period, due, overdue } => {
                let kind = kind.label().text(locale);
                match (zh, overdue) {
                    (true, false) => (
                        format!("提醒：{kind}（{period}）将于 {due} 到期"),
                        format!("贵单位应向 {receiver} 提交的{kind}（报告期 {period}）将于 {due} 到期，尚未提交。\n"),
                    ),
                    (true, true) => (
                        format!("逾期：{kind}（{period}）已于 {due} 到期"),
                        format!("贵单位应向 {receiver} 提交的{kind}（报告期 {period}）已于 {due} 到期，至今未提交，请尽快提交。\n"),
                    ),
                    (false, false) => (
                        format!("Reminder: {kind} for {period} is due on {due}"),
                        format!("Your {kind} for {period}, owed to {receiver}, is due on {due} and has not been submitted yet.\n"),
                    ),
                    (false, true) => (
                        format!("Overdue: {kind} for {period} was due on {due}"),
                        format!("Your {kind} for {period}, owed to {receiver}, was due on {due} and has not been submitted. Please submit it as soon as possible.\n"),
                    ),
                }
            }
        }
    }
}
