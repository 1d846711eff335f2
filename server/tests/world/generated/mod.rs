//! Generated inputs (proptest): at least 10,000 requests per database over every surface a client
//! can reach — the machine API from its own OpenAPI document (path, query, headers, bodies), every
//! server function's form fields and every plain route's form or query (read from the source, so
//! a new form is covered the day it is written), and every page's address — sent as signed-in
//! people of several kinds, by token, and as nobody. No answer may be a 5xx or no answer at all,
//! and every API answer must be one its document promises (status, media type, schema). What this
//! found once stays found in `regressions.rs`.
mod catalogue;
mod openapi;
mod regressions;
mod values;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use reqwest::header::{HeaderName, HeaderValue};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

use crate::common::{backends, spawn, TestApp};
use catalogue::{Field, Source};
use openapi::{json_for, lossy, param_value, Checker, Operation, Sources};
use values::{hostile, value, Kind};

/// Cases per database; `PORTAL_GENERATED_CASES` raises it for a longer hunt.
const CASES: u32 = 10_000;

/// Who sends a request.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// One of the signed-in people, by index.
    Person(usize),
    /// A client with no session (and a made-up session cookie now and then).
    Nobody,
}

#[derive(Clone)]
enum Body {
    None,
    Form(Vec<(String, String)>),
    Raw { content_type: String, bytes: Vec<u8> },
    Multipart(Vec<Part>),
}

#[derive(Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::None => write!(f, "none"),
            Body::Form(pairs) => write!(f, "form {pairs:?}"),
            Body::Raw { content_type, bytes } => write!(f, "{content_type} {:?}", lossy(bytes)),
            Body::Multipart(parts) => write!(f, "multipart {parts:?}"),
        }
    }
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:?}={:?}", self.name, self.file, lossy(&self.bytes))
    }
}

/// One generated request.
#[derive(Clone, Debug)]
struct Probe {
    /// What it exercises: `api POST /changes`, `fn create_plan`, `page /reports/{id}`.
    surface: String,
    /// The API operation's index, for the schema check.
    op: Option<usize>,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Body,
    who: Who,
    /// The API token's index, or a made-up `Authorization` value.
    token: Option<Result<usize, String>>,
}

/// The people the requests come from (emails of the tests' world), chosen so that no generated
/// input can take them away: their organisations and persons are not among the ids drawn.
const PEOPLE: &[&str] = &[
    "platform@portal.example",
    "admin@agency.example",
    "security@csp.example",
    "admin@csp.example",
    "admin@regulator.example",
    "admin@province.example",
    "admin@assessor.example",
    "admin@integrator.example",
];
/// Who holds API tokens (also of the world).
const TOKEN_HOLDERS: &[&str] =
    &["admin@agency.example", "admin@csp.example", "admin@regulator.example", "admin@csp3.example"];

struct Ctx {
    app_base: String,
    ops: Vec<Operation>,
    checker: Checker,
    people: Vec<Mutex<reqwest::Client>>,
    tokens: Vec<String>,
    signed_out: Vec<AtomicUsize>,
    /// Answers by status, for the run's summary.
    statuses: Mutex<std::collections::BTreeMap<u16, usize>>,
    /// Wrong answers found while hunting, by surface and kind.
    found: Mutex<std::collections::BTreeMap<String, String>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_generated_inputs_answer_without_a_5xx_and_as_documented() {
    let cases = std::env::var("PORTAL_GENERATED_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(CASES);
    for backend in backends() {
        let app = spawn(backend).await;
        let (ctx, plan) = setup(&app).await;
        let ctx = Arc::new(ctx);
        let handle = tokio::runtime::Handle::current();
        let seed = seed();
        let collect = std::env::var("PORTAL_GENERATED_COLLECT").is_ok_and(|v| v == "1");
        let run_ctx = ctx.clone();
        let started = std::time::Instant::now();
        let result = tokio::task::spawn_blocking(move || {
            let config = Config { cases, failure_persistence: None, max_shrink_iters: 400, ..Config::default() };
            let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
            // Strategies are built on this thread: they are neither Send nor Sync.
            let strategy = plan.strategy();
            runner
                .run(&strategy, |probe| match handle.block_on(send(&run_ctx, &probe)) {
                    // Hunting (`PORTAL_GENERATED_COLLECT=1`): every kind of failure listed at the end.
                    Err(e) if collect => {
                        let key = format!("{} {}", probe.surface, e.chars().take(120).collect::<String>());
                        run_ctx.found.lock().expect("found").entry(key).or_insert(e);
                        Ok(())
                    }
                    other => other.map_err(TestCaseError::fail),
                })
                .map_err(|e| e.to_string())
        })
        .await
        .expect("the generated run");
        let statuses = ctx.statuses.lock().expect("statuses").clone();
        eprintln!(
            "generated inputs on {backend:?}: {cases} cases in {:.1} s, seed {}, answers by status {statuses:?}",
            started.elapsed().as_secs_f64(),
            hex(&seed)
        );
        let found = ctx.found.lock().expect("found").clone();
        for e in found.values() {
            eprintln!("FOUND {}\n", e.chars().take(1500).collect::<String>());
        }
        assert!(found.is_empty(), "{} kinds of wrong answers", found.len());
        if let Err(e) = result {
            panic!("{backend:?}: a generated input was answered wrongly (seed {}): {e}", hex(&seed));
        }
        let total: usize = statuses.values().sum();
        assert!(total >= cases as usize, "every case sent at least one request ({total})");
        // The run reached past the gate: most answers were not refusals of the caller.
        let refused: usize = statuses.iter().filter(|(s, _)| [401, 403].contains(*s)).map(|(_, n)| n).sum();
        assert!(refused * 2 < total, "most generated requests got past authentication: {statuses:?}");
    }
}

/// The run's seed: fixed, so CI sends the same inputs every run and a failure is reproduced by
/// running it again; `PORTAL_GENERATED_SEED=random` (or 64 hex digits) hunts further.
fn seed() -> [u8; 32] {
    let mut seed = *b"portal generated inputs, seed 01";
    match std::env::var("PORTAL_GENERATED_SEED").ok().as_deref() {
        Some("random") => rand::RngCore::fill_bytes(&mut rand::rng(), &mut seed),
        Some(hexed) if hexed.len() == 64 => {
            for (i, b) in seed.iter_mut().enumerate() {
                *b = u8::from_str_radix(&hexed[2 * i..2 * i + 2], 16).expect("a hex seed");
            }
        }
        _ => {}
    }
    seed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn setup(app: &TestApp) -> (Ctx, Plan) {
    let now = app.now();
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.expect("doc").json().await.expect("json");
    let doc = Arc::new(doc);
    let ops = openapi::operations(&doc);
    let mut tokens = Vec::new();
    for email in TOKEN_HOLDERS {
        tokens.push(app::auth::tokens::issue_for(&app.db, now, email, "generated", 30).await.expect("token"));
    }
    let mut people = Vec::new();
    for email in PEOPLE {
        people.push(Mutex::new(signed_in(app, email).await.expect("sign in")));
    }
    let ids = Arc::new(world_ids(app).await);
    let mut codes = openapi::codes(&doc);
    codes.extend(
        ["primary", "secondary", "daily", "weekly", "custom", "accept", "return", "add", "replace"].map(String::from),
    );
    let src = Sources { doc: doc.clone(), ids: ids.clone(), codes: Arc::new(codes) };

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = Source::read(&root.join("../app/src"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("server/src/lib.rs");
    let fn_methods: std::collections::HashMap<String, String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, m)| (p.trim_start_matches("/api/").to_string(), m.to_string()))
        .collect();
    let fns = source.server_fns();
    for endpoint in fn_methods.keys() {
        assert!(fns.iter().any(|f| &f.endpoint == endpoint), "server function {endpoint} was not found in the source");
    }
    let plain = source.plain_routes(&lib);
    assert_eq!(plain.len(), server::plain_routes().len(), "every plain route was read from server/src/lib.rs");
    let pages: Vec<String> = server::route_list().iter().map(|r| r.path().to_string()).collect();

    let n_people = PEOPLE.len();
    let plan = Plan { ops: ops.clone(), fns, fn_methods, plain, pages, src, n_people, n_tokens: tokens.len() };
    let ctx = Ctx {
        app_base: app.base.clone(),
        checker: Checker::new(doc.clone()),
        ops,
        signed_out: (0..n_people).map(|_| AtomicUsize::new(0)).collect(),
        people,
        tokens,
        statuses: Mutex::new(Default::default()),
        found: Mutex::new(Default::default()),
    };
    (ctx, plan)
}

/// What the inputs are generated for: every surface, read once.
struct Plan {
    ops: Vec<Operation>,
    fns: Vec<catalogue::ServerFn>,
    fn_methods: std::collections::HashMap<String, String>,
    plain: Vec<catalogue::PlainRoute>,
    pages: Vec<String>,
    src: Sources,
    n_people: usize,
    n_tokens: usize,
}

impl Plan {
    /// One request: API 40 %, server functions 40 %, plain routes 12 %, pages 8 %.
    fn strategy(&self) -> BoxedStrategy<Probe> {
        let (src, n_people) = (&self.src, self.n_people);
        let api: Vec<_> = self.ops.iter().enumerate().map(|(i, op)| api_probe(i, op, src, self.n_tokens)).collect();
        let forms: Vec<_> = self
            .fns
            .iter()
            .map(|f| {
                let method = self.fn_methods.get(&f.endpoint).cloned().unwrap_or_else(|| "POST".into());
                let path = format!("/api/{}", f.endpoint);
                form_probe(&format!("fn {}", f.endpoint), &method, &path, &f.fields, false, src, n_people)
            })
            .collect();
        let routes: Vec<_> = self
            .plain
            .iter()
            .map(|r| {
                let surface = format!("route {} {}", r.method, r.template);
                form_probe(&surface, &r.method, &r.template, &r.fields, r.multipart, src, n_people)
            })
            .collect();
        let pages: Vec<_> = self
            .pages
            .iter()
            .map(|p| form_probe(&format!("page {p}"), "GET", p, &page_fields(), false, src, n_people))
            .collect();
        proptest::strategy::Union::new_weighted(vec![
            (40, proptest::strategy::Union::new(api).boxed()),
            (40, proptest::strategy::Union::new(forms).boxed()),
            (12, proptest::strategy::Union::new(routes).boxed()),
            (8, proptest::strategy::Union::new(pages).boxed()),
        ])
        .boxed()
    }
}

async fn signed_in(app: &TestApp, email: &str) -> Result<reqwest::Client, String> {
    let c = crate::common::browser_client();
    let res = app.sign_in(&c, email, crate::common::world::PASSWORD).await;
    match res.status().as_u16() {
        303 => Ok(c),
        s => Err(format!("sign-in of {email}: {s}")),
    }
}

/// Ids of the world's records, for fields that name one: its people and organisations except
/// those sending the requests.
async fn world_ids(app: &TestApp) -> Vec<String> {
    let tables = [
        "website",
        "engagement",
        "report_obligation",
        "report_submission",
        "report_file",
        "roster",
        "roster_rotation",
        "roster_special",
        "roster_offer",
        "er_plan",
        "er_drill",
        "er_action",
        "er_incident",
        "ch_notice",
        "ch_file",
        "sla_version",
        "sla_record",
        "person_session",
        "calendar_feed",
    ];
    let mut ids = Vec::new();
    for table in tables {
        let sql = format!("SELECT id FROM {table} LIMIT 40");
        let rows = app.db.query_all_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.expect(table);
        ids.extend(rows.iter().filter_map(|r| r.try_get::<uuid::Uuid>("", "id").ok()).map(|u| u.to_string()));
    }
    let spared: Vec<String> =
        PEOPLE.iter().map(|e| e.split(['@', '.']).nth(1).unwrap_or_default().to_string()).collect();
    let sql = "SELECT p.id AS id, p.email AS email, o.id AS org FROM person p JOIN organisation o ON o.id = p.organisation_id";
    let rows = app.db.query_all_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.expect("people");
    for r in rows {
        let email: String = r.try_get("", "email").unwrap_or_default();
        let org_key = email.split(['@', '.']).nth(1).unwrap_or_default();
        if !spared.iter().any(|s| s == org_key) {
            for column in ["id", "org"] {
                ids.extend(r.try_get::<uuid::Uuid>("", column).ok().map(|u| u.to_string()));
            }
        }
    }
    ids.sort();
    ids.dedup();
    assert!(ids.len() > 50, "the world's ids were read ({})", ids.len());
    ids
}

/// What a page's address may carry: the lists' filters and paging.
fn page_fields() -> Vec<Field> {
    ["page", "q", "status", "month", "year", "from", "to", "website_id", "agency_id", "kind", "sort", "back", "lang"]
        .iter()
        .map(|n| Field { name: n.to_string(), kind: Kind::of("String", n), optional: true })
        .collect()
}

fn who(n_people: usize) -> BoxedStrategy<Who> {
    prop_oneof![9 => (0..n_people).prop_map(Who::Person), 1 => Just(Who::Nobody)].boxed()
}

/// Headers a client might send, hostile ones among them.
fn extra_headers() -> BoxedStrategy<Vec<(String, String)>> {
    let one = prop_oneof![
        (
            Just("accept-language".to_string()),
            prop_oneof![select(vec!["zh-CN".to_string(), "en".into(), "en;q=x, *".into()]), hostile()]
        ),
        (
            Just("accept".to_string()),
            select(vec![
                "application/json".to_string(),
                "text/html".into(),
                "*/*".into(),
                "text/csv".into(),
                "application/xml".into()
            ])
        ),
        (Just("x-forwarded-for".to_string()), prop_oneof![Just("203.0.113.9".to_string()), hostile()]),
        (
            Just("user-agent".to_string()),
            prop_oneof![Just("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0".to_string()), hostile()]
        ),
        (Just("if-none-match".to_string()), hostile()),
        (
            Just("range".to_string()),
            select(vec!["bytes=0-10".to_string(), "bytes=-5".into(), "bytes=99999999-".into(), "bytes=a-b".into()])
        ),
        (Just("idempotency-key".to_string()), hostile()),
        (Just("origin".to_string()), select(vec!["http://evil.example".to_string(), "null".into()])),
        (
            Just("sec-fetch-site".to_string()),
            select(vec!["cross-site".to_string(), "same-origin".into(), "none".into()])
        ),
        (Just("cookie".to_string()), hostile().prop_map(|v| format!("portal_session={v}"))),
    ];
    proptest::collection::vec(one, 0..3).boxed()
}

/// A query string or form of `fields`: each field plausible or hostile, some left out, some
/// repeated, now and then a field nobody asked for or a broken encoding.
fn pairs(fields: &[Field], src: &Sources) -> BoxedStrategy<Vec<(String, String)>> {
    let per_field: Vec<BoxedStrategy<Vec<(String, String)>>> = fields
        .iter()
        .map(|f| {
            let name = f.name.clone();
            let keep = if f.optional { 0.6 } else { 0.95 };
            let v = value(f.kind, &src.ids, &src.codes);
            (proptest::option::weighted(keep, v.clone()), proptest::option::weighted(0.03, v))
                .prop_map(move |(a, b)| a.into_iter().chain(b).map(|v| (name.clone(), v)).collect())
                .boxed()
        })
        .collect();
    let stray = proptest::option::weighted(
        0.1,
        (
            select(vec![
                "extra".to_string(),
                "input[".into(),
                "a[b][c][d][e][f][g][h]".into(),
                "input[0]".into(),
                "]]".into(),
                "".into(),
                "id[]".into(),
            ]),
            hostile(),
        ),
    );
    (per_field, stray).prop_map(|(fields, stray)| fields.into_iter().flatten().chain(stray).collect()).boxed()
}

/// A value in an address is cut to this many characters: a client cannot send an address past
/// 64 KiB at all, so the server never sees longer ones (bodies keep their long values).
const URL_VALUE: usize = 2000;

fn encode_query(pairs: &[(String, String)]) -> String {
    let cut: Vec<(String, String)> =
        pairs.iter().map(|(k, v)| (k.clone(), v.chars().take(URL_VALUE).collect())).collect();
    encode(&cut)
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A path template filled in (`{id}` or `:id`): the world's ids mostly, hostile text now and then.
fn fill(template: &str, src: &Sources) -> BoxedStrategy<String> {
    let parts: Vec<BoxedStrategy<String>> = template
        .split('/')
        .map(|seg| {
            let param = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')).or_else(|| seg.strip_prefix(':'));
            match param {
                None => Just(seg.to_string()).boxed(),
                Some(name) => {
                    let kind = if name == "month" { Kind::Month } else if name == "token" { Kind::Text } else { Kind::Id };
                    prop_oneof![
                        9 => value(kind, &src.ids, &src.codes).prop_map(|v| segment(&v)),
                        1 => select(vec!["%FF".to_string(), "%2e%2e".into(), "..".into(), "%00".into(), "a%2Fb".into()]),
                    ]
                    .boxed()
                }
            }
        })
        .collect();
    parts.prop_map(|p| p.join("/")).boxed()
}

fn segment(v: &str) -> String {
    let v: String = v.chars().take(URL_VALUE).collect();
    let s = url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>().replace('+', "%20");
    if s.is_empty() {
        "%20".into()
    } else {
        s
    }
}

/// Broken query strings appended now and then.
fn junk_query() -> BoxedStrategy<String> {
    proptest::option::weighted(
        0.08,
        select(vec![
            "%ZZ".to_string(),
            "a=%FF%FE".into(),
            "[=1".into(),
            "=".into(),
            "&&&".into(),
            "page=%00".into(),
            "a".repeat(9000),
        ]),
    )
    .prop_map(|j| j.unwrap_or_default())
    .boxed()
}

/// A probe of a server function, plain route or page.
fn form_probe(
    surface: &str,
    method: &str,
    template: &str,
    fields: &[Field],
    multipart: bool,
    src: &Sources,
    n_people: usize,
) -> BoxedStrategy<Probe> {
    let (surface, method) = (surface.to_string(), method.to_uppercase());
    let get = method == "GET";
    let body_kind = prop_oneof![
        17 => Just(0u8), // as a browser sends it
        1 => Just(1u8),  // JSON where a form belongs
        1 => Just(2u8),  // bytes that are no encoding at all
        1 => Just(3u8),  // nothing
    ];
    let raw = proptest::collection::vec(any::<u8>(), 0..200);
    (
        fill(template, src),
        pairs(fields, src),
        junk_query(),
        body_kind,
        raw,
        who(n_people),
        extra_headers(),
        any::<bool>(),
    )
        .prop_map(move |(path, pairs, junk, body_kind, raw, who, headers, accept_json)| {
            let mut headers = headers;
            if accept_json && !headers.iter().any(|(k, _)| k == "accept") {
                headers.push(("accept".into(), "application/json".into()));
            }
            let (query, body) = if get {
                (join_query(&encode_query(&pairs), &junk), Body::None)
            } else {
                let body = match body_kind {
                    _ if multipart && body_kind == 0 => Body::Multipart(
                        pairs
                            .iter()
                            .map(|(k, v)| Part {
                                name: k.clone(),
                                file: (k.contains("file"))
                                    .then(|| ("report.pdf".to_string(), "application/pdf".to_string())),
                                bytes: v.clone().into_bytes(),
                            })
                            .collect(),
                    ),
                    0 => Body::Form(pairs),
                    1 => Body::Raw {
                        content_type: "application/json".into(),
                        bytes: serde_json::to_vec(
                            &pairs
                                .into_iter()
                                .map(|(k, v)| (k, Value::String(v)))
                                .collect::<serde_json::Map<String, Value>>(),
                        )
                        .unwrap_or_default(),
                    },
                    2 => Body::Raw { content_type: "application/x-www-form-urlencoded".into(), bytes: raw },
                    _ => Body::None,
                };
                (junk, body)
            };
            Probe {
                surface: surface.clone(),
                op: None,
                method: method.clone(),
                path,
                query,
                headers,
                body,
                who,
                token: None,
            }
        })
        .boxed()
}

fn join_query(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}&{b}"),
    }
}

/// A probe of an API operation, its inputs drawn from the operation's schemas.
fn api_probe(index: usize, op: &Operation, src: &Sources, n_tokens: usize) -> BoxedStrategy<Probe> {
    let surface = format!("api {} {}", op.method, op.template);
    let method = op.method.clone();
    let template = op.template.clone();
    let query_params: Vec<_> = op.params.iter().filter(|p| p.location == "query").cloned().collect();
    let query: Vec<BoxedStrategy<Option<(String, String)>>> = query_params
        .iter()
        .map(|p| {
            let name = p.name.clone();
            param_value(p, src).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed()
        })
        .collect();
    let body: BoxedStrategy<Body> = match &op.body {
        None => Just(Body::None).boxed(),
        Some((media, schema)) if media.starts_with("multipart/") => {
            let schema = openapi_resolve(&src.doc, schema);
            let props: Vec<(String, Value)> = schema["properties"]
                .as_object()
                .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let summary = src.doc["components"]["schemas"]["Summary"].clone();
            let parts: Vec<BoxedStrategy<Option<Part>>> = props
                .into_iter()
                .map(|(name, s)| {
                    let is_file = s.to_string().contains("binary");
                    let text: BoxedStrategy<Vec<u8>> = if name == "summary" && !summary.is_null() {
                        json_for(&summary, &name, src, 0).prop_map(|v| v.to_string().into_bytes()).boxed()
                    } else if is_file {
                        prop_oneof![
                            Just(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec()),
                            proptest::collection::vec(any::<u8>(), 0..300),
                            Just(b"MZ\x90\x00\x03".to_vec()),
                        ]
                        .boxed()
                    } else {
                        param_value(
                            &openapi::Param { name: name.clone(), location: "body".into(), required: true, schema: s },
                            src,
                        )
                        .prop_map(|v| v.unwrap_or_default().into_bytes())
                        .boxed()
                    };
                    let file_name = select(vec![
                        "report.pdf".to_string(),
                        "../../x.pdf".into(),
                        "a.exe".into(),
                        "".into(),
                        "报告.docx".into(),
                    ]);
                    let mime = select(vec![
                        "application/pdf".to_string(),
                        "application/octet-stream".into(),
                        "text/html".into(),
                    ]);
                    proptest::option::weighted(0.85, (text, file_name, mime))
                        .prop_map(move |p| {
                            p.map(|(bytes, f, m)| Part { name: name.clone(), file: is_file.then_some((f, m)), bytes })
                        })
                        .boxed()
                })
                .collect();
            parts.prop_map(|p| Body::Multipart(p.into_iter().flatten().collect())).boxed()
        }
        Some((media, schema)) => {
            let media = media.clone();
            let json = json_for(schema, "body", src, 0);
            prop_oneof![
                16 => json.clone().prop_map(move |v| Body::Raw { content_type: media.clone(), bytes: serde_json::to_vec(&v).unwrap_or_default() }),
                1 => json.prop_map(|v| {
                    let mut b = serde_json::to_vec(&v).unwrap_or_default();
                    b.truncate(b.len() / 2);
                    Body::Raw { content_type: "application/json".into(), bytes: b }
                }),
                1 => proptest::collection::vec(any::<u8>(), 0..100).prop_map(|b| Body::Raw { content_type: "application/json".into(), bytes: b }),
                1 => Just(Body::Raw { content_type: "application/json".into(), bytes: format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes() }),
                1 => Just(Body::Raw { content_type: "text/plain".into(), bytes: b"{}".to_vec() }),
            ]
            .boxed()
        }
    };
    let token = prop_oneof![
        18 => (0..n_tokens).prop_map(Ok),
        1 => prop_oneof![
            Just(String::new()),
            Just("Bearer".to_string()),
            Just("Basic YWRtaW46YWRtaW4=".to_string()),
            hostile().prop_map(|h| format!("Bearer {h}")),
            "[a-zA-Z0-9_]{0,60}".prop_map(|h| format!("Bearer pt_{h}")),
        ]
        .prop_map(Err),
    ];
    (fill(&template, src), query, junk_query(), body, token, extra_headers())
        .prop_map(move |(path, query, junk, body, token, headers)| {
            let pairs: Vec<(String, String)> = query.into_iter().flatten().collect();
            Probe {
                surface: surface.clone(),
                op: Some(index),
                method: method.clone(),
                path,
                query: join_query(&encode_query(&pairs), &junk),
                headers: headers.into_iter().filter(|(k, _)| k != "cookie").collect(),
                body,
                who: Who::Nobody,
                token: Some(token),
            }
        })
        .boxed()
}

fn openapi_resolve(doc: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(p) => doc.pointer(p).cloned().unwrap_or(Value::Null),
        None => schema.clone(),
    }
}

/// A header value as bytes a header may hold (control characters dropped).
fn header_value(v: &str) -> Option<HeaderValue> {
    let bytes: Vec<u8> = v.bytes().filter(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f)).collect();
    HeaderValue::from_bytes(&bytes).ok()
}

/// A probe as a failure message shows it.
fn brief(probe: &Probe) -> String {
    let text = format!("{probe:?}");
    if text.chars().count() > 1200 {
        format!("{}…", text.chars().take(1200).collect::<String>())
    } else {
        text
    }
}

/// Sends one probe and says what is wrong with its answer, if anything.
async fn send(ctx: &Ctx, probe: &Probe) -> Result<(), String> {
    let url = if probe.query.is_empty() {
        format!("{}{}", ctx.app_base, probe.path)
    } else {
        format!("{}{}?{}", ctx.app_base, probe.path, probe.query)
    };
    let sender = match probe.who {
        Who::Person(i) => ctx.people[i].lock().expect("client").clone(),
        Who::Nobody => crate::common::browser_client(),
    };
    let method = reqwest::Method::from_bytes(probe.method.as_bytes()).expect("method");
    let mut req = sender.request(method, &url);
    if probe.method != "GET" && !probe.headers.iter().any(|(k, _)| k == "origin") {
        req = req.header("origin", &ctx.app_base);
    }
    match &probe.token {
        Some(Ok(i)) => req = req.bearer_auth(&ctx.tokens[*i]),
        Some(Err(v)) => {
            if let Some(v) = header_value(v) {
                req = req.header("authorization", v);
            }
        }
        None => {}
    }
    for (k, v) in &probe.headers {
        if let (Ok(k), Some(v)) = (HeaderName::from_bytes(k.as_bytes()), header_value(v)) {
            req = req.header(k, v);
        }
    }
    req = match &probe.body {
        Body::None => req,
        Body::Form(pairs) => req.header("content-type", "application/x-www-form-urlencoded").body(encode(pairs)),
        Body::Raw { content_type, bytes } => req.header("content-type", content_type.as_str()).body(bytes.clone()),
        Body::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for p in parts {
                let mut part = reqwest::multipart::Part::bytes(p.bytes.clone());
                if let Some((name, mime)) = &p.file {
                    part = part.file_name(name.clone());
                    part = part.mime_str(mime).unwrap_or_else(|_| reqwest::multipart::Part::bytes(p.bytes.clone()));
                }
                form = form.part(p.name.clone(), part);
            }
            req.multipart(form)
        }
    };
    let res = req.send().await.map_err(|e| format!("{}: no answer ({e}) to {}", probe.surface, brief(probe)))?;
    let status = res.status().as_u16();
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let body = res.bytes().await.map_err(|e| format!("{}: the answer broke off ({e})", probe.surface))?;
    *ctx.statuses.lock().expect("statuses").entry(status).or_default() += 1;
    if status >= 500 {
        return Err(format!("{}: {status} for {}: {}", probe.surface, brief(probe), lossy(&body)));
    }
    if let Some(i) = probe.op {
        let op = &ctx.ops[i];
        ctx.checker
            .check(op, status, &content_type, &body)
            .map_err(|e| format!("{}: {e}; request {}", probe.surface, brief(probe)))?;
    } else if content_type.starts_with("application/json") && status != 204 && !body.is_empty() {
        serde_json::from_slice::<Value>(&body)
            .map_err(|e| format!("{}: {status} says JSON but is not ({e}): {}", probe.surface, lossy(&body)))?;
    }
    // A person whose session a generated input ended (signing out, ending sessions) signs in again.
    if let Who::Person(i) = probe.who {
        if status == 401 || location.starts_with("/login") {
            ctx.signed_out[i].fetch_add(1, Ordering::Relaxed);
            let fresh = crate::common::browser_client();
            let res = fresh
                .post(format!("{}/login", ctx.app_base))
                .header("origin", &ctx.app_base)
                .form(&[("email", PEOPLE[i]), ("password", crate::common::world::PASSWORD)])
                .send()
                .await
                .map_err(|e| format!("sign in again: {e}"))?;
            if res.status() == 303 {
                *ctx.people[i].lock().expect("client") = fresh;
            }
        }
    }
    Ok(())
}
