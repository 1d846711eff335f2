//! Tests of the house's shape, read from the source: the foundation (`backend/`, `domain/`)
//! imports no module, so a module plugs itself in and the foundation never reaches up.
use std::{
    fs,
    path::{Path, PathBuf},
};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read the source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Folders below the modules: the foundation, the shared vocabulary, and the words.
const BELOW: [&str; 3] = ["backend", "domain", "i18n"];

/// Every other folder of `src/` is a module (or `ui/`, which sits above them too), so a new
/// module is covered the day its folder exists.
fn modules() -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(src())
        .expect("read src")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !BELOW.contains(&name.as_str()))
        .collect();
    out.sort();
    out
}

/// The code of a file without its comments (a doc line may name a module).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segment after each `crate::`, through `use crate::{a::…, b, …}` groups too.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut item, mut end) = (0usize, String::new(), group.len());
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = j;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 || c != '{' {
                    item.push(c);
                }
            }
            out.push(first_segment(&item));
            rest = &group[end..];
        } else {
            out.push(first_segment(rest));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

fn first_segment(s: &str) -> String {
    s.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

#[test]
fn the_parser_reads_grouped_imports() {
    let found =
        crate_paths("use crate::{\n    domain::{OrgKind, Role},\n    i18n::Locale,\n};\nlet x = crate::tenancy::y;");
    assert_eq!(found, ["domain", "i18n", "tenancy"]);
}

#[test]
fn the_foundation_imports_no_module() {
    let modules = modules();
    assert!(modules.iter().any(|m| m == "reports"), "modules found: {modules:?}");
    let mut reaching_up = Vec::new();
    for below in BELOW {
        for file in rust_files(&src().join(below)) {
            let text = fs::read_to_string(&file).expect("read a source file");
            for segment in crate_paths(&code(&text)) {
                if modules.contains(&segment) {
                    reaching_up.push(format!("{} uses crate::{segment}", file.display()));
                }
            }
        }
    }
    assert!(reaching_up.is_empty(), "the foundation must not import a module:\n{}", reaching_up.join("\n"));
}

/// Tables that hold no tenant's data: the session store, settings, the outbox (read only by the
/// platform's outbox view, a capability of its own), the audit chain's head and the reminder job's
/// sent-marks, and the working calendar (the whole country's).
const SYSTEM_TABLES: [&str; 7] = ["session", "setting", "outbox", "audit_head", "reminder", "job", "work_day"];

/// The entity modules of every `entity.rs`, the system tables left out: the tenant tables.
fn tenant_tables() -> Vec<String> {
    let mut out = Vec::new();
    for file in rust_files(&src()) {
        if file.file_name().is_some_and(|n| n == "entity.rs") {
            let text = fs::read_to_string(&file).expect("read an entity file");
            for line in text.lines() {
                // `pub mod x {`, or an `entity!` declaration: `x = "table" {`.
                let declared = line.trim().strip_prefix("pub mod ").and_then(|r| r.strip_suffix(" {")).or_else(|| {
                    let (name, rest) = line.trim().split_once(" = \"")?;
                    rest.ends_with("\" {").then_some(name)
                });
                if let Some(name) = declared {
                    if !SYSTEM_TABLES.contains(&name) {
                        out.push(name.to_string());
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Where a bare select on a tenant table starts: `x::Entity::find()`, `x::Entity::find_by_id(…)`,
/// or an alias of a tenant entity imported to hide the name.
fn bare_selects(code: &str, tables: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for t in tables {
            for start in ["::Entity::find()", "::Entity::find_by_id(", "::Entity as "] {
                let needle = format!("{t}{start}");
                if let Some(i) = line.find(&needle) {
                    let before = line[..i].chars().next_back();
                    if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                        out.push(format!("line {}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn the_checker_sees_a_bare_select() {
    let tables = vec!["obligation".to_string(), "person".to_string()];
    let found = bare_selects(
        "let a = obligation::Entity::find().all(db);\nlet b = reader.obligations();\nlet c = person::Entity::find_by_id(id);\nlet d = sub_obligation::Entity::find();\nuse x::obligation::Entity as O;",
        &tables,
    );
    assert_eq!(found.len(), 3, "{found:?}");
}

/// A module's services read tenant data only through its capabilities: the selects start in a
/// `scope.rs` (the policy layer, where each reach is written once), never in a service or page.
#[test]
fn module_services_start_no_bare_select_on_a_tenant_table() {
    let tables = tenant_tables();
    for t in [
        "organisation",
        "person",
        "website",
        "engagement",
        "obligation",
        "submission",
        "audit_log",
        "api_token",
        "roster",
        "rotation",
    ] {
        assert!(tables.iter().any(|x| x == t), "tenant tables found: {tables:?}");
    }
    let mut found = Vec::new();
    for module in modules() {
        for file in rust_files(&src().join(&module)) {
            if file.file_name().is_some_and(|n| n == "scope.rs" || n == "entity.rs") {
                continue;
            }
            let text = fs::read_to_string(&file).expect("read a source file");
            for hit in bare_selects(&code(&text), &tables) {
                found.push(format!("{}: {hit}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "{} bare selects on tenant tables outside a scope.rs (ask the module's capability):\n{}",
        found.len(),
        found.join("\n")
    );
}
