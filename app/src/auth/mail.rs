//! The auth module's mails: a password changed.
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthMail {
    PasswordChanged { at: String },
}

impl MailTemplate for AuthMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        match self {
            AuthMail::PasswordChanged { at } => {
                if zh {
                    ("您的密码已修改".into(), format!("您在政务网站云服务监管平台的密码已于 {at} 修改。\n如果不是您本人操作，请立即联系本单位管理员。\n"))
                } else {
                    ("Your password was changed".into(), format!("Your password on the supervision portal was changed at {at}.\nIf this was not you, contact your organisation's administrator at once.\n"))
                }
            }
        }
    }
}
