//! The translation layer: every visible string is a `Msg`, in Simplified Chinese and English. Each
//! module keeps its own words in `<module>/locales/{zh,en}.ftl` (Fluent syntax, editable without
//! reading Rust); `build.rs` gathers them into `Msg` and fails the build when one is incomplete.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Zh, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Some(Locale::Zh),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks from an Accept-Language header by quality; Simplified Chinese when it names neither.
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let Some(header) = header else {
            return Locale::Zh;
        };
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let locale = if tag.starts_with("zh") {
                // Traditional-script tags still get Simplified: it is the only Chinese we have.
                Some(Locale::Zh)
            } else if tag.starts_with("en") {
                Some(Locale::En)
            } else {
                None
            };
            if let Some(l) = locale {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or(Locale::Zh)
    }
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A visible string's key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Msg::$key, Locale::Zh) => $zh, (Msg::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

// Every module's words, gathered by build.rs from `src/**/locales/<language>.ftl`.
include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// The viewer's locale, provided in context by the shell.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Translates with the viewer's locale.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_locale())
}

impl Msg {
    /// The key's name, for carrying a message through a redirect's query string.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    pub fn from_name(name: &str) -> Option<Msg> {
        Msg::ALL.iter().copied().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for msg in Msg::ALL {
            for locale in Locale::ALL {
                assert!(!msg.text(locale).trim().is_empty(), "{msg:?} is empty in {locale:?}");
            }
        }
    }

    #[test]
    fn chinese_is_really_chinese() {
        // A key copied from English into the Chinese column is a missing translation.
        let untranslated: Vec<_> = Msg::ALL
            .iter()
            .filter(|m| !matches!(m, Msg::LangEn | Msg::LangZh))
            .filter(|m| !m.text(Locale::Zh).chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
            .collect();
        assert!(untranslated.is_empty(), "no Chinese text for {untranslated:?}");
    }

    #[test]
    fn accept_language_picks_by_quality_and_defaults_to_chinese() {
        assert_eq!(Locale::from_accept_language(None), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("fr-FR,de;q=0.8")), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(Locale::from_accept_language(Some("en;q=0.5,zh-CN;q=0.9")), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("zh-TW")), Locale::Zh);
    }
}
