//! The tenancy module's mails: engagements invited, answered and ended; people invited.
use super::EngagementRole;
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum TenancyMail {
    EngagementInvited { agency: String, role: EngagementRole },
    EngagementAnswered { provider: String, accepted: bool },
    EngagementEnded { by: String, other: String },
    PersonInvited { organisation: String, link: String, expires: String },
}

impl MailTemplate for TenancyMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        match self {
            TenancyMail::EngagementInvited { agency, role } => {
                let role = role.label().text(locale);
                if zh {
                    (
                        format!("{agency} 邀请贵单位作为{role}提供服务"),
                        format!("{agency} 在政务网站云服务监管平台上邀请贵单位作为“{role}”提供服务。\n请登录平台，在“服务合作”页面接受或拒绝。\n"),
                    )
                } else {
                    (
                        format!("{agency} invites you to serve as {role}"),
                        format!("{agency} has invited your organisation to serve as {role} on the supervision portal.\nSign in and open Engagements to accept or decline.\n"),
                    )
                }
            }
            TenancyMail::EngagementAnswered { provider, accepted } => match (zh, accepted) {
                (true, true) => (
                    format!("{provider} 已接受合作邀请"),
                    format!("{provider} 已接受贵单位的服务合作邀请，合作现已生效。\n"),
                ),
                (true, false) => {
                    (format!("{provider} 拒绝了合作邀请"), format!("{provider} 拒绝了贵单位的服务合作邀请。\n"))
                }
                (false, true) => (
                    format!("{provider} accepted your invitation"),
                    format!("{provider} accepted your engagement invitation; the engagement is now active.\n"),
                ),
                (false, false) => (
                    format!("{provider} declined your invitation"),
                    format!("{provider} declined your engagement invitation.\n"),
                ),
            },
            TenancyMail::EngagementEnded { by, other } => {
                if zh {
                    (
                        format!("{by} 终止了与 {other} 的服务合作"),
                        format!("{by} 已终止与 {other} 的服务合作。该合作涉及的网站数据不再对服务商开放。\n"),
                    )
                } else {
                    (format!("{by} ended the engagement with {other}"), format!("{by} ended its engagement with {other}. The provider no longer sees the websites it covered.\n"))
                }
            }
            TenancyMail::PersonInvited { organisation, link, expires } => {
                if zh {
                    (
                        format!("邀请您加入 {organisation}（政务网站云服务监管平台）"),
                        format!("{organisation} 邀请您使用政务网站云服务监管平台。\n请在 {expires} 前打开以下链接设置密码：\n{link}\n如果您不认识该单位，请忽略本邮件。\n"),
                    )
                } else {
                    (
                        format!("You are invited to join {organisation} on the supervision portal"),
                        format!("{organisation} invites you to the supervision portal for government websites.\nOpen this link before {expires} to set your password:\n{link}\nIf you do not know this organisation, ignore this mail.\n"),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_in_both_languages() {
        let t = TenancyMail::EngagementInvited { agency: "示范局".into(), role: EngagementRole::Csp };
        let (zh, _) = t.render(Locale::Zh);
        let (en, body) = t.render(Locale::En);
        assert!(zh.contains("云服务商"), "{zh}");
        assert!(en.contains("Cloud service provider"), "{en}");
        assert!(body.contains("Engagements"));
        let link = TenancyMail::PersonInvited {
            organisation: "X".into(),
            link: "http://x/invite/abc".into(),
            expires: "2026-12-01 10:00".into(),
        };
        assert!(link.render(Locale::Zh).1.contains("http://x/invite/abc"));
    }
}
