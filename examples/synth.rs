//! A synthetic cabinet repository of any size, deterministic from a seed, for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- --services 1000 --cis 9000 --changes 2000 --out /tmp/synth
//! ```
//!
//! `--incidents N` adds N incidents of September to November 2026 on CIs of every layer
//! (default none): most are closed within their SLA targets, about one in ten runs long
//! enough to breach one, a few are still open and some name the change that caused them.
//!
//! Shapes follow what real catalogues look like: CIs in layers (network, storage, compute,
//! data, workloads) where each depends on a few records of the layers below, picked with a
//! strong bias towards a few core records (a long tail of fan-in); redundancy groups of three
//! nodes; services of four tiers on top, depending on workloads, data stores and earlier
//! services, some softly; change records with multi-line plans in every state. Every record
//! is valid under `cabinet validate`.
//!
//! With `--git`, DIR also becomes a git repository with a history of change pull requests:
//!
//! ```text
//! cargo run --release --example synth -- --services 1000 --cis 7000 --changes 2000 --git --prs 5 --out /tmp/synth
//! cabinet -C /tmp/synth check --base main --head pr/big
//! ```
//!
//! - `main`: one commit holding every record (the working tree is a clean checkout of it);
//! - `pr/0001` .. `pr/NNNN` (`--prs`, default 5): each adds one change record and edits the
//!   two to four CIs and at most one service that it `affects`;
//! - `pr/big`: a 50-file pull request, 49 records edited (40 CIs and 9 services, or as many
//!   as exist) and the change record that names them all.
//!
//! With `--history N` (which implies `--git`), `main` is instead a history of N merged pull
//! requests after the commit holding every record, and no other branch is written:
//!
//! ```text
//! cargo run --release --example synth -- --history 5000 --out /tmp/history
//! ```
//!
//! - pull request `n` (from 1) opens `n - 1` days after 2027-01-01T09:00:00Z: a branch off
//!   `main` whose first commit adds the change record `CHG-YYYY-NNNNN` as `requested` (in
//!   `changes/YYYY/`, the year it opens, as the examples keep them; with `--flat`, all in
//!   `changes/history/`), the second approves it one to six hours later, the
//!   third completes it one to six hours after that (one in ten failed instead, with its
//!   outcome), and `main` merges the branch ten minutes later (a merge commit, `main` first);
//! - the branch is deleted after the merge, as a forge does.
//!
//! The history is written with `git fast-import` (one pack, no loose objects), with fixed
//! authors and dates, so the commit ids depend only on the arguments. The changes are normal
//! changes inside the policy's Sunday-night maintenance window in 2027 (after the generated
//! changes of 2026 and the year-end freeze), so a check judges real edits: impact, risk and
//! the approval rules, without a policy violation.

// A tool of its own: it reports on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What to generate (the command line, parsed).
pub(crate) struct Args {
    services: usize,
    cis: usize,
    changes: usize,
    incidents: usize,
    teams: usize,
    seed: u64,
    out: PathBuf,
    git: bool,
    prs: usize,
    history: usize,
    /// `--history`: every change record in one folder.
    flat: bool,
}

/// The command line (without the program's name): `benches/lead_time.rs`, which includes this
/// file, generates its repository with it too.
pub(crate) fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        services: 100,
        cis: 900,
        changes: 200,
        incidents: 0,
        teams: 0,
        seed: 42,
        out: PathBuf::new(),
        git: false,
        prs: 5,
        history: 0,
        flat: false,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--services" => args.services = number(value()?)?,
            "--cis" => args.cis = number(value()?)?,
            "--changes" => args.changes = number(value()?)?,
            "--incidents" => args.incidents = number(value()?)?,
            "--teams" => args.teams = number(value()?)?,
            "--seed" => args.seed = number(value()?)? as u64,
            "--out" => args.out = PathBuf::from(value()?),
            "--git" => args.git = true,
            "--prs" => args.prs = number(value()?)?,
            "--flat" => args.flat = true,
            "--history" => {
                args.history = number(value()?)?;
                args.git = true;
            }
            "-h" | "--help" => {
                return Err("usage: synth --services N --cis M --changes K [--incidents I] [--teams T] [--seed S] [--git [--prs P] | --history N [--flat]] --out DIR".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err("--out DIR is required".into());
    }
    if args.teams == 0 {
        args.teams = (args.services / 10).clamp(3, 500);
    }
    Ok(args)
}

/// The CI layers, bottom up: (share of all CIs, types, id prefix).
const LAYERS: &[(f64, &[&str], &str)] = &[
    (0.03, &["network", "dns", "loadbalancer"], "net"),
    (0.05, &["storage", "certificate"], "sto"),
    (0.32, &["server", "vm", "cluster"], "cmp"),
    (0.20, &["database", "queue", "saas"], "dat"),
    (0.40, &["application", "container"], "app"),
];

const WORDS: &[&str] = &[
    "alpha",
    "billing",
    "cart",
    "delivery",
    "edge",
    "feed",
    "gateway",
    "hub",
    "inventory",
    "journal",
    "kiosk",
    "ledger",
    "media",
    "notify",
    "orders",
    "pricing",
    "quote",
    "returns",
    "search",
    "tax",
    "users",
    "vault",
    "wallet",
    "xfer",
    "yield",
    "zone",
];

struct Writer {
    root: PathBuf,
    files: usize,
    bytes: usize,
    /// Every file written, relative to `root`, in the order written.
    paths: Vec<String>,
}

impl Writer {
    fn write(&mut self, rel: &str, text: &str) -> std::io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        self.paths.push(rel.to_string());
        self.files += 1;
        self.bytes += text.len();
        Ok(())
    }
}

/// Pick an index in `0..n` with a strong bias towards small indices (a long tail).
fn skewed(rng: &mut fastrand::Rng, n: usize) -> usize {
    let u = rng.f64();
    ((u * u * u) * n as f64) as usize % n.max(1)
}

fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("synth: {e}");
        std::process::exit(3);
    }
}

pub(crate) fn generate(args: &Args) -> std::io::Result<()> {
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut w = Writer {
        root: args.out.clone(),
        files: 0,
        bytes: 0,
        paths: Vec::new(),
    };
    if args.git && args.out.join(".git").exists() {
        return Err(std::io::Error::other(format!(
            "{} is a git repository already; --git needs a new folder",
            display(&args.out)
        )));
    }
    std::fs::create_dir_all(&args.out)?;
    w.write(
        "cabinet.yaml",
        "apiVersion: cabinet/v1\nkind: Config\nmetadata: {id: synth}\nspec:\n  title: Synthetic catalogue\n  site: {out: public}\n",
    )?;

    // Teams: cab, ecab and owners.
    let teams: Vec<String> = (0..args.teams).map(|i| format!("team-{i:04}")).collect();
    let mut text = String::new();
    for (i, id) in ["cab".to_string(), "ecab".to_string()]
        .iter()
        .chain(teams.iter())
        .enumerate()
    {
        let _ = write!(
            text,
            "---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {{id: {id}, name: Team {id}}}\nspec:\n  members:\n    - {{github: user-{i}a, githubId: {}, name: Person {i} A}}\n    - {{github: user-{i}b, name: Person {i} B, email: user{i}b@example.com}}\n  contact: {{email: {id}@example.com, chat: \"#{id}\"}}\n",
            100_000 + i
        );
    }
    w.write("teams/teams.yaml", &text)?;

    w.write(
        "slas/slas.yaml",
        "apiVersion: cabinet/v1\nkind: SLA\nmetadata: {id: gold, name: Gold}\nspec:\n  type: sla\n  availability: 99.95\n  serviceHours: 24x7\n  priorities:\n    P1: {response: 15m, resolution: 4h}\n    P2: {response: 1h, resolution: 8h}\n    P3: {response: 4h, resolution: 3d}\n    P4: {response: 1d, resolution: 10d}\n  continuity: {rto: 4h, rpo: 15m}\n---\napiVersion: cabinet/v1\nkind: SLA\nmetadata: {id: silver, name: Silver}\nspec:\n  type: sla\n  availability: 99.5\n  serviceHours: {timezone: Europe/Berlin, days: [mon, tue, wed, thu, fri], from: \"08:00\", to: \"18:00\"}\n  priorities:\n    P1: {response: 1h, resolution: 8h}\n    P2: {response: 4h, resolution: 2d}\n---\napiVersion: cabinet/v1\nkind: SLA\nmetadata: {id: platform-ola, name: Platform OLA}\nspec:\n  type: ola\n  availability: 99.9\n  priorities:\n    P1: {response: 30m, resolution: 4h}\n",
    )?;
    w.write(
        "policy/policy.yaml",
        "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: default}\nspec:\n  cab: cab\n  ecab: ecab\n  approvals:\n    - {name: low risk, when: {type: [normal], risk: [low]}, require: [{count: 1, from: [owners]}]}\n    - {name: medium, when: {type: [normal], risk: [medium]}, require: [{count: 1, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}\n    - {name: high, when: {type: [normal], risk: [high, critical]}, require: [{count: 2, from: [cab]}, {count: 1, from: [owners], per: impacted-service}]}\n    - {name: emergency, when: {type: [emergency]}, require: [{count: 1, from: [ecab]}]}\n  freezes:\n    - {name: Year-end freeze, start: \"2026-12-15T00:00:00Z\", end: \"2027-01-05T00:00:00Z\", allow: [emergency]}\n  maintenanceWindows:\n    - {name: Sunday night, rrule: \"FREQ=WEEKLY;BYDAY=SU;BYHOUR=22\", duration: 4h, timezone: Europe/Berlin}\n  requireChangeRecord: true\n",
    )?;
    w.write(
        "models/restart-pod.yaml",
        "apiVersion: cabinet/v1\nkind: ChangeModel\nmetadata: {id: restart-pod, name: Restart a stateless pod}\nspec:\n  appliesTo: [container, application]\n  maxRisk: low\n  plan: |\n    kubectl rollout restart deployment/<name>\n",
    )?;

    // CIs, layer by layer; each depends on records of lower layers only, so there is no cycle.
    let mut layers: Vec<Vec<String>> = Vec::new();
    let mut ci_refs: Vec<String> = Vec::new();
    // (reference, file) of every CI and service, for the pull requests of `--git`.
    let mut ci_files: Vec<(String, String)> = Vec::new();
    let mut service_files: Vec<(String, String)> = Vec::new();
    let mut made = 0;
    for (li, (share, types, prefix)) in LAYERS.iter().enumerate() {
        let count = if li + 1 == LAYERS.len() {
            args.cis.saturating_sub(made)
        } else {
            ((args.cis as f64 * share).round() as usize)
                .max(1)
                .min(args.cis.saturating_sub(made))
        };
        let mut ids = Vec::with_capacity(count);
        let mut i = 0;
        while i < count {
            let ty = types[rng.usize(..types.len())];
            // Compute nodes come in redundancy groups of three.
            let group = if *prefix == "cmp" && count - i >= 3 && rng.u8(..10) < 3 {
                3
            } else {
                1
            };
            let group_id = format!("{prefix}-grp-{i:06}");
            for g in 0..group {
                let id = format!("{prefix}-{}-{:06}", WORDS[(i + g) % WORDS.len()], i + g);
                let mut text = format!(
                    "# yaml-language-server: $schema=../../schemas/configuration-item.schema.json\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata:\n  id: {id}\n  name: {} {ty} {}\n  labels: {{layer: \"{prefix}\", region: eu-{}}}\nspec:\n  type: {ty}\n  owner: {}\n  environment: {}\n  lifecycle: live\n",
                    WORDS[(i + g) % WORDS.len()],
                    i + g,
                    1 + (i % 3),
                    teams[skewed(&mut rng, teams.len())],
                    if rng.u8(..20) == 0 {
                        "dr"
                    } else {
                        "production"
                    },
                );
                if li > 0 {
                    let deps = 1 + rng.usize(..4);
                    let mut chosen: Vec<String> = Vec::new();
                    for _ in 0..deps {
                        let lower = &layers[li - 1 - skewed(&mut rng, li).min(li - 1)];
                        let target = &lower[skewed(&mut rng, lower.len())];
                        if !chosen.contains(target) {
                            chosen.push(target.clone());
                        }
                    }
                    text.push_str("  dependsOn:\n");
                    for (k, t) in chosen.iter().enumerate() {
                        if k > 0 && rng.u8(..5) == 0 {
                            let _ = writeln!(text, "    - {{ref: ci:{t}, impact: partial}}");
                        } else {
                            let _ = writeln!(text, "    - ci:{t}");
                        }
                    }
                }
                if group > 1 {
                    let _ = writeln!(text, "  redundancy: {{group: {group_id}, minUp: 2}}");
                }
                let _ = write!(
                    text,
                    "  attributes:\n    vendor: Vendor {}\n    version: \"{}.{}\"\n    location: fra-{}\n    serial: \"SN-{:010}\"\n",
                    i % 7,
                    1 + i % 9,
                    i % 20,
                    1 + i % 4,
                    rng.u32(..)
                );
                w.write(&format!("cis/{prefix}/{id}.yaml"), &text)?;
                ci_files.push((format!("ci:{id}"), format!("cis/{prefix}/{id}.yaml")));
                ci_refs.push(format!("ci:{id}"));
                ids.push(id);
            }
            i += group;
        }
        made += ids.len();
        layers.push(ids);
    }

    // Services on top: workloads and data stores, plus earlier services (no cycles).
    let mut services: Vec<String> = Vec::new();
    let tops: Vec<&String> = layers.iter().rev().take(2).flatten().collect();
    for i in 0..args.services {
        let id = format!("svc-{}-{i:05}", WORDS[i % WORDS.len()]);
        let tier = match rng.u8(..10) {
            0 => 1,
            1..=3 => 2,
            4..=7 => 3,
            _ => 4,
        };
        let sla = if tier <= 2 { "gold" } else { "silver" };
        let mut text = format!(
            "# yaml-language-server: $schema=../schemas/service.schema.json\napiVersion: cabinet/v1\nkind: Service\nmetadata:\n  id: {id}\n  name: {} service {i}\n  description: |\n    The {} service. It serves customers and other services of the company,\n    and is run by its owning team around the clock.\n  links:\n    - {{title: Runbook, url: \"https://wiki.example.com/{id}\"}}\nspec:\n  owner: {}\n  tier: {tier}\n  lifecycle: live\n  sla: {sla}\n  dependsOn:\n",
            WORDS[i % WORDS.len()],
            WORDS[i % WORDS.len()],
            teams[i % teams.len()],
        );
        let mut chosen: Vec<String> = Vec::new();
        for _ in 0..(1 + rng.usize(..4)) {
            if !tops.is_empty() {
                let t = format!("ci:{}", tops[skewed(&mut rng, tops.len())]);
                if !chosen.contains(&t) {
                    chosen.push(t);
                }
            }
        }
        for (k, t) in chosen.iter().enumerate() {
            if k > 0 && rng.u8(..4) == 0 {
                let _ = writeln!(text, "    - {{ref: {t}, impact: partial}}");
            } else {
                let _ = writeln!(text, "    - {t}");
            }
        }
        if !services.is_empty() && rng.bool() {
            let other = &services[skewed(&mut rng, services.len())];
            let _ = writeln!(text, "    - {{ref: service:{other}, impact: partial}}");
        }
        let _ = write!(
            text,
            "  offerings:\n    - {{id: access, name: Request access, fulfillment: 2d, approval: true}}\n  support: {{hours: 24x7, channel: \"#{id}\"}}\n"
        );
        w.write(&format!("services/{id}.yaml"), &text)?;
        service_files.push((format!("service:{id}"), format!("services/{id}.yaml")));
        services.push(id);
    }

    // Change records.
    let statuses = [
        "draft",
        "requested",
        "approved",
        "scheduled",
        "completed",
        "failed",
        "rolled-back",
        "cancelled",
    ];
    for i in 0..args.changes {
        let id = format!("CHG-2026-{:05}", i + 1);
        let kind = match rng.u8(..10) {
            0 => "emergency",
            1..=2 => "standard",
            _ => "normal",
        };
        let status = statuses[rng.usize(..statuses.len())];
        let day = 1 + rng.u8(..28);
        let month = 1 + rng.u8(..12);
        let hour = rng.u8(..20);
        let mut affects: Vec<String> = Vec::new();
        let pool = if kind == "standard" {
            &layers[LAYERS.len() - 1]
        } else {
            &layers[rng.usize(..layers.len())]
        };
        for _ in 0..(1 + rng.usize(..3)) {
            let t = format!("ci:{}", pool[rng.usize(..pool.len())]);
            if !affects.contains(&t) {
                affects.push(t);
            }
        }
        if kind != "standard" && !services.is_empty() && rng.bool() {
            affects.push(format!("service:{}", services[rng.usize(..services.len())]));
        }
        let mut text = format!(
            "apiVersion: cabinet/v1\nkind: Change\nmetadata:\n  id: {id}\n  name: Change {i} to {}\nspec:\n  type: {kind}\n",
            affects[0]
        );
        if kind == "standard" {
            text.push_str("  model: restart-pod\n");
        }
        let _ = write!(
            text,
            "  requester: user-{}a\n  reason: Routine maintenance and security fixes for {}.\n  affects: [{}]\n  window: {{start: \"2026-{month:02}-{day:02}T{hour:02}:00:00Z\", end: \"2026-{month:02}-{day:02}T{:02}:30:00Z\"}}\n  risk: {}\n  plan: |\n    1. Announce the change in the team channel.\n    2. Take a snapshot of every affected record.\n    3. Apply the change, one node at a time.\n    4. Watch the dashboards for fifteen minutes.\n",
            i % (args.teams + 2),
            affects[0],
            affects.join(", "),
            hour + 2,
            ["low", "low", "medium", "high"][rng.usize(..4)]
        );
        if kind != "standard" {
            text.push_str("  backout: |\n    Restore the snapshots taken in step 2 and restart the services.\n");
        }
        text.push_str(
            "  verification: |\n    Smoke tests pass and error rates stay at their baseline.\n",
        );
        if kind == "emergency" {
            let _ = writeln!(
                text,
                "  emergency: {{incident: INC-{:06}, justification: Customer-facing outage}}",
                i
            );
        }
        let _ = writeln!(text, "  status: {status}");
        if matches!(status, "completed" | "failed" | "rolled-back") {
            let result = match status {
                "completed" => "successful",
                "failed" => "failed",
                _ => "backed-out",
            };
            let _ = writeln!(
                text,
                "  outcome:\n    result: {result}\n    notes: Reviewed by the CAB."
            );
        }
        w.write(&format!("changes/2026/{id}.yaml"), &text)?;
    }

    // Incidents: the priority follows the default matrix from impact and urgency.
    let levels = ["high", "medium", "low"];
    let matrix = [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P4"]];
    for i in 0..args.incidents {
        let id = format!("INC-2026-{:05}", i + 1);
        let (impact, urgency) = (rng.usize(..3), rng.usize(..3));
        let pool = &layers[rng.usize(..layers.len())];
        let affects = format!("ci:{}", pool[skewed(&mut rng, pool.len())]);
        // Seconds since 2026-09-01T00:00:00Z, within three months.
        let detected = 1_788_220_800 + rng.i64(0..91 * 86_400);
        let responded = detected + 60 * rng.i64(3..60);
        let resolved = if rng.u8(..10) == 0 {
            responded + 60 * rng.i64(60..3 * 24 * 60)
        } else {
            responded + 60 * rng.i64(5..180)
        };
        let stamp = |t: i64| {
            jiff::Timestamp::from_second(t)
                .map(|t| t.to_string())
                .unwrap_or_default()
        };
        let mut text = format!(
            "apiVersion: cabinet/v1\nkind: Incident\nmetadata:\n  id: {id}\n  name: Incident {i} on {affects}\nspec:\n  affects: [{affects}]\n  impact: {}\n  urgency: {}\n  priority: {}\n  detected: \"{}\"\n  responded: \"{}\"\n",
            levels[impact],
            levels[urgency],
            matrix[impact][urgency],
            stamp(detected),
            stamp(responded),
        );
        if rng.u8(..50) == 0 {
            text.push_str("  status: open\n");
        } else {
            let status = if rng.bool() { "closed" } else { "resolved" };
            let _ = write!(
                text,
                "  resolved: \"{}\"\n  status: {status}\n",
                stamp(resolved)
            );
        }
        if args.changes > 0 && rng.u8(..20) == 0 {
            let _ = writeln!(
                text,
                "  causedBy: change:CHG-2026-{:05}",
                1 + rng.usize(..args.changes)
            );
        }
        text.push_str("  summary: |\n    The service was restored by restarting the affected nodes one at a time.\n");
        text.push_str("  actions:\n    - {title: Alert earlier on the symptom, owner: ");
        let _ = writeln!(
            text,
            "team:{}, due: 2027-0{}-15, done: {}}}",
            teams[i % teams.len()],
            1 + rng.u8(..9),
            rng.bool()
        );
        w.write(&format!("incidents/2026/{id}.yaml"), &text)?;
    }

    let total_records =
        1 + 1 + 3 + 1 + args.teams + 2 + made + args.services + args.changes + args.incidents;
    println!(
        "synth: wrote {} files, {} records ({:.1} MB) to {}",
        w.files,
        total_records,
        w.bytes as f64 / 1e6,
        display(&args.out)
    );
    if args.history > 0 {
        git_history(args, &w.paths, &ci_files, &service_files)?;
        println!(
            "synth: git history in {}: main with {} merged pull requests",
            display(&args.out),
            args.history
        );
    } else if args.git {
        let prs = git_history(args, &w.paths, &ci_files, &service_files)?;
        println!(
            "synth: git history in {}: main and {prs} pull request branches (pr/0001..pr/{:04}, pr/big)",
            display(&args.out),
            args.prs
        );
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// One pull request of `--git`: its branch, the change record it adds and the records it edits.
struct PullRequest {
    branch: String,
    change_id: String,
    edits: Vec<(String, String)>,
}

/// The commit time of `main` (2026-11-01T09:00:00Z); pull request `n` is `n` hours later.
const EPOCH: u64 = 1_793_523_600;

/// Make `args.out` a git repository: `main` with every record, then the pull request branches.
/// Returns the number of pull request branches.
fn git_history(
    args: &Args,
    paths: &[String],
    ci_files: &[(String, String)],
    service_files: &[(String, String)],
) -> std::io::Result<usize> {
    let mut prs = Vec::new();
    for n in 1..=args.prs {
        let mut rng = fastrand::Rng::with_seed(
            args.seed ^ (0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(n as u64)),
        );
        let count = 2 + rng.usize(..3);
        let mut edits = pick(&mut rng, ci_files, count);
        if rng.bool() {
            edits.extend(pick(&mut rng, service_files, 1));
        }
        prs.push(PullRequest {
            branch: format!("pr/{n:04}"),
            change_id: format!("CHG-2027-{n:05}"),
            edits,
        });
    }
    let mut rng = fastrand::Rng::with_seed(args.seed ^ 0xb16);
    let services = service_files.len().min(9);
    let mut edits = pick(&mut rng, ci_files, 49 - services);
    edits.extend(pick(&mut rng, service_files, services));
    prs.push(PullRequest {
        branch: "pr/big".to_string(),
        change_id: format!("CHG-2027-{:05}", args.prs + 1),
        edits,
    });

    git(&args.out, &["init", "-q", "-b", "main"])?;
    git(&args.out, &["config", "core.autocrlf", "false"])?;
    let mut child = git_command(&args.out)
        .args(["fast-import", "--quiet", "--date-format=raw"])
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    let mut stream =
        std::io::BufWriter::new(child.stdin.take().expect("fast-import's stdin is piped"));
    let mut sorted: Vec<&String> = paths.iter().collect();
    sorted.sort();
    commit_header(
        &mut stream,
        "refs/heads/main",
        Some(1),
        EPOCH,
        &format!("Synthetic catalogue (seed {})", args.seed),
    )?;
    for rel in sorted {
        let text = std::fs::read(args.out.join(rel))?;
        file(&mut stream, rel, &text)?;
    }
    if args.history > 0 {
        prs.clear();
        merged_pull_requests(&mut stream, args, ci_files)?;
    }
    for (n, pr) in prs.iter().enumerate() {
        commit_header(
            &mut stream,
            &format!("refs/heads/{}", pr.branch),
            None,
            EPOCH + 3600 * (n as u64 + 1),
            &format!("{}: {} records edited", pr.change_id, pr.edits.len()),
        )?;
        stream.write_all(b"from :1\n")?;
        for (n_edit, (_, rel)) in pr.edits.iter().enumerate() {
            let text = std::fs::read_to_string(args.out.join(rel))?;
            file(&mut stream, rel, edit(&text, n + 1, n_edit).as_bytes())?;
        }
        let change = change_record(pr, n + 1);
        file(
            &mut stream,
            &format!("changes/2027/{}.yaml", pr.change_id),
            change.as_bytes(),
        )?;
    }
    stream.write_all(b"done\n")?;
    stream.flush()?;
    drop(stream);
    let status = child.wait()?;
    if !status.success() {
        return Err(std::io::Error::other(format!(
            "git fast-import failed ({status})"
        )));
    }
    if args.history > 0 {
        git(&args.out, &["update-ref", "-d", HISTORY_BRANCH])?;
        // The index and the working tree are a clean checkout of main, which now holds the
        // pull requests' change records too.
        git(&args.out, &["reset", "-q", "--hard", "main"])?;
        return Ok(0);
    }
    // The index and the working tree are a clean checkout of main.
    git(&args.out, &["read-tree", "main"])?;
    git(&args.out, &["update-index", "-q", "--refresh"])?;
    Ok(prs.len())
}

/// `count` distinct entries of `from`, uniformly (most land in the upper layers, as real edits do).
fn pick(rng: &mut fastrand::Rng, from: &[(String, String)], count: usize) -> Vec<(String, String)> {
    let count = count.min(from.len());
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    while chosen.len() < count {
        let i = rng.usize(..from.len());
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.into_iter().map(|i| from[i].clone()).collect()
}

/// A reviewable edit of a generated record: a CI's version, or a service offering's
/// fulfilment time. Neither is a description, link or label, so each needs a change record.
fn edit(text: &str, pr: usize, n: usize) -> String {
    let edited = if text.contains("\n    version: \"") {
        text.replacen(
            "\n    version: \"",
            &format!("\n    version: \"{pr}.{n}-"),
            1,
        )
    } else {
        text.replacen("fulfillment: 2d", "fulfillment: 3d", 1)
    };
    assert_ne!(
        edited, text,
        "synth: a generated record has no field to edit"
    );
    edited
}

/// The change record of a pull request: a normal change inside the Sunday-night maintenance
/// window (22:00 Europe/Berlin, CET in February 2027), one week after the other.
fn change_record(pr: &PullRequest, n: usize) -> String {
    let day = 7 + 7 * ((n - 1) % 3);
    let affects: Vec<&str> = pr.edits.iter().map(|(r, _)| r.as_str()).collect();
    let mut text = format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata:\n  id: {}\n  name: {} records updated in one change\nspec:\n  type: normal\n  requester: user-0a\n  reason: Version upgrades and offering changes reviewed together.\n  affects:\n",
        pr.change_id,
        affects.len()
    );
    for r in &affects {
        let _ = writeln!(text, "    - {r}");
    }
    let _ = write!(
        text,
        "  window: {{start: \"2027-02-{day:02}T21:00:00Z\", end: \"2027-02-{day:02}T23:30:00Z\"}}\n  risk: high\n  plan: |\n    1. Announce the change in the team channel.\n    2. Apply the new versions, one record at a time.\n    3. Watch the dashboards for fifteen minutes.\n  backout: |\n    Revert the pull request and redeploy the previous versions.\n  verification: |\n    Smoke tests pass and error rates stay at their baseline.\n  status: requested\n"
    );
    text
}

/// `--history`: 2027-01-01T09:00:00Z, when the first pull request opens.
const HISTORY_EPOCH: u64 = 1_798_794_000;
/// `--history`: the branch every pull request is written on, deleted once all are merged.
const HISTORY_BRANCH: &str = "refs/heads/pr/history";

/// `--history`: `args.history` pull requests on `main` (after mark 1), each a branch of three
/// commits (the change record requested, approved, completed or failed) and its merge.
fn merged_pull_requests(
    out: &mut impl std::io::Write,
    args: &Args,
    ci_files: &[(String, String)],
) -> std::io::Result<()> {
    if ci_files.is_empty() {
        return Err(std::io::Error::other("--history needs at least one CI"));
    }
    let mut main = 1;
    for n in 1..=args.history {
        let mut rng = fastrand::Rng::with_seed(args.seed ^ (0x4c54_u64 << 32) ^ n as u64);
        let opened = HISTORY_EPOCH + 86_400 * (n as u64 - 1);
        let approved = opened + 3600 * rng.u64(1..=6);
        let done = approved + 3600 * rng.u64(1..=6);
        let merged = done + 600;
        let year = jiff::Timestamp::from_second(opened as i64)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).year())
            .map_err(std::io::Error::other)?;
        let id = format!("CHG-{year}-{n:05}");
        let path = if args.flat {
            format!("changes/history/{id}.yaml")
        } else {
            format!("changes/{year}/{id}.yaml")
        };
        let failed = rng.u8(..10) == 0;
        let affects = &ci_files[rng.usize(..ci_files.len())].0;
        let (branch_tip, merge) = (2 * n, 2 * n + 1);
        let steps = [
            (opened, "requested", "open", None),
            (approved, "approved", "approve", None),
            (
                done,
                if failed { "failed" } else { "completed" },
                if failed { "fail" } else { "complete" },
                Some(branch_tip),
            ),
        ];
        let mut last = String::new();
        for (i, (time, status, verb, mark)) in steps.into_iter().enumerate() {
            commit_header(out, HISTORY_BRANCH, mark, time, &format!("{id}: {verb}"))?;
            if i == 0 {
                writeln!(out, "from :{main}")?;
            }
            last = history_change(&id, affects, status, done);
            file(out, &path, last.as_bytes())?;
        }
        commit_header(
            out,
            "refs/heads/main",
            Some(merge),
            merged,
            &format!("Merge pull request #{n} ({id})"),
        )?;
        writeln!(out, "from :{main}\nmerge :{branch_tip}")?;
        file(out, &path, last.as_bytes())?;
        main = merge;
    }
    Ok(())
}

/// `--history`: a change record of a pull request at `status`; its window is the hour before
/// `done`, and a completed or failed one has its outcome.
fn history_change(id: &str, affects: &str, status: &str, done: u64) -> String {
    let stamp = |t: u64| {
        jiff::Timestamp::from_second(t as i64)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    let mut text = format!(
        "apiVersion: cabinet/v1\nkind: Change\nmetadata:\n  id: {id}\n  name: Routine upgrade {id}\nspec:\n  type: normal\n  requester: user-0a\n  reason: Routine upgrade of {affects}.\n  affects: [{affects}]\n  window: {{start: \"{}\", end: \"{}\"}}\n  risk: low\n  plan: |\n    1. Apply the upgrade.\n    2. Watch the dashboards for fifteen minutes.\n  backout: |\n    Reinstall the previous version.\n  verification: |\n    Smoke tests pass.\n  status: {status}\n",
        stamp(done - 3600),
        stamp(done),
    );
    let result = match status {
        "completed" => "successful",
        "failed" => "failed",
        _ => return text,
    };
    let _ = writeln!(text, "  outcome:\n    result: {result}");
    text
}

/// A commit of `reference` (with `mark`, to name it later), by the synthetic author at `time`.
fn commit_header(
    out: &mut impl std::io::Write,
    reference: &str,
    mark: Option<usize>,
    time: u64,
    message: &str,
) -> std::io::Result<()> {
    let mark = mark.map(|m| format!("mark :{m}\n")).unwrap_or_default();
    write!(
        out,
        "commit {reference}\n{mark}author Synth <synth@example.com> {time} +0000\ncommitter Synth <synth@example.com> {time} +0000\ndata {}\n{message}\n",
        message.len() + 1
    )
}

fn file(out: &mut impl std::io::Write, path: &str, bytes: &[u8]) -> std::io::Result<()> {
    write!(out, "M 100644 inline {path}\ndata {}\n", bytes.len())?;
    out.write_all(bytes)?;
    out.write_all(b"\n")
}

/// `git` in `dir`, with no user or system configuration and fixed identities.
fn git_command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Synth")
        .env("GIT_AUTHOR_EMAIL", "synth@example.com")
        .env("GIT_COMMITTER_NAME", "Synth")
        .env("GIT_COMMITTER_EMAIL", "synth@example.com")
        .env("GIT_AUTHOR_DATE", format!("{EPOCH} +0000"))
        .env("GIT_COMMITTER_DATE", format!("{EPOCH} +0000"));
    cmd
}

fn git(dir: &Path, args: &[&str]) -> std::io::Result<()> {
    let status = git_command(dir).args(args).status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "git {} failed ({status})",
            args.join(" ")
        )))
    }
}
