//! Emergency response's mails: an incident opened (or raised) at level I or II, to the agency's
//! regulator and CSP at once, and to whoever stands duty at the agency and its CSP.
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum IncidentMail {
    Opened { agency: String, title: String, level: String, category_zh: String, category_en: String, by: String, detected: String, link: String },
}

impl MailTemplate for IncidentMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let IncidentMail::Opened { agency, title, level, category_zh, category_en, by, detected, link } = self;
        if locale == Locale::Zh {
            (
                format!("【{level} 级安全事件】{agency}：{title}"),
                format!(
                    "{agency}发生 {level} 级网络安全事件（{category_zh}）：{title}。\n发现时间：{detected}（北京时间）\n登记单位：{by}\n请登录平台查看事件时间线并按预案处置：{link}\n"
                ),
            )
        } else {
            (
                format!("[Level {level} incident] {agency}: {title}"),
                format!(
                    "A level {level} security incident ({category_en}) at {agency}: {title}.\nDetected: {detected} (Beijing time)\nOpened by: {by}\nSign in to follow its timeline and respond as the plan says: {link}\n"
                ),
            )
        }
    }
}
