//! SLA tracking's mails: an agreement proposed (to the other party, who accepts or answers) and
//! accepted (to the proposer); a month closed below a target, or a record that moved a metric
//! below its target (to both parties).
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What happened to an agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaMailKind {
    Proposed,
    Accepted,
    /// A closed month missed a target: `number` unused, `detail` names the month and the metrics.
    Breach,
    /// A record moved a month's metric below its target: `detail` as for a breach.
    BelowTarget,
}

/// An agreement's step, told to the other party's officers.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaMail {
    pub kind: SlaMailKind,
    pub agency: String,
    pub csp: String,
    /// The version's number.
    pub number: i32,
    /// What else the mail says (a breach: the month, the metrics missed and the compensation).
    pub detail: String,
    pub link: String,
}

impl MailTemplate for SlaMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let SlaMail { kind, agency, csp, number, detail, link } = self;
        match (locale, kind) {
            (Locale::Zh, SlaMailKind::Proposed) => (
                format!("【服务水平协议】{agency}与{csp}：第{number}版待您确认"),
                format!("{agency}与{csp}的服务水平协议第{number}版已提出，请接受或提出修改。\n请登录平台查看：{link}\n"),
            ),
            (Locale::Zh, SlaMailKind::Accepted) => (
                format!("【服务水平协议】{agency}与{csp}：第{number}版已接受"),
                format!("{agency}与{csp}的服务水平协议第{number}版已被接受，自其生效日起适用。\n请登录平台查看：{link}\n"),
            ),
            (Locale::Zh, SlaMailKind::Breach) => (
                format!("【服务水平协议】{agency}与{csp}：月度指标未达标"),
                format!("{agency}与{csp}的服务水平协议月报已出具，有指标未达到约定目标。\n{detail}\n请登录平台查看：{link}\n"),
            ),
            (Locale::Zh, SlaMailKind::BelowTarget) => (
                format!("【服务水平协议】{agency}与{csp}：有指标降至目标以下"),
                format!("{agency}与{csp}之间新登记或变更的一条记录使指标降至约定目标以下。\n{detail}\n请登录平台查看：{link}\n"),
            ),
            (Locale::En, SlaMailKind::BelowTarget) => (
                format!("[SLA] {agency} and {csp}: a metric fell below its target"),
                format!("A record entered or changed between {agency} and {csp} moved a metric below its target.\n{detail}\nSign in to see it: {link}\n"),
            ),
            (Locale::En, SlaMailKind::Breach) => (
                format!("[SLA] {agency} and {csp}: a month missed its targets"),
                format!("The monthly SLA report of {agency} and {csp} was issued: a metric missed its target.\n{detail}\nSign in to see it: {link}\n"),
            ),
            (Locale::En, SlaMailKind::Proposed) => (
                format!("[SLA] {agency} and {csp}: version {number} awaits you"),
                format!("Version {number} of the SLA between {agency} and {csp} was proposed: accept it or propose changes.\nSign in to see it: {link}\n"),
            ),
            (Locale::En, SlaMailKind::Accepted) => (
                format!("[SLA] {agency} and {csp}: version {number} accepted"),
                format!("Version {number} of the SLA between {agency} and {csp} was accepted; it governs from its first day.\nSign in to see it: {link}\n"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_name_the_parties_and_the_version() {
        let m = SlaMail { kind: SlaMailKind::Proposed, agency: "A".into(), csp: "C".into(), number: 3, detail: String::new(), link: "http://x/sla/1".into() };
        for locale in [Locale::Zh, Locale::En] {
            let (subject, body) = m.render(locale);
            assert!(subject.contains('3') && subject.contains('A') && subject.contains('C'), "{subject}");
            assert!(body.contains("http://x/sla/1"), "{body}");
        }
    }
}
