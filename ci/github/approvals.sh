#!/usr/bin/env bash
# Save a GitHub pull request as cabinet's approvals file: its author, head, draft flag, every
# commit and every review, all pages. Needs `gh` (with GH_TOKEN) and `jq`. A commit GitHub
# could not link to an account keeps `author: null`: cabinet then matches the e-mail git
# records against the Team records' `email`.
#
#   ci/github/approvals.sh OWNER/REPO NUMBER > approvals.json
#
# Fails (non-zero) on any API error, so a gate built on it fails closed.
set -euo pipefail
repo=${1:?usage: approvals.sh OWNER/REPO NUMBER}
number=${2:?usage: approvals.sh OWNER/REPO NUMBER}
pr=$(gh api "repos/$repo/pulls/$number")
commits=$(gh api --paginate "repos/$repo/pulls/$number/commits?per_page=100" | jq -s 'add // []')
reviews=$(gh api --paginate "repos/$repo/pulls/$number/reviews?per_page=100" | jq -s 'add // []')
# GitHub lists at most 250 commits: more would hide contributors, so refuse.
expected=$(jq '.commits' <<<"$pr")
got=$(jq 'length' <<<"$commits")
if [ "$got" -lt "$expected" ]; then
  echo "approvals.sh: the pull request has $expected commits but GitHub listed $got; refusing to judge it" >&2
  exit 3
fi
jq -n --argjson pr "$pr" --argjson commits "$commits" --argjson reviews "$reviews" '{
  number: $pr.number,
  author: {login: $pr.user.login, id: $pr.user.id, type: $pr.user.type},
  head_sha: $pr.head.sha,
  draft: ($pr.draft // false),
  commits: [$commits[] | {
    sha,
    author: (if .author then {login: .author.login, id: .author.id, type: .author.type} else null end),
    committer: (if .committer then {login: .committer.login, id: .committer.id, type: .committer.type} else null end)
  }],
  reviews: $reviews
}'
