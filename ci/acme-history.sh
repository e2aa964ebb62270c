#!/usr/bin/env bash
# Build a git repository from examples/acme with a history of pull requests, for the README's
# walk-throughs and for trying cabinet by hand:
#
#   bash ci/acme-history.sh /tmp/acme
#   cabinet -C /tmp/acme impact --base main --head pr/pg-upgrade
#
# `main` holds the catalogue; each `pr/...` branch is one pull request on top of it. Authors
# and dates are fixed, so the commit ids are the same on every machine.
set -euo pipefail
out=${1:?usage: ci/acme-history.sh OUT_DIR}
src=$(cd "$(dirname "$0")/../examples/acme" && pwd)
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "ci/acme-history.sh: $out exists and is not empty" >&2
  exit 2
fi
mkdir -p "$out"
cp -R "$src"/. "$out"/
cd "$out"

export GIT_AUTHOR_NAME="Mona Octocat" GIT_AUTHOR_EMAIL="mona@acme.example"
export GIT_COMMITTER_NAME="Mona Octocat" GIT_COMMITTER_EMAIL="mona@acme.example"
day=0
commit() {
  day=$((day + 1))
  local when
  when="2026-11-$(printf %02d $((day + 1)))T09:00:00Z"
  export GIT_AUTHOR_DATE="$when" GIT_COMMITTER_DATE="$when"
  git add -A
  git commit -q -m "$1"
}

git init -q -b main
git config core.autocrlf false
commit "ACME service catalogue"

change() { # change FILE ID NAME TYPE AFFECTS START END RISK STATUS [EXTRA]
  cat > "changes/2026/$1.yaml" <<YAML
apiVersion: cabinet/v1
kind: Change
metadata:
  id: $1
  name: $2
spec:
  type: $3
  requester: mona
  reason: $2.
  affects: [$4]
  window: {start: "$5", end: "$6"}
  risk: $7
  plan: |
    Follow the runbook for $4.
  backout: |
    Roll back to the previous version.
  verification: |
    Smoke tests pass.
  status: $8
${9:-}
YAML
}
pr() { git checkout -q -b "$1" main; }

# pr/pg-upgrade: upgrade the main database in the Sunday window, risk declared honestly.
# Nothing blocks it; it waits for approvals.
pr pr/pg-upgrade
change CHG-2026-0046 "Upgrade the main PostgreSQL cluster to 16.5" normal ci:pg-main \
  2026-12-13T21:00:00Z 2026-12-13T23:00:00Z critical requested
commit "CHG-2026-0046: upgrade pg-main to 16.5"

# pr/search-tier: search becomes tier 1 and loses a soft dependency, without a change record
# (missing-change-record).
pr pr/search-tier
sed -i 's/^  tier: 2$/  tier: 1/; /impact: partial}$/d' services/search.yaml
commit "search is customer-critical: tier 1"

# pr/freeze: a BI upgrade during the year-end freeze (freeze-violation).
pr pr/freeze
change CHG-2026-0047 "Upgrade Metabase to 0.52" normal ci:metabase \
  2026-12-20T09:00:00Z 2026-12-20T11:00:00Z low requested
commit "CHG-2026-0047: Metabase upgrade"

# pr/loosen-freeze: the same change, and the freeze deleted from the policy in the same pull
# request. The policy is read from the base, so the freeze still applies (freeze-violation).
pr pr/loosen-freeze
change CHG-2026-0047 "Upgrade Metabase to 0.52" normal ci:metabase \
  2026-12-20T09:00:00Z 2026-12-20T11:00:00Z low requested
# Drop the `freezes:` block (its lines and blank lines, up to the next key of the spec).
awk '/^  freezes:$/ {skip = 1; next} skip && (/^    / || /^$/) {next} {skip = 0; print}' \
  policy/policy.yaml >policy/policy.yaml.new
mv policy/policy.yaml.new policy/policy.yaml
commit "CHG-2026-0047, and no more year-end freeze"

# pr/weekday-checkout: a checkout deploy on a Wednesday afternoon (outside-maintenance-window).
pr pr/weekday-checkout
change CHG-2026-0048 "Deploy checkout 4.12" normal ci:checkout-app \
  2026-12-09T13:00:00Z 2026-12-09T14:00:00Z high requested
commit "CHG-2026-0048: checkout 4.12"

# pr/conflict: a search deploy in the same Sunday night as the OpenSearch upgrade
# CHG-2026-0044; both impact service:search (change-conflict).
pr pr/conflict
change CHG-2026-0049 "Deploy search 2.3" normal ci:search-app \
  2026-12-06T22:00:00Z 2026-12-06T23:00:00Z medium requested
commit "CHG-2026-0049: search 2.3"

# pr/standard-db: a "restart a pod" standard change on the database cluster
# (standard-change-out-of-model; judged as normal, and its risk is understated).
pr pr/standard-db
change CHG-2026-0050 "Restart the PostgreSQL pods" standard ci:pg-main \
  2026-12-13T21:00:00Z 2026-12-13T21:30:00Z low requested "  model: restart-pod"
commit "CHG-2026-0050: restart pg pods"

# pr/reopen: a completed change set back to requested (status-regression).
pr pr/reopen
sed -i 's/^  status: completed$/  status: requested/' changes/2026/CHG-2026-0038.yaml
commit "CHG-2026-0038: run it again"

# Reviews of pr/pg-upgrade as the forge reports them (the approvals files of
# `cabinet check --approvals`): one set that is not enough, one that is. They are not
# committed: they stand for what GitHub knows about the pull request.
head=$(git rev-parse pr/pg-upgrade)
mkdir -p reviews
echo "reviews/" >> .git/info/exclude
review() { # review ID LOGIN GITHUB_ID STATE TIME
  printf '{"id": %s, "user": {"login": "%s", "id": %s, "type": "User"}, "state": "%s", "commit_id": "%s", "submitted_at": "2026-11-23T%s:00Z"}' \
    "$1" "$2" "$3" "$4" "$head" "$5"
}
approvals() { # approvals FILE REVIEW...
  local file=$1; shift
  local IFS=,
  printf '{"number": 46, "author": {"login": "mona", "id": 1000001, "type": "User"}, "head_sha": "%s",\n "commits": [{"sha": "%s", "author": {"login": "mona", "id": 1000001, "type": "User"}, "committer": {"login": "mona", "id": 1000001, "type": "User"}}],\n "reviews": [%s]}\n' \
    "$head" "$head" "$*" > "$file"
}
approvals reviews/pg-upgrade-rejected.json \
  "$(review 1 mona 1000001 APPROVED 09:00)" \
  "$(review 2 ahartmann 41870012 APPROVED 10:00)" \
  "$(review 3 dmueller 38810225 APPROVED 10:30)"
approvals reviews/pg-upgrade-approved.json \
  "$(review 2 ahartmann 41870012 APPROVED 10:00)" \
  "$(review 3 dmueller 38810225 APPROVED 10:30)" \
  "$(review 4 jkowalski 52291347 APPROVED 11:00)" \
  "$(review 5 aokafor 71125503 APPROVED 11:15)" \
  "$(review 6 bschmidt 83300211 COMMENTED 11:20)" \
  "$(review 7 bschmidt 83300211 APPROVED 11:30)" \
  "$(review 8 rfernandes 77120034 APPROVED 12:00)"

git checkout -q main
echo "acme history in $out: main, $(git branch --list 'pr/*' | tr -d ' *' | tr '\n' ' ')"
