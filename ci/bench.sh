#!/usr/bin/env bash
# Whole-process benchmarks of cabinet (issue 7), with peers run on the same files in the same
# run. From a fresh clone, with no arguments:
#
#   bash ci/bench.sh
#
# It builds cabinet and the `synth` and `parse_floor` examples (release, --locked), generates
# synthetic repositories with a git history of pull requests (reused from target/bench-data/
# when the arguments match), installs hyperfine, GNU time, check-jsonschema (a venv under
# target/bench-tools/, pinned by ci/bench/requirements.txt) and ajv-cli with ajv-formats
# (npm ci from ci/bench/package-lock.json), then measures with hyperfine (`--warmup 1`) and
# takes the peak RSS of one more run with `/usr/bin/time -f %M`. The Markdown table goes to
# stdout and to target/bench/table.md; the raw hyperfine JSON and logs stay in target/bench/.
#
# Environment:
#   SIZES="1k 10k 100k"  which repository sizes (records: about 1,000, 10,000 and 100,000;
#                        empty for none, e.g. `OPS=1 SIZES= SITE=0 PEERS=0` for report only)
#   SITE=1               0 skips `site build` on 10,000 services and 50,000 CIs (slow)
#   PEERS=1              0 skips check-jsonschema and ajv-cli
#   OPS=1                0 skips `report` on 100,000 records of which 20,000 are incidents and
#                        30,000 changes
#   FINDINGS=1           0 skips the reports of a 1 MiB file of empty documents (262,144
#                        findings: human, github and sarif output must stay linear)
#   CJS_MAX_FILES=12000  above this many files, check-jsonschema runs once on an evenly
#                        spaced sample and its time is extrapolated (labelled in the table)
#   RUNS_1K=10 RUNS_10K=5 RUNS_100K=3 RUNS_SITE=2   hyperfine --runs per size
#   BENCH_DATA=target/bench-data                     where the repositories are generated
#   BUILD=1              0 uses the binaries already in target/release (while developing)
#
# Any failure (a build, an install, a command that does not give its expected verdict, a peer
# that calls a valid record invalid) stops the script: there is no half table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
case "$ROOT" in *[[:space:]]*)
  echo "ci/bench.sh: the checkout's path must not contain spaces: $ROOT" >&2
  exit 2
  ;;
esac

SIZES=${SIZES-"1k 10k 100k"}
SITE=${SITE:-1}
PEERS=${PEERS:-1}
CJS_MAX_FILES=${CJS_MAX_FILES:-12000}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DATA=${BENCH_DATA:-$TARGET/bench-data}
TOOLS=$TARGET/bench-tools
OUT=$TARGET/bench
NOW=2026-11-22T09:00:00Z # the time `check` judges against, so its verdict does not drift

die() {
  echo "ci/bench.sh: $*" >&2
  exit 1
}
log() { echo "== $*" >&2; }

# ---------------------------------------------------------------------------------------------
log "tools"
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine
/usr/bin/time --version 2>&1 | grep -q GNU || apt_install time
command -v git >/dev/null 2>&1 || apt_install git
command -v python3 >/dev/null 2>&1 || apt_install python3
if [ "$PEERS" = 1 ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
fi
hyperfine --version >&2

if [ "${BUILD:-1}" = 1 ]; then
  log "build (release, --locked)"
  cargo build --release --locked
  cargo build --release --locked --example synth --example parse_floor
fi
# The binaries under test are copied, so that a rebuild in the same target directory during
# the run cannot swap them halfway.
mkdir -p "$OUT/bin" "$OUT/json" "$OUT/logs" "$OUT/cmd"
rm -f "$OUT"/json/*.json "$OUT"/logs/* "$OUT"/cmd/* "$OUT/rows.tsv"
cp "$TARGET/release/cabinet" "$TARGET/release/examples/synth" "$TARGET/release/examples/parse_floor" "$OUT/bin/"
CABINET=$OUT/bin/cabinet
revision="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
  revision="$revision + uncommitted changes in src/"
fi

if [ "$PEERS" = 1 ]; then
  log "peers: check-jsonschema (venv) and ajv-cli (npm ci)"
  if ! cmp -s ci/bench/requirements.txt "$TOOLS/venv/requirements.txt"; then
    rm -rf "$TOOLS/venv"
    python3 -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check -r ci/bench/requirements.txt
    cp ci/bench/requirements.txt "$TOOLS/venv/requirements.txt"
  fi
  mkdir -p "$TOOLS/node"
  if ! cmp -s ci/bench/package-lock.json "$TOOLS/node/package-lock.json" || [ ! -x "$TOOLS/node/node_modules/.bin/ajv" ]; then
    cp ci/bench/package.json ci/bench/package-lock.json "$TOOLS/node/"
    (cd "$TOOLS/node" && npm ci --silent --no-audit --no-fund)
  fi
  cp ci/bench/schemars-formats.js "$TOOLS/node/"
  CJS_VERSION=$("$TOOLS/venv/bin/check-jsonschema" --version | awk '{print $NF}')
  AJV_VERSION=$(cd "$TOOLS/node" && node -p 'require("ajv-cli/package.json").version + " (ajv " + require("ajv/package.json").version + ", ajv-formats " + require("ajv-formats/package.json").version + ")"')
fi

# ---------------------------------------------------------------------------------------------
# Repositories: NAME -> synth arguments.
synth_args() {
  case "$1" in
    1k) echo "--services 100 --cis 700 --changes 200" ;;
    10k) echo "--services 1000 --cis 7000 --changes 2000" ;;
    100k) echo "--services 10000 --cis 70000 --changes 20000" ;;
    site) echo "--services 10000 --cis 50000 --changes 2000" ;;
    ops) echo "--services 10000 --cis 40000 --changes 30000 --incidents 20000" ;;
    *) die "unknown size \`$1\` (known: 1k 10k 100k)" ;;
  esac
}
for size in $SIZES; do synth_args "$size" >/dev/null; done

generate() { # generate NAME -> prints the repository's folder
  local name=$1 dir=$DATA/$1 args
  args="$(synth_args "$name") --seed 42 --git --prs 5"
  if [ "$(cat "$dir/.git/synth-args" 2>/dev/null)" != "$args" ]; then
    log "generate $name: synth $args"
    rm -rf "$dir"
    mkdir -p "$DATA"
    # shellcheck disable=SC2086
    "$OUT/bin/synth" $args --out "$dir" >&2
    echo "$args" >"$dir/.git/synth-args"
  fi
  echo "$dir"
}

mkdir -p "$DATA"
"$CABINET" schema --out "$DATA/schemas" >/dev/null
SCHEMAS=$DATA/schemas

pressure() { awk '/^some/ {sub("avg10=", "", $2); print $2}' /proc/pressure/cpu 2>/dev/null || echo "?"; }
PSI_START=$(head -1 /proc/pressure/cpu 2>/dev/null || echo "unavailable")
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# measure SIZE SLUG LABEL GROUP RUNS EXPECT UNITS FACTOR -- COMMAND...
#   GROUP: `validate` rows get a ratio to cabinet's validate of the same size.
#   EXPECT: the exit code the command must give (0, or 1 for a blocking verdict).
#   UNITS: what the command goes through (records or files), for the per-second column.
#   FACTOR: time multiplier for a sampled run (1 when not sampled).
# PREPARE, when set, is a command hyperfine runs before every run, untimed.
PREPARE=""
measure() {
  local size=$1 slug=$2 label=$3 group=$4 runs=$5 expect=$6 units=$7 factor=$8
  shift 9
  local logf=$OUT/logs/$size-$slug.log rc=0 warmup=1 ignore=() prepare=()
  [ -z "$PREPARE" ] || prepare=(--prepare "$PREPARE")
  log "$size: $label"
  /usr/bin/time -f %M -o "$OUT/logs/$size-$slug.rss" "$@" >"$logf" 2>&1 || rc=$?
  if [ "$rc" != "$expect" ]; then
    tail -n 30 "$logf" >&2
    die "$size: \`$*\` exited $rc, expected $expect (log: $logf)"
  fi
  [ "$expect" = 0 ] || ignore=(--ignore-failure)
  [ "$factor" = 1 ] || warmup=0
  [ "$runs" -gt 1 ] || warmup=0
  hyperfine --style basic -N --warmup "$warmup" --runs "$runs" "${ignore[@]}" "${prepare[@]}" \
    --export-json "$OUT/json/$size-$slug.json" --command-name "$label" "$*" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$slug" "$label" "$group" "$units" "$factor" \
    "$(tail -n 1 "$OUT/logs/$size-$slug.rss")" "$(pressure)" >>"$OUT/rows.tsv"
}

# script NAME BODY: a bash script for a pipeline, so hyperfine can run it without a shell.
script() {
  printf '#!/usr/bin/env bash\nset -euo pipefail\n%s\n' "$2" >"$OUT/cmd/$1.sh"
  echo "$OUT/cmd/$1.sh"
}

runs_for() {
  case "$1" in
    1k) echo "${RUNS_1K:-10}" ;;
    10k) echo "${RUNS_10K:-5}" ;;
    100k) echo "${RUNS_100K:-3}" ;;
    site) echo "${RUNS_SITE:-2}" ;;
  esac
}

WORDS=(alpha billing cart delivery edge feed gateway hub inventory journal kiosk ledger media
  notify orders pricing quote returns search tax users vault wallet xfer yield zone)

for size in $SIZES; do
  dir=$(generate "$size")
  runs=$(runs_for "$size")
  records=$("$CABINET" -C "$dir" validate --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["records"])')
  echo "$records" >"$OUT/logs/$size.records"
  # The most depended-on CI (synth biases dependencies towards the first records of a layer)
  # and the last service generated, which nothing depends on (its impact is load time only).
  core=ci:net-alpha-000000
  services=$(find "$dir/services" -mindepth 1 -maxdepth 1 | wc -l)
  last=$((services - 1))
  leaf=$(printf 'service:svc-%s-%05d' "${WORDS[$((last % 26))]}" "$last")
  [ -f "$dir/services/${leaf#service:}.yaml" ] || die "$size: no service file for $leaf"

  measure "$size" validate "cabinet validate" validate "$runs" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" validate
  measure "$size" validate-rev "cabinet validate --rev HEAD" validate "$runs" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" validate --rev HEAD
  measure "$size" impact-core "cabinet impact $core (core CI)" impact "$runs" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" impact "$core"
  measure "$size" impact-leaf "cabinet impact $leaf (nothing depends on it)" impact "$runs" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" impact "$leaf"
  measure "$size" impact-pr "cabinet impact --base main --head pr/big (50 files)" impact "$runs" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" impact --base main --head pr/big
  # Exit 0 or 1 are both verdicts; the first run fixes which one every run must give.
  rc=0
  "$CABINET" -C "$dir" check --base main --head pr/big --now "$NOW" >"$OUT/logs/$size-check-verdict.log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { tail -n 30 "$OUT/logs/$size-check-verdict.log" >&2; die "$size: check exited $rc"; }
  measure "$size" check "cabinet check --base main --head pr/big (50 files)" check "$runs" "$rc" "$records" 1 -- \
    "$CABINET" -C "$dir" check --base main --head pr/big --now "$NOW"

  # Floors: reading every file, and reading and parsing it with cabinet's YAML parser.
  files=$(find "$dir" -path "$dir/.git" -prune -o -name '*.yaml' -print | wc -l)
  floor=$(script "$size-cat" "find '$dir' -path '$dir/.git' -prune -o -name '*.yaml' -print0 | xargs -0 cat > /dev/null")
  measure "$size" floor-cat "floor: find | xargs cat (read only)" validate "$runs" 0 "$files" 1 -- bash "$floor"
  measure "$size" floor-read "floor: parse_floor read (walk + read, all cores)" validate "$runs" 0 "$files" 1 -- \
    "$OUT/bin/parse_floor" "$dir" read
  measure "$size" floor-parse "floor: parse_floor events (walk + read + YAML events, all cores)" validate "$runs" 0 "$files" 1 -- \
    "$OUT/bin/parse_floor" "$dir" events

  if [ "$PEERS" = 1 ]; then
    # The peers validate each single-document record file against its kind's schema, as
    # exported by `cabinet schema`: services/, cis/ and changes/ (all but a handful of the
    # records; teams and SLAs share multi-document files, which neither peer reads).
    peer_files=0
    ajv_body="cd '$TOOLS/node'"
    cjs_body=""
    sample=1
    total=$(find "$dir/services" "$dir/cis" "$dir/changes" -name '*.yaml' | wc -l)
    if [ "$total" -gt "$CJS_MAX_FILES" ]; then
      sample=$(((total + CJS_MAX_FILES - 1) / CJS_MAX_FILES))
    fi
    cjs_files=0
    for pair in service:services configuration-item:cis change:changes; do
      schema=$SCHEMAS/${pair%%:*}.schema.json sub=$dir/${pair#*:}
      n=$(find "$sub" -name '*.yaml' | wc -l)
      peer_files=$((peer_files + n))
      ajv_body+=$'\n'"node_modules/.bin/ajv validate --spec=draft2020 -c '$TOOLS/node/schemars-formats.js' -s '$schema' -d '$sub/**/*.yaml'"
      list=$OUT/cmd/$size-${pair#*:}.list
      find "$sub" -name '*.yaml' | LC_ALL=C sort | awk -v k="$sample" '(NR - 1) % k == 0' >"$list"
      cjs_files=$((cjs_files + $(wc -l <"$list")))
      cjs_body+=$'\n'"xargs -d '\\n' -s 2000000 -a '$list' '$TOOLS/venv/bin/check-jsonschema' --schemafile '$schema'"
    done
    ajv=$(script "$size-ajv" "$ajv_body")
    measure "$size" ajv "ajv-cli $AJV_VERSION, per-kind schema" validate "$runs" 0 "$peer_files" 1 -- bash "$ajv"
    valid=$(grep -c ' valid$' "$OUT/logs/$size-ajv.log" || true)
    [ "$valid" = "$peer_files" ] || die "$size: ajv-cli reported $valid of $peer_files files valid (log: $OUT/logs/$size-ajv.log)"
    cjs=$(script "$size-cjs" "$cjs_body")
    if [ "$sample" = 1 ]; then
      measure "$size" cjs "check-jsonschema $CJS_VERSION, per-kind schema" validate "$runs" 0 "$peer_files" 1 -- bash "$cjs"
    else
      measure "$size" cjs "check-jsonschema $CJS_VERSION on 1 file in $sample ($cjs_files files, 1 run), time × $sample" \
        validate 1 0 "$cjs_files" "$sample" -- bash "$cjs"
    fi
    grep -q 'ok -- validation done' "$OUT/logs/$size-cjs.log" || die "$size: check-jsonschema did not report success"
  fi
done

if [ "$SITE" = 1 ]; then
  dir=$(generate site)
  records=$("$CABINET" -C "$dir" validate --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["records"])')
  echo "$records" >"$OUT/logs/site.records"
  # Into an empty folder, as in CI from a clean checkout (the folder is removed before each
  # run, untimed); then over the previous site, which the build swaps out and deletes.
  PREPARE="rm -rf $OUT/site-fresh"
  measure site site-fresh "cabinet site build into an empty folder (10,000 services, 50,000 CIs, 2,000 changes)" site "$(runs_for site)" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" site build --out "$OUT/site-fresh"
  PREPARE=""
  measure site site "cabinet site build over the previous site (same repository)" site "$(runs_for site)" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" site build --out "$OUT/site-out"
fi

if [ "${OPS:-1}" = 1 ]; then
  # The figures of `cabinet report`: 20,000 incidents and 30,000 changes among 100,000
  # records, each incident's impact propagated; then grouped by tier (every change's impact
  # too) and cut by month.
  dir=$(generate ops)
  records=$("$CABINET" -C "$dir" validate --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["records"])')
  echo "$records" >"$OUT/logs/ops.records"
  measure ops report "cabinet report (90 days; 20,000 incidents, 30,000 changes)" report "${RUNS_OPS:-3}" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" report --now 2026-12-01T09:00:00Z --format json
  measure ops report-tier "cabinet report --by tier --interval month" report "${RUNS_OPS:-3}" 0 "$records" 1 -- \
    "$CABINET" -C "$dir" report --now 2026-12-01T09:00:00Z --by tier --interval month --format json
fi

if [ "${FINDINGS:-1}" = 1 ]; then
  # One finding per line of a 1 MiB file: every report must cost time linear in its
  # findings (a snippet shows only its own lines; SARIF keeps 25,000 results).
  dir=$DATA/findings
  rm -rf "$dir"
  mkdir -p "$dir"
  printf 'apiVersion: cabinet/v1\nkind: Config\nmetadata: {id: findings}\nspec: {}\n' >"$dir/cabinet.yaml"
  python3 -c 'import sys; sys.stdout.write("---\n" * 262144)' >"$dir/empty-documents.yaml"
  echo 1 >"$OUT/logs/findings.records"
  for format in human github sarif; do
    measure findings "validate-$format" "cabinet validate --format $format (262,144 findings)" findings 1 1 262144 1 -- \
      "$CABINET" -C "$dir" validate --format "$format"
  done
fi

PSI_END=$(head -1 /proc/pressure/cpu 2>/dev/null || echo "unavailable")
{
  echo "machine: $(nproc) CPUs, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM"
  echo "cabinet: $revision; hyperfine $(hyperfine --version | awk '{print $2}'); started $STARTED, ended $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command: SIZES=\"$SIZES\" SITE=$SITE PEERS=$PEERS OPS=${OPS:-1} FINDINGS=${FINDINGS:-1} bash ci/bench.sh"
  echo "CPU pressure at start: $PSI_START"
  echo "CPU pressure at end:   $PSI_END"
} >"$OUT/meta.txt"
python3 ci/bench/table.py "$OUT" >"$OUT/table.md.tmp"
mv "$OUT/table.md.tmp" "$OUT/table.md"
cat "$OUT/table.md"
