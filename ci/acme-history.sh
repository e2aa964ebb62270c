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
  export GIT_AUTHOR_DATE="2026-11-$(printf %02d $((day + 1)))T09:00:00Z" GIT_COMMITTER_DATE="2026-11-$(printf %02d $((day + 1)))T09:00:00Z"
  git add -A
  git commit -q -m "$1"
}

git init -q -b main
git config core.autocrlf false
commit "ACME service catalogue"

# --- pr/pg-upgrade: a change record that upgrades the main database -----------------------
git checkout -q -b pr/pg-upgrade main
cat > changes/2026/CHG-2026-0046.yaml <<'YAML'
apiVersion: cabinet/v1
kind: Change
metadata:
  id: CHG-2026-0046
  name: Upgrade the main PostgreSQL cluster to 16.5
spec:
  type: normal
  requester: mona
  reason: PostgreSQL 16.5 fixes CVE-2026-1234 in logical replication.
  affects: [ci:pg-main]
  window: {start: "2026-12-06T21:00:00Z", end: "2026-12-06T23:00:00Z"}
  risk: medium
  plan: |
    1. Take a base backup of pg-main.
    2. Upgrade pg-node-3 (replica), fail over to it, upgrade pg-node-1 and pg-node-2.
  backout: |
    Fail back to the old primary; restore the base backup if the catalog was changed.
  verification: |
    Checkout and payments smoke tests pass; replication lag below 1 s.
  status: requested
YAML
commit "CHG-2026-0046: upgrade pg-main to 16.5"

# --- pr/search-tier: search becomes tier 1 and loses its soft dependency -------------------
git checkout -q -b pr/search-tier main
sed -i 's/^  tier: 2$/  tier: 1/; /impact: partial}$/d' services/search.yaml
commit "search is customer-critical: tier 1"

git checkout -q main
echo "acme history in $out: main, $(git branch --list 'pr/*' | tr -d ' *' | tr '\n' ' ')"
