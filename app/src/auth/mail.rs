//! The auth module's mails: a password changed, a sign-in from a new place.
use crate::{backend::mail::MailTemplate, i18n::Locale};

/// What the module's mails say.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthMail {
    PasswordChanged { at: String },
    /// A sign-in from a network or browser not seen for the person in 90 days.
    NewPlace { at: String, address: String, browser: String, new_network: bool, new_browser: bool },
    /// An administrator removed the person's second factor.
    SecondFactorReset { at: String, by: String },
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
            AuthMail::SecondFactorReset { at, by } => {
                if zh {
                    ("您的双因素认证已被重置".into(), format!("管理员 {by} 于 {at} 重置了您在政务网站云服务监管平台的双因素认证，您的恢复码也已失效。\n下次登录后请重新设置。如果您没有提出过这一请求，请立即联系本单位管理员。\n"))
                } else {
                    ("Your second factor was reset".into(), format!("{by}, an administrator, reset your second factor on the supervision portal at {at}; your recovery codes no longer work.\nSet it up again after your next sign-in. If you did not ask for this, contact your organisation's administrator at once.\n"))
                }
            }
            AuthMail::NewPlace { at, address, browser, new_network, new_browser } => {
                let what_zh = match (new_network, new_browser) {
                    (true, true) => "新的网络和浏览器",
                    (true, false) => "新的网络",
                    _ => "新的浏览器",
                };
                let what_en = match (new_network, new_browser) {
                    (true, true) => "a network and a browser",
                    (true, false) => "a network",
                    _ => "a browser",
                };
                if zh {
                    (
                        "新的登录地点".into(),
                        format!("您的账号于 {at} 从{what_zh}登录了政务网站云服务监管平台（近 90 天内未见过）。\n地址：{address}\n浏览器：{browser}\n\n如果是您本人，无需处理。如果不是，请立即修改密码，在“账户安全”页面结束其他会话，并联系本单位管理员。\n"),
                    )
                } else {
                    (
                        "A sign-in from a new place".into(),
                        format!("Your account signed in to the supervision portal at {at} from {what_en} not seen for it in the last 90 days.\nAddress: {address}\nBrowser: {browser}\n\nIf this was you, there is nothing to do. If not, change your password at once, end the other sessions on your account's security page, and tell your organisation's administrator.\n"),
                    )
                }
            }
        }
    }
}
