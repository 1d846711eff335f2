//! The daily digest's mail: one per person and day, its kinds in the order of the settings page,
//! overdue lines first and marked, each section's link to everything of its kind.
use super::Digest;
use crate::{backend::mail::MailTemplate, i18n::Locale};

pub struct DigestMail {
    pub digest: Digest,
    /// Where the person changes its time or leaves a kind out.
    pub settings_link: String,
}

impl MailTemplate for DigestMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        let d = &self.digest;
        let (items, overdue) = (d.items(), d.overdue());
        let subject = match (zh, overdue) {
            (true, 0) => format!("【每日摘要】{}：{items} 项待办", d.day),
            (true, _) => format!("【每日摘要】{}：{items} 项待办，{overdue} 项逾期", d.day),
            (false, 0) => format!("[Daily digest] {}: {items} to look at", d.day),
            (false, _) => format!("[Daily digest] {}: {items} to look at, {overdue} overdue", d.day),
        };
        let mut body = Vec::new();
        body.push(if zh { format!("{} 需要您关注的事项：", d.day) } else { format!("What awaits you on {}:", d.day) });
        for s in &d.sections {
            body.push(String::new());
            body.push(format!("{} ({})", s.kind.label().text(locale), s.total));
            for l in &s.lines {
                let flag = match (l.overdue, zh) {
                    (true, true) => "【逾期】",
                    (true, false) => "[overdue] ",
                    (false, _) => "",
                };
                body.push(format!("- {flag}{}", l.text));
                body.push(format!("  {}", l.link));
            }
            let more = s.total.saturating_sub(s.lines.len() as u64);
            body.push(match (zh, more) {
                (true, 0) => format!("查看：{}", s.link),
                (true, _) => format!("另有 {more} 项，全部：{}", s.link),
                (false, 0) => format!("Open: {}", s.link),
                (false, _) => format!("{more} more; all of them: {}", s.link),
            });
        }
        body.push(String::new());
        body.push(if zh {
            format!("更改发送时间或不再接收某类摘要：{}", self.settings_link)
        } else {
            format!("Change the time or leave a kind out: {}", self.settings_link)
        });
        (subject, body.join("\n") + "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{DigestKind, DigestLine, DigestSection};

    fn digest() -> Digest {
        let l = |text: &str, overdue| DigestLine { text: text.into(), link: format!("https://p.example/{text}"), overdue };
        Digest {
            day: "2026-12-08".into(),
            sections: vec![
                DigestSection {
                    kind: DigestKind::Reports,
                    lines: vec![l("r1", true), l("r2", false)],
                    total: 9,
                    link: "https://p.example/reports".into(),
                },
                DigestSection {
                    kind: DigestKind::Changes,
                    lines: vec![l("c1", false)],
                    total: 1,
                    link: "https://p.example/changes".into(),
                },
            ],
        }
    }

    #[test]
    fn the_mail_counts_marks_and_links_in_the_readers_language() {
        let m = DigestMail { digest: digest(), settings_link: "https://p.example/account/password#digest".into() };
        let (subject, body) = m.render(Locale::En);
        assert_eq!(subject, "[Daily digest] 2026-12-08: 10 to look at, 1 overdue");
        for part in ["Reports (9)", "- [overdue] r1", "  https://p.example/r1", "7 more; all of them: https://p.example/reports", "Change notices (1)", "Open: https://p.example/changes", "#digest"] {
            assert!(body.contains(part), "{part} in {body}");
        }
        let (subject, body) = m.render(Locale::Zh);
        assert_eq!(subject, "【每日摘要】2026-12-08：10 项待办，1 项逾期");
        assert!(body.contains("- 【逾期】r1") && body.contains("另有 7 项，全部：https://p.example/reports"), "{body}");
    }

    #[test]
    fn an_empty_digest_says_so_and_counts_nothing() {
        let d = Digest { day: "2026-12-08".into(), sections: vec![] };
        assert!(d.is_empty() && d.items() == 0);
        assert!(!digest().is_empty());
    }
}
