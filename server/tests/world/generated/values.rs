//! The values generated inputs are made of: plausible ones for a field's kind (so a case reaches
//! the rules behind the parser), the world's own ids (so it reaches records), and hostile ones.
use std::sync::Arc;

use proptest::prelude::*;
use proptest::sample::select;

/// What a field holds, guessed from its Rust type and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Id,
    Int,
    Bool,
    Date,
    Time,
    Month,
    Email,
    Text,
    /// One of a set of codes (an enum's value).
    Code,
}

impl Kind {
    /// The kind of a field of type `ty` (its last path segment) named `name`.
    pub fn of(ty: &str, name: &str) -> Kind {
        match ty {
            "Uuid" => return Kind::Id,
            "bool" => return Kind::Bool,
            "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "f32" | "f64" => return Kind::Int,
            "Date" => return Kind::Date,
            "OffsetDateTime" | "PrimitiveDateTime" | "Timestamp" => return Kind::Time,
            "String" | "str" => {}
            _ => return Kind::Code,
        }
        let n = name.to_ascii_lowercase();
        if n == "id" || n.ends_with("_id") {
            Kind::Id
        } else if n.contains("email") {
            Kind::Email
        } else if n == "month" || n == "period" || n.ends_with("_period") || n.ends_with("_month") {
            Kind::Month
        } else if n.ends_with("_on") || n == "day" || n.ends_with("_day") || n.ends_with("date") || n == "anchor" {
            Kind::Date
        } else if n == "at" || n.ends_with("_at") || n.ends_with("_start") || n == "handoff" {
            Kind::Time
        } else if n.ends_with("days")
            || n.ends_with("months")
            || n.ends_with("minutes")
            || n.ends_with("hours")
            || n.ends_with("_bd")
            || n == "number"
            || n == "page"
            || n.ends_with("count")
        {
            Kind::Int
        } else {
            Kind::Text
        }
    }
}

/// Strings that have broken parsers elsewhere: empty and blank, control and direction characters,
/// markup and SQL, formula starters, huge and deep ones, numbers at their limits.
pub fn hostile() -> BoxedStrategy<String> {
    let fixed = select(vec![
        String::new(),
        " ".into(),
        "\t\r\n".into(),
        "\u{0}".into(),
        "a\u{0}b".into(),
        "\u{202e}evil".into(),
        "\u{feff}".into(),
        "<script>alert(1)</script>".into(),
        "\"><img src=x onerror=alert(1)>".into(),
        "' OR '1'='1".into(),
        "'; DROP TABLE person; --".into(),
        "=cmd|' /C calc'!A0".into(),
        "+1+1".into(),
        "@SUM(A1)".into(),
        "../../../../etc/passwd".into(),
        "%00".into(),
        "%".into(),
        "\\".into(),
        "null".into(),
        "undefined".into(),
        "[]".into(),
        "{}".into(),
        "-1".into(),
        "0".into(),
        "-0".into(),
        "2147483648".into(),
        "-2147483649".into(),
        "9223372036854775808".into(),
        "18446744073709551616".into(),
        "1e309".into(),
        "NaN".into(),
        "inf".into(),
        "0x10".into(),
        "1.5".into(),
        "00000000-0000-0000-0000-000000000000".into(),
        "ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
        "{00000000-0000-0000-0000-000000000000}".into(),
        "0000-00-00".into(),
        "2026-02-30".into(),
        "2026-13-01".into(),
        "9999-12-31".into(),
        "-0001-01-01".into(),
        "+10000-01-01".into(),
        "2026-11-25T25:61".into(),
        "24:00".into(),
        "2026-11-25 09:00:00+99:00".into(),
        "2026-00".into(),
        "2026-W48".into(),
        "😀".repeat(40),
        "\u{10ffff}".into(),
        "𠜎𠜱𠝹𠱓".into(),
        "测".repeat(3000),
        "a".repeat(70_000),
        "[".repeat(500),
        "a\r\nSet-Cookie: x=1".into(),
        "true".into(),
        "on".into(),
    ]);
    prop_oneof![
        6 => fixed,
        2 => "\\PC{0,40}",
        1 => any::<String>(),
        1 => proptest::collection::vec(any::<char>(), 0..300).prop_map(|c| c.into_iter().collect()),
    ]
    .boxed()
}

/// A plausible value of a kind, mixed with hostile ones and with the world's ids.
pub fn value(kind: Kind, ids: &Arc<Vec<String>>, codes: &Arc<Vec<String>>) -> BoxedStrategy<String> {
    let plausible: BoxedStrategy<String> = match kind {
        Kind::Id => {
            let ids = ids.clone();
            prop_oneof![
                4 => (0..ids.len().max(1)).prop_map(move |i| ids.get(i).cloned().unwrap_or_default()),
                1 => any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string()),
                1 => any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).simple().to_string()),
            ]
            .boxed()
        }
        Kind::Int => prop_oneof![
            4 => (0i64..400).prop_map(|n| n.to_string()),
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => any::<f64>().prop_map(|n| n.to_string()),
        ]
        .boxed(),
        Kind::Bool => select(vec!["true".to_string(), "false".into(), "on".into(), "1".into(), "yes".into()]).boxed(),
        Kind::Date => (1990i32..2100, 1u8..=13, 0u8..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")).boxed(),
        Kind::Time => (2020i32..2030, 1u8..=12, 1u8..=31, 0u8..=24, 0u8..=60, select(vec![" ", "T"]))
            .prop_map(|(y, mo, d, h, mi, sep)| format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}"))
            .boxed(),
        Kind::Month => (1990i32..2100, 0u8..=13).prop_map(|(y, m)| format!("{y:04}-{m:02}")).boxed(),
        Kind::Email => prop_oneof![
            "[a-z]{1,12}@[a-z]{1,10}\\.(example|gov\\.cn|com)",
            select(vec!["admin@agency.example".to_string(), "security@csp.example".into(), "a@b".into(), "@".into()]),
        ]
        .boxed(),
        Kind::Text => prop_oneof![
            "[a-zA-Z0-9 ]{1,30}",
            "\\p{Han}{1,20}",
            select(vec![
                "primary".to_string(),
                "daily".into(),
                "weekly".into(),
                "accept".into(),
                "I".into(),
                "3".into()
            ]),
        ]
        .boxed(),
        Kind::Code => {
            let codes = codes.clone();
            (0..codes.len().max(1)).prop_map(move |i| codes.get(i).cloned().unwrap_or_default()).boxed()
        }
    };
    prop_oneof![7 => plausible, 3 => hostile()].boxed()
}
