//! Emergency response's mails: an incident opened (or raised) at level I or II, to the agency's
//! regulator and CSP at once, and to whoever stands duty at the agency and its CSP; a status
//! report due and not written, to the agency's and its CSP's responders; and each agency's weekly
//! digest of what is overdue or coming due.
use crate::{backend::mail::MailTemplate, i18n::Locale, plans::DrillCategory};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum IncidentMail {
    Opened { agency: String, title: String, level: String, category_zh: String, category_en: String, by: String, detected: String, link: String },
    StatusDue { agency: String, title: String, level: String, due: String, cadence_zh: String, cadence_en: String, link: String },
}

impl MailTemplate for IncidentMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        match self {
            IncidentMail::Opened { agency, title, level, category_zh, category_en, by, detected, link } if zh => (
                format!("【{level} 级安全事件】{agency}：{title}"),
                format!(
                    "{agency}发生 {level} 级网络安全事件（{category_zh}）：{title}。\n发现时间：{detected}（北京时间）\n登记单位：{by}\n请登录平台查看事件时间线并按预案处置：{link}\n"
                ),
            ),
            IncidentMail::Opened { agency, title, level, category_en, by, detected, link, .. } => (
                format!("[Level {level} incident] {agency}: {title}"),
                format!(
                    "A level {level} security incident ({category_en}) at {agency}: {title}.\nDetected: {detected} (Beijing time)\nOpened by: {by}\nSign in to follow its timeline and respond as the plan says: {link}\n"
                ),
            ),
            IncidentMail::StatusDue { agency, title, level, due, cadence_zh, link, .. } if zh => (
                format!("【事件进展待报】{agency}：{title}"),
                format!(
                    "{agency}的 {level} 级事件「{title}」尚未控制，应每 {cadence_zh}报告一次进展；应于 {due}（北京时间）报告的进展尚未填写。\n请在事件时间线中填写进展报告：{link}\n"
                ),
            ),
            IncidentMail::StatusDue { agency, title, level, due, cadence_en, link, .. } => (
                format!("[Status report due] {agency}: {title}"),
                format!(
                    "The level {level} incident \"{title}\" at {agency} is not yet contained; its status is reported every {cadence_en}, and the report due at {due} (Beijing time) has not been written.\nWrite it in the incident's timeline: {link}\n"
                ),
            ),
        }
    }
}

/// An agency's weekly digest: drill categories overdue and coming due, plans past their review,
/// follow-up actions overdue or due within the week.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestMail {
    pub agency: String,
    pub drills_overdue: Vec<DrillCategory>,
    /// Each with its due date (`YYYY-MM-DD`).
    pub drills_due: Vec<(DrillCategory, String)>,
    pub plans_past_review: Vec<String>,
    /// Title, owner and due date, and whether it is overdue.
    pub actions: Vec<(String, String, String, bool)>,
    pub link: String,
}

impl DigestMail {
    /// Whether there is anything to tell.
    pub fn is_empty(&self) -> bool {
        self.drills_overdue.is_empty() && self.drills_due.is_empty() && self.plans_past_review.is_empty() && self.actions.is_empty()
    }
}

impl MailTemplate for DigestMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        let sep = if zh { "、" } else { ", " };
        let label = |c: &DrillCategory| c.label().text(locale).to_string();
        let mut lines = Vec::new();
        if !self.drills_overdue.is_empty() {
            let cs = self.drills_overdue.iter().map(label).collect::<Vec<_>>().join(sep);
            lines.push(if zh { format!("逾期未演练的类别：{cs}") } else { format!("Drills overdue: {cs}") });
        }
        if !self.drills_due.is_empty() {
            let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
            let cs = self.drills_due.iter().map(|(c, d)| format!("{}{open}{d}{close}", label(c))).collect::<Vec<_>>().join(sep);
            lines.push(if zh { format!("60 天内到期的演练：{cs}") } else { format!("Drills due within 60 days: {cs}") });
        }
        if !self.plans_past_review.is_empty() {
            let ps = self.plans_past_review.join(sep);
            lines.push(if zh { format!("已过复审期的预案：{ps}") } else { format!("Plans past their review: {ps}") });
        }
        if !self.actions.is_empty() {
            lines.push(if zh { "整改事项（逾期或本周到期）：".to_string() } else { "Follow-up actions overdue or due this week:".to_string() });
            for (title, owner, due, overdue) in &self.actions {
                let flag = match (overdue, zh) {
                    (true, true) => "【逾期】",
                    (true, false) => "[overdue] ",
                    (false, _) => "",
                };
                lines.push(format!("- {flag}{title} — {owner} — {due}"));
            }
        }
        let agency = &self.agency;
        let link = &self.link;
        if zh {
            (format!("【应急工作周报】{agency}"), format!("{agency}本周需要关注的应急工作：\n\n{}\n\n详情：{link}\n", lines.join("\n")))
        } else {
            (format!("[Emergency response this week] {agency}"), format!("What needs {agency}'s attention this week:\n\n{}\n\nDetails: {link}\n", lines.join("\n")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_says_what_is_due_in_the_readers_language() {
        let d = DigestMail {
            agency: "示范局".into(),
            drills_overdue: vec![DrillCategory::Disaster],
            drills_due: vec![(DrillCategory::BackupRestore, "2027-01-07".into())],
            plans_past_review: vec!["门户网站应急预案".into()],
            actions: vec![("补充巡检记录".into(), "示范云".into(), "2026-12-01".into(), true)],
            link: "https://portal.example/emergency".into(),
        };
        assert!(!d.is_empty());
        let (subject, body) = d.render(Locale::Zh);
        assert_eq!(subject, "【应急工作周报】示范局");
        for part in ["逾期未演练的类别：灾害性事件", "备份恢复（2027-01-07）", "已过复审期的预案：门户网站应急预案", "- 【逾期】补充巡检记录 — 示范云 — 2026-12-01", "https://portal.example/emergency"] {
            assert!(body.contains(part), "{part} in {body}");
        }
        let (subject, body) = d.render(Locale::En);
        assert_eq!(subject, "[Emergency response this week] 示范局");
        assert!(body.contains("(2027-01-07)") && body.contains("[overdue] 补充巡检记录"), "{body}");
        let empty = DigestMail { drills_overdue: vec![], drills_due: vec![], plans_past_review: vec![], actions: vec![], ..d };
        assert!(empty.is_empty());
    }

    #[test]
    fn a_status_reminder_names_the_incident_the_cadence_and_the_due_time() {
        let m = IncidentMail::StatusDue {
            agency: "示范局".into(),
            title: "首页被篡改".into(),
            level: "I".into(),
            due: "2026-12-06 10:00".into(),
            cadence_zh: "1 小时".into(),
            cadence_en: "hour".into(),
            link: "https://portal.example/incidents/x".into(),
        };
        let (subject, body) = m.render(Locale::Zh);
        assert_eq!(subject, "【事件进展待报】示范局：首页被篡改");
        assert!(body.contains("应每 1 小时报告") && body.contains("2026-12-06 10:00"), "{body}");
        let (subject, body) = m.render(Locale::En);
        assert_eq!(subject, "[Status report due] 示范局: 首页被篡改");
        assert!(body.contains("every hour") && body.contains("https://portal.example/incidents/x"), "{body}");
    }
}
