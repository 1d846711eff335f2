//! Gathers every module's words (`src/**/locales/<language>.ftl`, Fluent syntax) into the one
//! `Msg` table the app uses, and fails the build when a key is missing in a language, defined by
//! two modules, or not plain text.
use std::{
    collections::{BTreeMap, BTreeSet},
    env, fs,
    path::{Path, PathBuf},
};

use fluent_syntax::ast::{Entry, PatternElement};

/// The languages, in the order of `i18n::Locale`'s variants.
const LANGUAGES: [&str; 2] = ["zh", "en"];

fn locale_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for path in entries {
        if path.file_name().is_some_and(|n| n == "locales") {
            out.push(path);
        } else {
            locale_dirs(&path, out);
        }
    }
}

/// One file's messages, in order: key → text.
fn read_messages(path: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let resource = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{}: not valid Fluent: {errors:?}", path.display()));
    let mut out = Vec::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let key = m.id.name.to_string();
                let Some(pattern) = m.value else {
                    panic!("{}: {key} has no text", path.display());
                };
                let mut value = String::new();
                for element in pattern.elements {
                    match element {
                        PatternElement::TextElement { value: t } => value.push_str(t),
                        PatternElement::Placeable { .. } => {
                            panic!("{}: {key} has a placeable; the app's words are plain text", path.display())
                        }
                    }
                }
                out.push((key, value));
            }
            Entry::Comment(_) | Entry::GroupComment(_) | Entry::ResourceComment(_) => {}
            Entry::Term(t) => panic!("{}: terms (-{}) are not used here", path.display(), t.id.name),
            Entry::Junk { content } => panic!("{}: cannot read {content:?}", path.display()),
        }
    }
    out
}

fn main() {
    let src = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("manifest dir")).join("src");
    // A new module's folder (and its locales) is found the next build.
    println!("cargo:rerun-if-changed={}", src.display());
    let mut dirs = Vec::new();
    locale_dirs(&src, &mut dirs);
    let mut owner: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut table = String::from("messages! {\n");
    let mut problems = Vec::new();
    for dir in &dirs {
        let per_language: Vec<Vec<(String, String)>> = LANGUAGES
            .iter()
            .map(|lang| {
                let file = dir.join(format!("{lang}.ftl"));
                println!("cargo:rerun-if-changed={}", file.display());
                if !file.exists() {
                    panic!("{}: {lang}.ftl is missing (every module has every language)", dir.display());
                }
                read_messages(&file)
            })
            .collect();
        let keys: Vec<BTreeSet<&str>> =
            per_language.iter().map(|m| m.iter().map(|(k, _)| k.as_str()).collect()).collect();
        for (i, lang) in LANGUAGES.iter().enumerate() {
            for (j, other) in LANGUAGES.iter().enumerate() {
                for missing in keys[j].difference(&keys[i]) {
                    problems.push(format!("{}: {missing} is in {other}.ftl but not in {lang}.ftl", dir.display()));
                }
            }
        }
        let texts: Vec<BTreeMap<&str, &str>> =
            per_language.iter().map(|m| m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()).collect();
        table.push_str(&format!("    // {}\n", dir.strip_prefix(&src).unwrap_or(dir).display()));
        for (key, _) in &per_language[0] {
            if let Some(first) = owner.insert(key.clone(), dir.clone()) {
                problems.push(format!("{key} is defined in {} and in {}", first.display(), dir.display()));
            }
            if let Some(lang) = LANGUAGES
                .iter()
                .zip(&texts)
                .find(|(_, t)| t.get(key.as_str()).is_some_and(|v| v.trim().is_empty()))
                .map(|(l, _)| l)
            {
                problems.push(format!("{}: {key} is empty in {lang}.ftl", dir.display()));
                continue;
            }
            if texts.iter().any(|t| !t.contains_key(key.as_str())) {
                continue; // reported above as missing
            }
            let values: Vec<String> = texts.iter().map(|t| format!("{:?}", t[key.as_str()])).collect();
            table.push_str(&format!("    {key} => {};\n", values.join(", ")));
        }
    }
    if !problems.is_empty() {
        panic!("the app's words are incomplete:\n{}", problems.join("\n"));
    }
    table.push_str("}\n");
    let out = Path::new(&env::var("OUT_DIR").expect("out dir")).join("messages.rs");
    fs::write(&out, table).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
