//! The benchmark: generates the scale world, starts the portal on it, drives 32 signed-in clients
//! with wrk against each page, measures a bare axum handler as the ceiling, a 200 MB upload
//! beside `cp` and beside the hash-bound limit (`cat | tee | openssl dgst -sha256`), memory and
//! start-up, and the regulator's board again while four clients write ten times a second (incident
//! entries, SLA outages, change-notice questions, report submissions); prints a Markdown report.
//! Run on demand, never in the tests.
use std::{
    fmt::Write as _,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use clap::Parser;

#[derive(Parser)]
#[command(name = "portal-bench", about = "Measures the portal with a generated dataset (needs wrk and curl)")]
struct Args {
    /// The portal binary to measure.
    #[arg(long, default_value = "portal")]
    portal: PathBuf,
    /// sqlite, postgres, or both.
    #[arg(long, default_value = "both")]
    database: String,
    /// PostgreSQL server (a database `portal_bench` is dropped and created on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    #[arg(long, default_value_t = 2000)]
    agencies: usize,
    #[arg(long, default_value_t = 36)]
    months: u32,
    /// Seconds per load run.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    #[arg(long, default_value_t = 32)]
    clients: u32,
    /// Where the datasets and the upload file go; a dataset already there is reused.
    #[arg(long, default_value = "/var/tmp/portal-bench")]
    work: PathBuf,
    /// Size of the upload, in MiB.
    #[arg(long, default_value_t = 200)]
    upload_mib: u64,
    /// Only the pages whose name holds this text (with the ceiling, the run under writes and the
    /// start-up figures; no upload, no work list afresh): a quick run at another scale.
    #[arg(long)]
    only: Option<String>,
    /// Internal: serve the bare axum handler on this address (the ceiling).
    #[arg(long, hide = true)]
    ceiling: Option<String>,
}

/// One load run's figures.
struct Load {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    errors: u64,
}

fn main() {
    let args = Args::parse();
    if let Some(addr) = &args.ceiling {
        serve_ceiling(addr);
        return;
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "# Benchmark run {}\n\n{} agencies, {} months of reports; {} clients, {} s per run; {}\n",
        now_text(),
        args.agencies,
        args.months,
        args.clients,
        args.seconds,
        machine()
    );
    let databases: Vec<&str> = match args.database.as_str() {
        "both" => vec!["sqlite", "postgres"],
        one => vec![one],
    };
    for database in databases {
        match run_one(&args, database) {
            Ok(section) => report.push_str(&section),
            Err(e) => {
                eprintln!("{database}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{report}");
}

fn now_text() -> String {
    output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default().trim().to_string()
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    format!("{cpus} cores ({model})")
}

fn output(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd).args(args).output().map_err(|e| format!("{cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd} {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(39123)
}

/// Resident memory of a process, in KiB: (now, peak).
fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Server {
    child: Child,
    base: String,
    started_to_answer: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn portal_env(cmd: &mut Command, data: &Path, url: &str) {
    cmd.env("PORTAL_DATA_DIR", data)
        .env("PORTAL_DATABASE_URL", url)
        .env("PORTAL_SIGNIN_PER_MINUTE", "10000")
        // The load comes from one address and one token: the limits would measure themselves.
        .env("PORTAL_API_PER_TOKEN_PER_MINUTE", "1000000")
        .env("PORTAL_API_PER_ADDRESS_PER_MINUTE", "1000000")
        .env_remove("PORTAL_PUBLIC_URL")
        .env("RUST_LOG", "warn");
}

fn start_portal(args: &Args, data: &Path, url: &str) -> Result<Server, String> {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = Command::new(&args.portal);
    portal_env(&mut cmd, data, url);
    cmd.arg("serve").env("PORTAL_BIND", format!("127.0.0.1:{port}")).stdout(Stdio::null()).stderr(Stdio::inherit());
    let started = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("{}: {e}", args.portal.display()))?;
    let mut server = Server { child, base, started_to_answer: Duration::ZERO };
    loop {
        if started.elapsed() > Duration::from_secs(120) {
            return Err("the portal did not answer within 120 s".into());
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && output("curl", &["-fsS", "-o", "/dev/null", &format!("{}/healthz", server.base)]).is_ok()
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    server.started_to_answer = started.elapsed();
    Ok(server)
}

/// Generates the dataset unless the work folder already holds it; returns (data dir, URL, note).
fn dataset(args: &Args, database: &str) -> Result<(PathBuf, String, String), String> {
    let data = args.work.join(format!("{database}-{}a-{}m", args.agencies, args.months));
    let url = match database {
        "sqlite" => format!("sqlite://{}/portal.db?mode=rwc", data.display()),
        "postgres" => format!("{}/portal_bench_{}a_{}m", args.postgres, args.agencies, args.months),
        other => return Err(format!("unknown database {other}; sqlite, postgres or both")),
    };
    let marker = data.join("generated.txt");
    if let Ok(note) = std::fs::read_to_string(&marker) {
        return Ok((data, url, note));
    }
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    if database == "postgres" {
        let name = url.rsplit('/').next().unwrap_or_default().to_string();
        let admin = format!("{}/postgres", args.postgres);
        output("psql", &[&admin, "-qc", &format!("DROP DATABASE IF EXISTS {name}")])?;
        output("psql", &[&admin, "-qc", &format!("CREATE DATABASE {name}")])?;
    }
    eprintln!("generating the {database} dataset …");
    let mut cmd = Command::new(&args.portal);
    portal_env(&mut cmd, &data, &url);
    let out = cmd
        .args(["generate", "--agencies", &args.agencies.to_string(), "--months", &args.months.to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!("generate failed: {text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    let note = text
        .lines()
        .filter(|l| l.starts_with("done in") || l.contains("report_submission") || l.contains("audit_log"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("; ");
    std::fs::write(&marker, &note).map_err(|e| e.to_string())?;
    Ok((data, url, note))
}

/// Signs in through the form and returns the session cookie ("name=value").
fn sign_in(base: &str, email: &str) -> Result<String, String> {
    let headers = output(
        "curl",
        &[
            "-sS",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "-H",
            &format!("Origin: {base}"),
            "--data-urlencode",
            &format!("email={email}"),
            "--data-urlencode",
            "password=Demo-Portal-2026",
            &format!("{base}/login"),
        ],
    )?;
    headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':').map(|(_, v)| v.trim()))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| format!("sign-in of {email} set no cookie"))
}

/// wrk's duration ("812.00us", "1.53ms", "2.01s") in milliseconds.
fn millis(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

fn parse_wrk(out: &str) -> Load {
    let mut load = Load { rps: 0.0, p50_ms: f64::NAN, p99_ms: f64::NAN, max_ms: f64::NAN, errors: 0 };
    for line in out.lines().map(str::trim) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["Requests/sec:", v] => load.rps = v.parse().unwrap_or(0.0),
            ["50%", v] => load.p50_ms = millis(v),
            ["99%", v] => load.p99_ms = millis(v),
            ["Latency", _avg, _stdev, max, ..] => load.max_ms = millis(max),
            ["Non-2xx", "or", "3xx", "responses:", n] => load.errors += n.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                load.errors += rest.iter().filter_map(|t| t.trim_end_matches(',').parse::<u64>().ok()).sum::<u64>()
            }
            _ => {}
        }
    }
    load
}

fn wrk(args: &Args, url: &str, header: Option<&str>) -> Result<Load, String> {
    let mut a =
        vec!["-t2".to_string(), format!("-c{}", args.clients), format!("-d{}s", args.seconds), "--latency".into()];
    if let Some(h) = header {
        a.push("-H".into());
        a.push(h.into());
    }
    a.push(url.into());
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    Ok(parse_wrk(&output("wrk", &refs)?))
}

/// Checks a URL answers 200 with this header before loading it (a 303 to the sign-in page would
/// measure the wrong thing).
fn check(url: &str, header: &str) -> Result<(), String> {
    let code = output("curl", &["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", header, url])?;
    if code.trim() != "200" {
        return Err(format!("{url} answered {code} instead of 200"));
    }
    Ok(())
}

fn serve_ceiling(addr: &str) {
    let served = tokio::runtime::Runtime::new().and_then(|rt| {
        rt.block_on(async {
            let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
            let listener = tokio::net::TcpListener::bind(addr).await?;
            axum::serve(listener, app).await
        })
    });
    if let Err(e) = served {
        eprintln!("ceiling on {addr}: {e}");
        std::process::exit(1);
    }
}

fn run_one(args: &Args, database: &str) -> Result<String, String> {
    let (data, url, note) = dataset(args, database)?;
    let server = start_portal(args, &data, &url)?;
    let pid = server.child.id();
    // Idle: five seconds without a request (the server trims freed memory after three).
    std::thread::sleep(Duration::from_secs(5));
    let (idle_kib, _) = rss_kib(pid);
    let base = server.base.clone();
    let regulator = sign_in(&base, "security@reg-00.gen.example")?;
    let agency = sign_in(&base, "security@agency-0000.gen.example")?;
    // A county regulator decides its own agencies' change notices.
    let county = sign_in(&base, "security@reg-07.gen.example")?;
    let token = issue_token(args, &data, &url, "security@csp-000.gen.example")?;
    let cookie = |c: &str| format!("Cookie: {c}");
    let bearer = format!("Authorization: Bearer {token}");
    // The deep page: the last full page of the CSP's submissions.
    let total: u64 = output("curl", &["-sS", "-H", &bearer, &format!("{base}/api/v1/submissions?per_page=50")])
        .ok()
        .and_then(|b| {
            b.split("\"total\":").nth(1).map(|t| t.chars().take_while(char::is_ascii_digit).collect::<String>())
        })
        .and_then(|t| t.parse().ok())
        .unwrap_or(1);
    let deep = (total / 50).max(1);
    // One of the CSP's engagements, for its yearly SLA report (the last full year: twelve issued
    // months, read from their frozen reports).
    let engagement: String = output("curl", &["-sS", "-H", &bearer, &format!("{base}/api/v1/sla")])
        .ok()
        .and_then(|b| b.split("\"engagement_id\":\"").nth(1).map(|t| t.chars().take(36).collect()))
        .unwrap_or_default();
    let last_year = time::OffsetDateTime::now_utc().year() - 1;
    // The first load of the regulator's home after the start: nothing kept yet (its board is
    // computed from the database).
    let first_home = timed_get(&format!("{base}/"), &cookie(&regulator))?;
    let pages: Vec<(String, String, String)> = vec![
        ("regulator's home".into(), format!("{base}/"), cookie(&regulator)),
        // The oversight board: every module's status for the 2,000 agencies, scored.
        ("oversight board, first page".into(), format!("{base}/oversight"), cookie(&regulator)),
        (
            "oversight board, overdue reports and open incidents".into(),
            format!("{base}/oversight?has=reports_overdue,incident_open&sort=incidents"),
            cookie(&regulator),
        ),
        ("oversight board CSV (every agency)".into(), format!("{base}/oversight/export.csv"), cookie(&regulator)),
        ("report matrix (HTML)".into(), format!("{base}/reports/matrix?kind=csp_monthly"), cookie(&regulator)),
        ("report matrix (CSV)".into(), format!("{base}/reports/matrix.csv?kind=csp_monthly"), cookie(&regulator)),
        ("regulator's work list, first page".into(), format!("{base}/reports"), cookie(&regulator)),
        ("agency's dashboard".into(), format!("{base}/"), cookie(&agency)),
        // Who is on duty now at the 2,000 agencies' desks, read from the duty record.
        ("regulator's duty overview, first page".into(), format!("{base}/rosters"), cookie(&regulator)),
        (
            "regulator's duty overview, uncovered only".into(),
            format!("{base}/rosters?uncovered=on"),
            cookie(&regulator),
        ),
        ("duty overview CSV (every desk)".into(), format!("{base}/rosters/overview.csv"), cookie(&regulator)),
        // Emergency response over three years of 2,000 agencies' plans, drills and incidents.
        ("regulator's incident list, first page".into(), format!("{base}/incidents"), cookie(&regulator)),
        (
            "regulator's late reports, all time".into(),
            format!("{base}/incidents?status=all&breach=on"),
            cookie(&regulator),
        ),
        ("regulator's drill overview, first page".into(), format!("{base}/emergency"), cookie(&regulator)),
        ("drill overview CSV (every agency)".into(), format!("{base}/emergency/drills.csv"), cookie(&regulator)),
        // Change notices over two years: a deciding regulator's pending decisions first, and the
        // province's notices across its whole jurisdiction.
        (
            "county regulator's change notices, pending decisions first".into(),
            format!("{base}/changes"),
            cookie(&county),
        ),
        ("province's change notices, first page".into(), format!("{base}/changes"), cookie(&regulator)),
        // SLA over three years of outages: the province's breaches this month (summed from the
        // kept days), every one as CSV, and one engagement's year (its months' frozen reports).
        ("province's SLA breaches this month".into(), format!("{base}/sla?breached=on"), cookie(&regulator)),
        ("SLA breaches CSV (every one)".into(), format!("{base}/sla/export.csv?breached=on"), cookie(&regulator)),
        (
            format!("one engagement's SLA report for {last_year}"),
            format!("{base}/sla/{engagement}/year?year={last_year}"),
            cookie(&regulator),
        ),
        (
            format!("API one engagement's SLA year {last_year}"),
            format!("{base}/api/v1/sla/{engagement}/months?year={last_year}"),
            bearer.clone(),
        ),
        // Exits: every tenth agency completed one, every twenty-fifth is mid-handover now; the
        // province's exits in progress with the overdue first, and every exit as CSV.
        ("province's exits in progress, first page".into(), format!("{base}/exits?status=open"), cookie(&regulator)),
        ("exits CSV (every one)".into(), format!("{base}/exits/export.csv"), cookie(&regulator)),
        ("API exits in progress, first page".into(), format!("{base}/api/v1/exits?status=open"), bearer.clone()),
        ("API incidents, first page".into(), format!("{base}/api/v1/incidents?status=all"), bearer.clone()),
        ("API submissions, first page".into(), format!("{base}/api/v1/submissions?per_page=50"), bearer.clone()),
        (
            format!("API submissions, page {deep} of {deep}"),
            format!("{base}/api/v1/submissions?per_page=50&page={deep}"),
            bearer.clone(),
        ),
    ];
    let pages: Vec<(String, String, String)> = match &args.only {
        Some(only) => pages.into_iter().filter(|(n, ..)| n.contains(only.as_str())).collect(),
        None => pages,
    };
    // The ceiling: a bare axum handler in its own process, loaded the same way in the same run.
    let ceiling_port = free_port();
    let mut ceiling = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .args(["--ceiling", &format!("127.0.0.1:{ceiling_port}")])
        .spawn()
        .map_err(|e| e.to_string())?;
    std::thread::sleep(Duration::from_millis(300));
    let bare = wrk(args, &format!("http://127.0.0.1:{ceiling_port}/"), None);
    let _ = ceiling.kill();
    let _ = ceiling.wait();
    let bare = bare?;
    let mut out = String::new();
    let _ = writeln!(out, "## {database}\n\nDataset: {note}\n");
    let _ = writeln!(
        out,
        "| what | req/s | p50 ms | p99 ms | max ms | of ceiling | errors |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    let row = |out: &mut String, name: &str, l: &Load| {
        let _ = writeln!(
            out,
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {:.1} % | {} |",
            l.rps,
            l.p50_ms,
            l.p99_ms,
            l.max_ms,
            100.0 * l.rps / bare.rps.max(1.0),
            l.errors
        );
    };
    row(&mut out, "bare axum handler (ceiling)", &bare);
    for (name, page, header) in &pages {
        check(page, header)?;
        let load = wrk(args, page, Some(header))?;
        eprintln!("{database}: {name}: {:.0} req/s", load.rps);
        row(&mut out, name, &load);
    }
    // The same regulator pages while one client keeps posting what changes nothing: an anonymous
    // language switch and a refused request, about ten of each a second (issue 13: these used to
    // empty every cache). The figures must stay within noise of the runs above.
    for (name, page, header) in pages.iter().take(if args.only.is_some() { 0 } else { 2 }) {
        let noise = Noise::start(&base);
        let load = wrk(args, page, Some(header));
        let posted = noise.stop();
        let load = load?;
        eprintln!("{database}: {name} with anonymous POSTs: {:.0} req/s ({posted} POSTs)", load.rps);
        row(&mut out, &format!("{name}, with {posted} anonymous and refused POSTs"), &load);
    }
    // The board under writes: its reads again while four clients write ten times a second.
    let targets = write_targets(args, &data, &url, &base, &token, &engagement)?;
    let writers = Writers::start(&base, targets, 10.0);
    let started = Instant::now();
    let mut under = Vec::new();
    for (name, page, header) in
        pages.iter().filter(|(n, ..)| n.starts_with("oversight board") || n == "regulator's home")
    {
        under.push((name.clone(), wrk(args, page, Some(header))));
    }
    let (written, refused) = writers.stop();
    let rate = written as f64 / started.elapsed().as_secs_f64();
    for (name, load) in under {
        let load = load?;
        eprintln!("{database}: {name} under writes: {:.0} req/s", load.rps);
        row(
            &mut out,
            &format!("{name}, under writes ({rate:.1} writes/s: {written} written, {refused} refused)"),
            &load,
        );
    }
    let (cold, upload) = if args.only.is_some() {
        (String::new(), String::new())
    } else {
        (cold_work_list(&base, &cookie(&regulator))?, upload(args, &base, &bearer, pid)?)
    };
    let (after_kib, _) = rss_kib(pid);
    // Idle again: the server gives freed memory back after some seconds without requests.
    std::thread::sleep(Duration::from_secs(15));
    let (settled_kib, _) = rss_kib(pid);
    let _ = writeln!(
        out,
        "\n| figure | value |\n|---|---:|\n| start to first answer | {} ms |\n| first load of the regulator's home after the start | {first_home:.0} ms |\n| idle memory 5 s after start | {:.1} MiB |\n| memory right after the run | {:.1} MiB |\n| idle memory 15 s after the run | {:.1} MiB |\n{cold}{upload}",
        server.started_to_answer.as_millis(),
        idle_kib as f64 / 1024.0,
        after_kib as f64 / 1024.0,
        settled_kib as f64 / 1024.0,
    );
    Ok(out)
}

/// One GET with this header, timed by curl (milliseconds); refused unless it answers 200.
fn timed_get(url: &str, header: &str) -> Result<f64, String> {
    let got = output("curl", &["-sS", "-o", "/dev/null", "-H", header, "-w", "%{http_code} %{time_total}", url])?;
    let mut parts = got.split_whitespace();
    if parts.next() != Some("200") {
        return Err(format!("{url} answered {got}"));
    }
    Ok(parts.next().and_then(|t| t.parse::<f64>().ok()).unwrap_or(f64::NAN) * 1000.0)
}

/// A day's API token for one person, issued by the command line.
fn issue_token(args: &Args, data: &Path, url: &str, email: &str) -> Result<String, String> {
    let mut cmd = Command::new(&args.portal);
    portal_env(&mut cmd, data, url);
    let out = cmd
        .args(["issue-token", "--email", email, "--name", "bench", "--days", "1"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("issue-token: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim().to_string())
}

/// What the writers write to: the CSP's first open incident, a website of its engagement, a
/// change notice in review at the first agency (with that agency's token), the CSP's open periods.
fn write_targets(
    args: &Args,
    data: &Path,
    url: &str,
    base: &str,
    csp: &str,
    engagement: &str,
) -> Result<WriteTargets, String> {
    let get = |token: &str, path: &str| -> Result<serde_json::Value, String> {
        let body = output("curl", &["-sS", "-H", &format!("Authorization: Bearer {token}"), &format!("{base}{path}")])?;
        serde_json::from_str(&body).map_err(|e| format!("{path}: {e}"))
    };
    let any = |_: &serde_json::Value| true;
    let incident =
        find_in(&get(csp, "/api/v1/incidents?status=open")?, "id", &any).ok_or("the CSP has no open incident")?;
    let csp_cookie = sign_in(base, "security@csp-000.gen.example")?;
    let sla = output(
        "curl",
        &["-sS", "-H", &format!("Cookie: {csp_cookie}"), &format!("{base}/api/sla_engagement?id={engagement}")],
    )?;
    let sla: serde_json::Value = serde_json::from_str(&sla).map_err(|e| format!("sla_engagement: {e}"))?;
    let website = sla["websites"][0]["id"].as_str().ok_or("the engagement has no website")?.to_string();
    // The first of the generated agencies with a notice in review (which ones have one depends on
    // the day the world was generated).
    let in_review = |v: &serde_json::Value| v["status"] == "in_review";
    let mut found = None;
    for i in 0..50 {
        let token = issue_token(args, data, url, &format!("security@agency-{i:04}.gen.example"))?;
        if let Some(notice) = find_in(&get(&token, "/api/v1/changes?status=in_review")?, "id", &in_review) {
            found = Some((token, notice));
            break;
        }
    }
    let (agency, notice) = found.ok_or("none of the first 50 agencies has a change notice in review")?;
    let obligations =
        output("curl", &["-sS", "-H", &format!("Authorization: Bearer {csp}"), &format!("{base}/api/v1/obligations")])?;
    Ok(WriteTargets {
        csp: csp.to_string(),
        agency,
        incident,
        engagement: engagement.to_string(),
        website,
        notice,
        periods: open_periods(&obligations),
    })
}

/// The regulator's work list computed afresh: 40 requests one after another, each at an address
/// of its own so no kept page answers, the first page and page 50 of the unfiltered list, and the
/// overdue filter; their times (p50, p99 of each) and the page's size.
fn cold_work_list(base: &str, header: &str) -> Result<String, String> {
    let mut out = String::new();
    for (name, query) in [("first page", ""), ("page 50", "page=50&"), ("overdue only", "state=overdue&")] {
        let mut times = Vec::new();
        let mut size = 0u64;
        for i in 0..40 {
            let url = format!("{base}/reports?{query}fresh={i}");
            let got = output(
                "curl",
                &["-sS", "-o", "/dev/null", "-H", header, "-w", "%{http_code} %{time_total} %{size_download}", &url],
            )?;
            let mut parts = got.split_whitespace();
            if parts.next() != Some("200") {
                return Err(format!("{url} answered {got}"));
            }
            times.push(parts.next().and_then(|t| t.parse::<f64>().ok()).unwrap_or(0.0) * 1000.0);
            size = parts.next().and_then(|t| t.parse().ok()).unwrap_or(0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let p99 = times[((times.len() as f64 * 0.99).ceil() as usize).min(times.len()) - 1];
        let _ = writeln!(
            out,
            "| work list, {name}, computed afresh (40 in a row) | p50 {:.1} ms, p99 {:.1} ms; {} KB |",
            median(&mut times.clone()),
            p99,
            size / 1024
        );
    }
    Ok(out)
}

/// One client posting, about ten times a second, an anonymous language switch and a request that
/// fails (a POST to no route), until stopped; bounded by the run it accompanies.
struct Noise {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<u64>,
}

impl Noise {
    fn start(base: &str) -> Noise {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let base = base.to_string();
        let thread = std::thread::spawn(move || {
            let mut sent = 0u64;
            // At most ten minutes, whatever happens to the caller.
            let until = Instant::now() + Duration::from_secs(600);
            while !flag.load(Ordering::Relaxed) && Instant::now() < until {
                for (path, data) in [("/locale", "lang=en&back=/"), ("/nowhere", "x=1")] {
                    // Raw HTTP over a socket: no process per request, so the noise costs the
                    // cores next to nothing beyond the server's own work.
                    let _ = post_raw(&base, path, data);
                    sent += 1;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            sent
        });
        Noise { stop, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// One `POST` with a form body over a fresh connection; the answer is read and dropped.
fn post_raw(base: &str, path: &str, body: &str) -> std::io::Result<()> {
    request_raw(base, path, &[("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes()).map(|_| ())
}

/// One `POST` over a fresh connection with these headers and body: the answer's status. Raw
/// HTTP over a socket, so a writer costs the cores next to nothing beyond the server's own work.
fn request_raw(base: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<u16> {
    use std::io::Read;
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    // "HTTP/1.1 201 Created": the status is the second word.
    let status = String::from_utf8_lossy(&answer[..answer.len().min(32)])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok(status)
}

/// What the writers write to, found through the API before the run.
struct WriteTargets {
    /// The CSP's token.
    csp: String,
    /// An agency's token (it answers change notices).
    agency: String,
    /// An open incident the CSP reaches.
    incident: String,
    /// One of the CSP's engagements, and one website it covers.
    engagement: String,
    website: String,
    /// A change notice in review sent to the agency.
    notice: String,
    /// Periods the CSP owes a report for, due or overdue: (obligation, period).
    periods: Vec<(String, String)>,
}

/// Four clients writing, together about `per_second` times a second, what a nation's portal takes
/// all day: a CSP's incident timeline entries, its SLA outage records, an agency's questions on
/// a change notice, and report submissions into the CSP's open periods (when those run out, that
/// client adds timeline entries). Each counts its writes answered 2xx and the others.
struct Writers {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    threads: Vec<std::thread::JoinHandle<(u64, u64)>>,
}

impl Writers {
    fn start(base: &str, t: WriteTargets, per_second: f64) -> Writers {
        use std::sync::{atomic::AtomicBool, Arc};
        let stop = Arc::new(AtomicBool::new(false));
        let t = Arc::new(t);
        let every = Duration::from_secs_f64(4.0 / per_second.max(0.1));
        // Outages a few seconds long, one after another from three weeks back (a range no
        // generated record uses twice), never overlapping each other.
        let outage_base = time::OffsetDateTime::now_utc() - time::Duration::days(21);
        let threads = (0..4)
            .map(|kind| {
                let (stop, t, base) = (stop.clone(), t.clone(), base.to_string());
                std::thread::spawn(move || {
                    let (mut ok, mut failed) = (0u64, 0u64);
                    let until = Instant::now() + Duration::from_secs(600);
                    let mut i = 0usize;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) && Instant::now() < until {
                        let started = Instant::now();
                        let status = Writers::write(&base, &t, kind, i, outage_base);
                        if matches!(status, Ok(200..=299)) {
                            ok += 1;
                        } else {
                            failed += 1;
                        }
                        i += 1;
                        std::thread::sleep(every.saturating_sub(started.elapsed()));
                    }
                    (ok, failed)
                })
            })
            .collect();
        Writers { stop, threads }
    }

    fn write(
        base: &str,
        t: &WriteTargets,
        kind: usize,
        i: usize,
        outage_base: time::OffsetDateTime,
    ) -> std::io::Result<u16> {
        let bearer = |token: &str| format!("Bearer {token}");
        let json = |token: &str, path: &str, body: String| {
            request_raw(
                base,
                path,
                &[("Authorization", &bearer(token)), ("Content-Type", "application/json")],
                body.as_bytes(),
            )
        };
        let entry = |n: usize| {
            json(
                &t.csp,
                &format!("/api/v1/incidents/{}/entries", t.incident),
                format!("{{\"body\":\"bench entry {n}\"}}"),
            )
        };
        match kind {
            0 => entry(i),
            1 => {
                let fmt = &time::format_description::well_known::Rfc3339;
                let start = outage_base + time::Duration::seconds(20 * i as i64);
                let (from, to) = (
                    start.format(fmt).unwrap_or_default(),
                    (start + time::Duration::seconds(5)).format(fmt).unwrap_or_default(),
                );
                json(
                    &t.csp,
                    &format!("/api/v1/sla/{}/records", t.engagement),
                    format!(
                        "{{\"kind\":\"outage\",\"class\":\"network\",\"website_ids\":[\"{}\"],\"started_at\":\"{from}\",\"ended_at\":\"{to}\",\"responded_at\":\"\",\"resolved_at\":\"\",\"cause\":\"bench\"}}",
                        t.website
                    ),
                )
            }
            2 => json(
                &t.agency,
                &format!("/api/v1/changes/{}/steps", t.notice),
                format!("{{\"action\":\"ask\",\"body\":\"bench question {i}\"}}"),
            ),
            _ => match t.periods.get(i) {
                Some((obligation, period)) => {
                    let boundary = "benchboundary7d1f";
                    let mut body = Vec::new();
                    let mut field = |name: &str, value: &str| {
                        let _ = write!(
                            body,
                            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                        );
                    };
                    field("obligation_id", obligation);
                    field("period", period);
                    for (k, v) in [
                        ("availability_pct", "99.9"),
                        ("incidents", "0"),
                        ("patches_applied", "3"),
                        ("backups_succeeded", "30"),
                        ("backups_failed", "0"),
                        ("attacks_blocked", "100"),
                    ] {
                        field(k, v);
                    }
                    for p in ["vulnerabilities_found", "vulnerabilities_fixed"] {
                        for sev in ["critical", "high", "medium", "low"] {
                            field(&format!("{p}.{sev}"), "0");
                        }
                    }
                    let _ = write!(
                        body,
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\nbench report {i}\n%%EOF\n\r\n--{boundary}--\r\n"
                    );
                    let content_type = format!("multipart/form-data; boundary={boundary}");
                    let key = format!("bench-writer-{}-{i}", outage_base.unix_timestamp());
                    request_raw(
                        base,
                        "/api/v1/submissions",
                        &[
                            ("Authorization", &bearer(&t.csp)),
                            ("Content-Type", &content_type),
                            ("Idempotency-Key", &key),
                        ],
                        &body,
                    )
                }
                None => entry(i),
            },
        }
    }

    /// Stops the writers: (writes answered 2xx, the others).
    fn stop(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.threads.into_iter().map(|t| t.join().unwrap_or((0, 0))).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }
}

/// The first value of `key` in any object of `json` for which `keep` holds, as text.
fn find_in(json: &serde_json::Value, key: &str, keep: &dyn Fn(&serde_json::Value) -> bool) -> Option<String> {
    match json {
        serde_json::Value::Object(m) => {
            if keep(json) {
                if let Some(v) = m.get(key).and_then(|v| v.as_str()) {
                    return Some(v.to_string());
                }
            }
            m.values().find_map(|v| find_in(v, key, keep))
        }
        serde_json::Value::Array(a) => a.iter().find_map(|v| find_in(v, key, keep)),
        _ => None,
    }
}

/// Every (obligation, period) in state due or overdue in the API's obligations list.
fn open_periods(json: &str) -> Vec<(String, String)> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else { return Vec::new() };
    let mut out = Vec::new();
    for o in v.as_array().into_iter().flatten() {
        if o["obligation"]["kind"] != "csp_monthly" {
            continue;
        }
        for p in o["periods"].as_array().into_iter().flatten() {
            if matches!(p["state"]["state"].as_str(), Some("due" | "overdue")) {
                if let (Some(id), Some(period)) = (o["obligation"]["id"].as_str(), p["period"].as_str()) {
                    out.push((id.to_string(), period.to_string()));
                }
            }
        }
    }
    out
}

/// A large upload through the API beside `cp` of the same file on the same disk and beside the
/// hash-bound limit (`cat | tee copy | openssl dgst -sha256`: the same bytes copied and hashed, as
/// the upload must), with the server's memory sampled while it streams.
fn upload(args: &Args, base: &str, bearer: &str, pid: u32) -> Result<String, String> {
    let file = args.work.join(format!("upload-{}m.pdf", args.upload_mib));
    if std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) != args.upload_mib << 20 {
        let mut f = std::fs::File::create(&file).map_err(|e| e.to_string())?;
        f.write_all(b"%PDF-1.7\n").map_err(|e| e.to_string())?;
        let mut block = vec![0u8; 1 << 20];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for b in block.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        let mut left = (args.upload_mib << 20) - 9;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            f.write_all(&block[..n]).map_err(|e| e.to_string())?;
            left -= n as u64;
        }
    }
    // Rounds alternate `cp` and the upload, a second apart, and the medians are compared: one
    // sample of either swings by half with the disk's writeback of the round before.
    let copy = args.work.join("cp-target.pdf");
    let (mut cps, mut hashed, mut ups, mut growth) = (Vec::new(), Vec::new(), Vec::new(), 0u64);
    let tee = format!("cat '{}' | tee '{}' | openssl dgst -sha256 >/dev/null", file.display(), copy.display());
    for _ in 0..UPLOAD_ROUNDS {
        let started = Instant::now();
        output("cp", &[&file.display().to_string(), &copy.display().to_string()])?;
        cps.push(started.elapsed().as_secs_f64());
        let _ = std::fs::remove_file(&copy);
        std::thread::sleep(Duration::from_secs(1));
        let started = Instant::now();
        output("sh", &["-c", &tee])?;
        hashed.push(started.elapsed().as_secs_f64());
        let _ = std::fs::remove_file(&copy);
        std::thread::sleep(Duration::from_secs(1));
        let (up_s, grown) = upload_once(base, bearer, pid, &file)?;
        ups.push(up_s);
        growth = growth.max(grown);
        std::thread::sleep(Duration::from_secs(1));
    }
    let (cp_s, hash_s, up_s) = (median(&mut cps), median(&mut hashed), median(&mut ups));
    let range = |v: &[f64]| format!("{:.2}–{:.2} s", v[0], v[v.len() - 1]);
    let mib = args.upload_mib as f64;
    Ok(format!(
        "| {mib:.0} MiB upload through the API (median of {UPLOAD_ROUNDS}) | {up_s:.2} s ({:.0} MiB/s; {}) |\n| `cat f \\| tee copy \\| openssl dgst -sha256` of the same file, the hash-bound limit (median of {UPLOAD_ROUNDS}) | {hash_s:.2} s ({:.0} MiB/s; {}) |\n| upload speed / hash-bound speed | {:.0} % |\n| `cp` of the same file (median of {UPLOAD_ROUNDS}) | {cp_s:.2} s ({:.0} MiB/s; {}) |\n| upload speed / cp speed | {:.0} % |\n| server memory growth during an upload (largest) | {:.1} MiB |\n",
        mib / up_s,
        range(&ups),
        mib / hash_s,
        range(&hashed),
        100.0 * hash_s / up_s,
        mib / cp_s,
        range(&cps),
        100.0 * cp_s / up_s,
        growth as f64 / 1024.0
    ))
}

const UPLOAD_ROUNDS: usize = 5;

/// Sorts the samples and gives their median.
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One upload into the CSP's next open period: its time and the server's memory growth (KiB).
fn upload_once(base: &str, bearer: &str, pid: u32, file: &std::path::Path) -> Result<(f64, u64), String> {
    // An obligation with an open period: the CSP's first overdue or due one.
    let obligations = output("curl", &["-sS", "-H", bearer, &format!("{base}/api/v1/obligations")])?;
    let target = open_period(&obligations).ok_or("no open period to upload into")?;
    let (before, _) = rss_kib(pid);
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid).0, std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let mut form: Vec<String> = vec![
        format!("obligation_id={}", target.0),
        format!("period={}", target.1),
        "availability_pct=99.9".into(),
        "incidents=0".into(),
        "patches_applied=3".into(),
        "backups_succeeded=30".into(),
        "backups_failed=0".into(),
        "attacks_blocked=100".into(),
    ];
    for p in ["vulnerabilities_found", "vulnerabilities_fixed"] {
        for s in ["critical", "high", "medium", "low"] {
            form.push(format!("{p}.{s}=0"));
        }
    }
    form.push(format!("files=@{};type=application/pdf", file.display()));
    let mut curl: Vec<String> =
        ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", bearer].iter().map(|s| s.to_string()).collect();
    // A key of its own per run: a rerun on the same dataset uploads into the next open period
    // instead of meeting the last run's key with another request (409).
    curl.push("-H".into());
    curl.push(format!(
        "Idempotency-Key: bench-upload-{}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default()
    ));
    for f in form {
        curl.push("-F".into());
        curl.push(f);
    }
    curl.push(format!("{base}/api/v1/submissions"));
    let curl: Vec<&str> = curl.iter().map(String::as_str).collect();
    let started = Instant::now();
    let res = output("curl", &curl);
    let up_s = started.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.join();
    let code = res?;
    if !matches!(code.trim(), "200" | "201") {
        return Err(format!("upload answered {code}"));
    }
    let growth = peak.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(before);
    Ok((up_s, growth))
}

/// The first (obligation id, period) in state due or overdue in the API's obligations list.
fn open_period(json: &str) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    for o in v.as_array()?.iter() {
        if o["obligation"]["kind"] != "csp_monthly" {
            continue;
        }
        for p in o["periods"].as_array()? {
            if matches!(p["state"]["state"].as_str(), Some("due" | "overdue")) {
                return Some((o["obligation"]["id"].as_str()?.to_string(), p["period"].as_str()?.to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let out = "Running 10s test @ http://127.0.0.1:1/\n  2 threads and 32 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     1.20ms  300.00us  12.50ms   90.00%\n    Req/Sec    13.00k     1.00k   15.00k    70.00%\n  Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n     99%    3.20ms\n  260000 requests in 10.00s, 30.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  26000.00\nTransfer/sec:      3.00MB\n";
        let l = parse_wrk(out);
        assert_eq!(l.rps, 26000.0);
        assert!((l.p50_ms - 0.812).abs() < 1e-9);
        assert!((l.p99_ms - 3.2).abs() < 1e-9);
        assert!((l.max_ms - 12.5).abs() < 1e-9);
        assert_eq!(l.errors, 3);
        assert!((millis("2.01s") - 2010.0).abs() < 1e-9);
    }
}
