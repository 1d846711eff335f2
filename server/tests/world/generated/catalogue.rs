//! Every server function's form fields, read from the app's own source with `syn`: its arguments,
//! and the fields of the input structures they take (flattened or nested as `input[field]`, lists
//! as `lines[0][field]`), so a new form is covered the day it is written.
use std::collections::HashMap;
use std::path::Path;

use quote::ToTokens;
use syn::{Attribute, Fields, FnArg, GenericArgument, Item, Pat, PathArguments, Type};

use super::values::Kind;

#[derive(Clone, Debug)]
pub struct Field {
    /// As the form names it (`input[title]`, `contacts[0][name]`).
    pub name: String,
    pub kind: Kind,
    /// A field the deserialiser fills in when it is missing.
    pub optional: bool,
}

#[derive(Clone, Debug)]
pub struct ServerFn {
    pub endpoint: String,
    pub fields: Vec<Field>,
}

/// A plain route (`server::plain_routes`) and the fields of the form or query its handler reads.
#[derive(Clone, Debug)]
pub struct PlainRoute {
    pub method: String,
    pub template: String,
    pub fields: Vec<Field>,
    /// It reads a multipart upload.
    pub multipart: bool,
}

struct StructDef {
    fields: Vec<(String, Type, bool /* flatten */, bool /* default */)>,
}

/// The app's source, read once.
pub struct Source {
    structs: HashMap<String, StructDef>,
    /// Server functions by endpoint.
    server: Vec<(String, Vec<Arg>)>,
    /// Every other function by its module path (`app::auth::http::sign_in`).
    handlers: HashMap<String, Vec<Arg>>,
}

impl Source {
    pub fn read(app_src: &Path) -> Source {
        let mut source = Source { structs: HashMap::new(), server: Vec::new(), handlers: HashMap::new() };
        for file in rust_files(app_src) {
            let text = std::fs::read_to_string(&file).expect("read a source file");
            let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", file.display()));
            let rel = file.strip_prefix(app_src).expect("under the source").with_extension("");
            let mut module: Vec<String> = vec!["app".into()];
            module.extend(rel.iter().map(|c| c.to_string_lossy().to_string()).filter(|c| c != "mod" && c != "lib"));
            collect(&parsed.items, &module.join("::"), &mut source);
        }
        source
    }

    /// The server functions declared in the app.
    pub fn server_fns(&self) -> Vec<ServerFn> {
        self.server
            .iter()
            .map(|(endpoint, args)| ServerFn { endpoint: endpoint.clone(), fields: self.fields(args, false) })
            .collect()
    }

    /// The fields of every plain route, from the handler each line of `plain_routes` names.
    pub fn plain_routes(&self, server_lib: &str) -> Vec<PlainRoute> {
        let mut out = Vec::new();
        for line in server_lib.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix("(\"").filter(|r| r.starts_with("GET") || r.starts_with("POST")) else {
                continue;
            };
            let mut quoted = rest.split('"');
            let (Some(method), Some(_), Some(template)) = (quoted.next(), quoted.next(), quoted.next()) else {
                continue;
            };
            let handler = line
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .rfind(|w| w.starts_with("app::"))
                .unwrap_or_default();
            let args = self.handlers.get(handler).cloned().unwrap_or_default();
            let multipart = args.iter().any(|(_, ty, _, _)| ty.to_token_stream().to_string().contains("Multipart"));
            out.push(PlainRoute {
                method: method.to_string(),
                template: template.to_string(),
                fields: self.fields(&args, true),
                multipart,
            });
        }
        out
    }

    /// Form fields of arguments: each argument a field (or its structure's fields); with
    /// `extracted`, only the structures inside `Form<…>` or `Query<…>` count, flattened.
    fn fields(&self, args: &[Arg], extracted: bool) -> Vec<Field> {
        let mut fields = Vec::new();
        for (name, ty, flatten, default) in args {
            if extracted {
                if let Some(inner) = extractor(ty) {
                    expand(&self.structs, "", name, &inner, false, &mut fields, 0);
                }
                continue;
            }
            let prefix = if *flatten { String::new() } else { name.clone() };
            expand(&self.structs, &prefix, name, ty, *default, &mut fields, 0);
        }
        fields
    }
}

/// The `T` of a `Form<T>` or `Query<T>`, also inside `Result<…>` or `Option<…>`.
fn extractor(ty: &Type) -> Option<Type> {
    let (ident, inner) = head(ty)?;
    match ident.as_str() {
        "Form" | "Query" => inner,
        "Result" | "Option" => extractor(&inner?),
        _ => None,
    }
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the app's source").flatten() {
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

type Arg = (String, Type, bool, bool);

fn collect(items: &[Item], module: &str, source: &mut Source) {
    for item in items {
        match item {
            Item::Struct(s) => {
                let Fields::Named(named) = &s.fields else { continue };
                let fields = named
                    .named
                    .iter()
                    .filter_map(|f| {
                        let name = f.ident.as_ref()?.to_string();
                        let flatten = has(&f.attrs, "serde", "flatten");
                        let default = has(&f.attrs, "serde", "default");
                        Some((name, f.ty.clone(), flatten, default))
                    })
                    .collect();
                source.structs.insert(s.ident.to_string(), StructDef { fields });
            }
            Item::Fn(f) => {
                let args: Vec<Arg> = f
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        FnArg::Typed(t) => {
                            // A destructured extractor (`Query(q)`) still names its type.
                            let name = match &*t.pat {
                                Pat::Ident(id) => id.ident.to_string(),
                                _ => "_".to_string(),
                            };
                            let flatten = has(&t.attrs, "server", "flatten");
                            let default = has(&t.attrs, "server", "default");
                            Some((name, (*t.ty).clone(), flatten, default))
                        }
                        FnArg::Receiver(_) => None,
                    })
                    .collect();
                match f.attrs.iter().find(|a| a.path().is_ident("server")) {
                    Some(attr) => {
                        let tokens = attr.meta.to_token_stream().to_string();
                        let endpoint = tokens
                            .split_once("endpoint")
                            .and_then(|(_, rest)| rest.split('"').nth(1))
                            .map(str::to_string)
                            .unwrap_or_else(|| f.sig.ident.to_string());
                        source.server.push((endpoint, args));
                    }
                    None => {
                        source.handlers.insert(format!("{module}::{}", f.sig.ident), args);
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, &format!("{module}::{}", m.ident), source);
                }
            }
            _ => {}
        }
    }
}

fn has(attrs: &[Attribute], path: &str, word: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(path) && a.meta.to_token_stream().to_string().contains(word))
}

/// The last path segment of a type and its first generic argument (`Option<T>`, `Vec<T>`).
fn head(ty: &Type) -> Option<(String, Option<Type>)> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let inner = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    };
    Some((seg.ident.to_string(), inner))
}

fn expand(
    structs: &HashMap<String, StructDef>,
    prefix: &str,
    name: &str,
    ty: &Type,
    default: bool,
    out: &mut Vec<Field>,
    depth: usize,
) {
    let Some((ident, inner)) = head(ty) else {
        out.push(Field { name: prefix.to_string(), kind: Kind::Text, optional: default });
        return;
    };
    match (ident.as_str(), inner) {
        ("Option", Some(t)) => expand(structs, prefix, name, &t, true, out, depth),
        ("Vec", Some(t)) => {
            for i in 0..2 {
                expand(structs, &format!("{prefix}[{i}]"), name, &t, true, out, depth + 1);
            }
        }
        (s, _) if depth < 4 && structs.contains_key(s) => {
            for (field, fty, flatten, fdefault) in &structs[s].fields {
                let p = match (*flatten, prefix.is_empty()) {
                    (true, _) => prefix.to_string(),
                    (false, true) => field.clone(),
                    (false, false) => format!("{prefix}[{field}]"),
                };
                expand(structs, &p, field, fty, default || *fdefault, out, depth + 1);
            }
        }
        (s, _) => out.push(Field { name: prefix.to_string(), kind: Kind::of(s, name), optional: default }),
    }
}
