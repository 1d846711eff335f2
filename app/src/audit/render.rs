//! An audit row in the reader's language: the action's name, the target as what it is called
//! (an engagement's parties, a report's kind and period) instead of its id, and the codes in the
//! summary as their labels. The stored row stays as written: the chain hashes that.
use std::collections::HashMap;

use uuid::Uuid;

use super::{scope::TargetNames, AuditAction};
use crate::{
    domain::{EngagementRole, EngagementStatus, OrgKind, Role, SupplierSubtype},
    i18n::{Locale, Msg},
    reports::{rules, Cadence, Decision, ReportKind},
    tenancy::{DeploymentModel, Phase, ServiceModel},
};

/// The ids an audit page's targets name, by kind of record (what [`TargetNames`] looks up).
#[derive(Default)]
pub struct Wanted {
    pub engagements: Vec<Uuid>,
    pub obligations: Vec<Uuid>,
    pub submissions: Vec<Uuid>,
    pub people: Vec<Uuid>,
}

/// A target's kind of record and the rest ("engagement 3f…" → ("engagement", "3f…")).
fn split(target: &str) -> Option<(&str, &str)> {
    let (kind, rest) = target.split_once(' ')?;
    matches!(kind, "engagement" | "obligation" | "submission" | "website" | "organisation" | "person").then_some((kind, rest))
}

/// Gathers the ids the targets name.
pub fn wanted<'a>(targets: impl IntoIterator<Item = &'a str>) -> Wanted {
    let mut w = Wanted::default();
    for t in targets {
        let Some((kind, rest)) = split(t) else { continue };
        let Ok(id) = Uuid::parse_str(rest.trim()) else { continue };
        match kind {
            "engagement" => w.engagements.push(id),
            "obligation" => w.obligations.push(id),
            "submission" => w.submissions.push(id),
            "person" => w.people.push(id),
            _ => {}
        }
    }
    w
}

/// The target in the reader's words: the record's kind, then what it is called.
pub fn target(target: &str, names: &TargetNames, locale: Locale) -> String {
    let Some((kind, rest)) = split(target) else {
        return target.to_string();
    };
    let id = Uuid::parse_str(rest.trim()).ok();
    let noun = match kind {
        "engagement" => Msg::AuditTargetEngagement,
        "obligation" => Msg::AuditTargetObligation,
        "submission" => Msg::AuditTargetSubmission,
        "website" => Msg::AuditTargetWebsite,
        "organisation" => Msg::AuditTargetOrganisation,
        _ => Msg::AuditTargetPerson,
    };
    let kind_label = |code: &str| ReportKind::parse(code).map(|k| k.label().text(locale).to_string()).unwrap_or_default();
    let called = match (kind, id) {
        ("engagement", Some(id)) => names.engagements.get(&id).map(|(a, p)| format!("{a} ↔ {p}")),
        ("obligation", Some(id)) => {
            names.obligations.get(&id).map(|(k, s, r)| format!("{} · {s} → {r}", kind_label(k)))
        }
        ("submission", Some(id)) => names.submissions.get(&id).map(|(k, c, start, s)| {
            let period = Cadence::parse(c).and_then(|c| rules::from_start(c, *start)).map(|p| p.to_string()).unwrap_or_default();
            format!("{} {period} · {s}", kind_label(k))
        }),
        ("person", Some(id)) => names.people.get(&id).cloned(),
        _ => Some(rest.to_string()),
    };
    // A record gone since keeps its id, so the row still says which one it was.
    let colon = if locale == Locale::Zh { "：" } else { ": " };
    format!("{}{colon}{}", noun.text(locale), called.unwrap_or_else(|| rest.to_string()))
}

/// The codes a summary may hold (roles, states, kinds…) with their labels.
fn labels(locale: Locale) -> HashMap<&'static str, &'static str> {
    let mut m = HashMap::new();
    macro_rules! add {
        ($($t:ty),*) => {$(
            for v in <$t>::ALL { m.insert(v.code(), v.label().text(locale)); }
        )*};
    }
    add!(Role, EngagementStatus, EngagementRole, OrgKind, SupplierSubtype, Phase, ServiceModel, DeploymentModel, ReportKind, Decision, Cadence);
    {
        use crate::plans::{DrillCategory, DrillOutcome, EntryKind, IncidentStatus, Milestone};
        add!(DrillCategory, DrillOutcome, IncidentStatus, Milestone, EntryKind);
    }
    for a in AuditAction::ALL {
        m.insert(a.code(), a.label().text(locale));
    }
    if locale == Locale::Zh {
        m.insert("true", "是");
        m.insert("false", "否");
    }
    m
}

/// The fixed words of the summaries the services write, in Chinese (longest first, so a phrase is
/// taken before a word inside it). A word is replaced only where it stands as a word.
const ZH_WORDS: &[(&str, &str)] = &[
    ("password changed (required change done); other sessions ended", "密码已修改（完成了必须的修改）；其他会话已结束"),
    ("password changed; other sessions ended", "密码已修改；其他会话已结束"),
    ("too many sign-in attempts from this address", "该地址登录尝试过多"),
    ("joined through an invitation link", "通过邀请链接加入"),
    ("first administrator of", "首位管理员，所属机构"),
    ("(the agency moved)", "（机关已调整隶属）"),
    ("account locked until", "账户锁定至"),
    ("last period owed", "最后应报期"),
    ("link valid until", "链接有效期至"),
    ("wrong password", "密码错误"),
    ("overdue since", "逾期自"),
    ("lockout until", "锁定至"),
    ("reminded of", "催报"),
    ("signed out", "退出登录"),
    ("signed in", "登录成功"),
    ("time zone", "时区"),
    ("API token", "API 令牌"),
    ("consecutive", "次连续"),
    ("failures", "次失败"),
    ("language", "语言"),
    ("receiver", "接收单位"),
    ("regulator", "监管单位"),
    ("revoked", "已吊销"),
    ("review every", "评审周期"),
    ("restore drills", "恢复演练"),
    ("participants", "参演单位数"),
    ("unpinned", "取消置顶"),
    ("contacts", "名联系人"),
    ("outcome", "效果"),
    ("actions", "整改事项数"),
    ("version", "版本"),
    ("months", "个月"),
    ("pinned", "置顶"),
    ("incident", "事件"),
    ("action", "整改事项"),
    ("engagement", "服务关系"),
    ("every", "每"),
    ("drill", "演练"),
    ("plan", "预案"),
    ("level", "级别"),
    ("category", "类别"),
    ("due", "期限"),
    ("lifted", "已解除"),
    ("lockout", "锁定"),
    ("subtype", "子类型"),
    ("reason", "原因"),
    ("ended", "已终止"),
    ("roles", "角色"),
    ("after", "之后"),
    ("until", "至"),
    ("name", "姓名"),
    ("kind", "类型"),
    ("days", "天"),
    ("(none)", "（无）"),
    ("websites", "网站"),
    ("as", "担任"),
    ("to", "至"),
    ("for", "为期"),
    ("by", "操作方"),
];

/// Replaces each of `words` where it stands as a word (no ASCII letter or digit on either side).
fn replace_words(text: &str, words: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        let before = out.chars().last();
        for (from, to) in words {
            if let Some(after) = rest.strip_prefix(from) {
                let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
                if bounded(before) && bounded(after.chars().next()) {
                    out.push_str(to);
                    rest = after;
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The summary with the codes in it given as labels: `roles: staff → staff, security_officer`
/// reads `roles: 工作人员 → 工作人员, 安全负责人`. In English only `snake_case` codes change (a
/// plain English word that is also a code reads the same either way).
pub fn summary(summary: &str, locale: Locale) -> String {
    let labels = labels(locale);
    if locale != Locale::Zh {
        return codes_to_labels(summary, locale, &labels);
    }
    // The fixed phrases first (their words are not codes), then the codes (`active` is a state
    // before it is a word), then the single words left.
    let (phrases, words): (Vec<_>, Vec<_>) = ZH_WORDS.iter().copied().partition(|(from, _)| from.contains(' '));
    let phrased = replace_words(summary, &phrases);
    replace_words(&codes_to_labels(&phrased, locale, &labels), &words)
}

fn codes_to_labels(summary: &str, locale: Locale, labels: &HashMap<&'static str, &'static str>) -> String {
    let mut out = String::with_capacity(summary.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match labels.get(word.as_str()) {
            Some(label) if locale == Locale::Zh || word.contains('_') => out.push_str(label),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in summary.chars() {
        if c.is_ascii_lowercase() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The action's name in the reader's language (its code when the code is unknown).
pub fn action(code: &str, locale: Locale) -> String {
    AuditAction::parse(code).map(|a| a.label().text(locale).to_string()).unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_a_summary_read_as_labels() {
        assert_eq!(summary("roles: staff → staff, security_officer", Locale::Zh), format!(
            "角色: {} → {}, {}",
            Role::Staff.label().text(Locale::Zh),
            Role::Staff.label().text(Locale::Zh),
            Role::SecurityOfficer.label().text(Locale::Zh)
        ));
        assert_eq!(summary("active: true → false", Locale::Zh), format!("{}: 是 → 否", EngagementStatus::Active.label().text(Locale::Zh)));
        // English keeps plain words; snake_case codes become labels.
        assert_eq!(summary("invited → active", Locale::En), "invited → active");
        assert!(!summary("roles: org_admin", Locale::En).contains("org_admin"));
        // The fixed words read in Chinese, as words only (not inside a name or an address).
        assert_eq!(summary("signed in", Locale::Zh), "登录成功");
        assert_eq!(summary("password changed; other sessions ended", Locale::Zh), "密码已修改；其他会话已结束");
        assert_eq!(summary("time zone: UTC → Asia/Shanghai", Locale::Zh), "时区: UTC → Asia/Shanghai");
        assert_eq!(summary("name=rename; roles=viewer", Locale::Zh), format!("姓名=rename; 角色={}", Role::Viewer.label().text(Locale::Zh)));
    }

    #[test]
    fn a_target_is_named_not_numbered() {
        let id = Uuid::new_v4();
        let mut names = TargetNames::default();
        names.engagements.insert(id, ("示范市".into(), "华东云".into()));
        assert_eq!(target(&format!("engagement {id}"), &names, Locale::Zh), format!("{}：示范市 ↔ 华东云", Msg::AuditTargetEngagement.text(Locale::Zh)));
        // Unknown (a record gone since): the id stays, so the row still says which.
        let gone = Uuid::new_v4();
        assert!(target(&format!("engagement {gone}"), &names, Locale::En).ends_with(&gone.to_string()));
        assert_eq!(target("someone@example.org", &names, Locale::Zh), "someone@example.org");
        let w = wanted([format!("engagement {id}").as_str(), "person a@b.c", "website 门户"]);
        assert_eq!((w.engagements.len(), w.people.len()), (1, 0));
    }
}
