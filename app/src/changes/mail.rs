//! Change notices' mails: a notice given or revised, to the affected agencies' and the deciding
//! regulators' officers; an answer or decision, to the CSP's; the change done, assessed, closed or
//! cancelled, to the agencies'; a reminder of what is overdue, to whoever must act.
use crate::{backend::mail::MailTemplate, i18n::Locale, changes::StepKind};

/// What happened on a notice, told to the people who act next.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeMail {
    pub step: StepKind,
    pub csp: String,
    pub title: String,
    /// Who did it (an organisation's name).
    pub by: String,
    /// The text that came with it (a question, a reason), if any.
    pub body: String,
    /// The planned window, in Beijing time.
    pub window: String,
    /// What the reader is asked to do, if anything, in both languages.
    pub ask: Option<(&'static str, &'static str)>,
    pub link: String,
}

impl MailTemplate for ChangeMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let what = self.step.label().text(locale);
        let ChangeMail { csp, title, by, body, window, ask, link, .. } = self;
        if locale == Locale::Zh {
            let mut text = format!("{csp}的变更通知「{title}」：{what}（{by}）。\n计划时间：{window}（北京时间）\n");
            if !body.is_empty() {
                text.push_str(&format!("说明：{body}\n"));
            }
            if let Some((zh, _)) = ask {
                text.push_str(&format!("{zh}\n"));
            }
            text.push_str(&format!("请登录平台查看：{link}\n"));
            let subject = if self.step == StepKind::Reminded { format!("【变更通知逾期待办】{title}") } else { format!("【变更通知】{title}：{what}") };
            (subject, text)
        } else {
            let mut text = format!("{csp}'s change notice \"{title}\": {what} ({by}).\nPlanned: {window} (Beijing time)\n");
            if !body.is_empty() {
                text.push_str(&format!("Note: {body}\n"));
            }
            if let Some((_, en)) = ask {
                text.push_str(&format!("{en}\n"));
            }
            text.push_str(&format!("Sign in to see it: {link}\n"));
            let subject =
                if self.step == StepKind::Reminded { format!("[Change notice overdue] {title}") } else { format!("[Change notice] {title}: {what}") };
            (subject, text)
        }
    }
}
