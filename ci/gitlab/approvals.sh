#!/usr/bin/env bash
# Save a GitLab merge request as cabinet's approvals file: its author, head, draft flag, every
# page of its commits and its approvals. Needs `curl` and `jq`; runs in a merge request
# pipeline (CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID) with an API token that can
# read the project in CABINET_API_TOKEN.
#
#   ci/gitlab/approvals.sh > approvals.json     (in the cabinet image: cabinet-gitlab-approvals)
#
# GitLab ties commits to e-mail addresses, not to accounts, so every commit is written with
# `author: null`: cabinet reads each commit's author and committer e-mail from git and matches
# them against the Team records' `email` (a commit nobody can be matched to blocks, unless the
# Policy sets `allowUnknownAuthors`). GitLab approvals carry no commit: they are bound to the
# head the pipeline runs on, so enable "Remove all approvals when commits are added to the
# source branch". Fails (non-zero) on any API error, so a gate built on it fails closed.
set -euo pipefail
: "${CI_API_V4_URL:?}" "${CI_PROJECT_ID:?}" "${CI_MERGE_REQUEST_IID:?}" "${CABINET_API_TOKEN:?}"
api="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID"
get() { curl -sSf --header "PRIVATE-TOKEN: $CABINET_API_TOKEN" "$1"; }
mr=$(get "$api")
approvals=$(get "$api/approvals")
# Every page of commits, 100 at a time, until an empty page (at most 100 pages).
commits='[]'
page=1
while :; do
  batch=$(get "$api/commits?per_page=100&page=$page")
  [ "$(jq 'length' <<<"$batch")" -gt 0 ] || break
  commits=$(printf '%s\n%s\n' "$commits" "$batch" | jq -s 'add')
  page=$((page + 1))
  if [ "$page" -gt 100 ]; then
    echo "approvals.sh: more than 10,000 commits; refusing to judge the merge request" >&2
    exit 3
  fi
done
# The merge request's own head (in a merged-results pipeline CI_COMMIT_SHA is the merge).
head=${CI_MERGE_REQUEST_SOURCE_BRANCH_SHA:-${CI_COMMIT_SHA:?}}
jq -n --argjson mr "$mr" --argjson ap "$approvals" --argjson commits "$commits" --arg head "$head" '{
  number: $mr.iid,
  author: {login: $mr.author.username, id: $mr.author.id, type: "User"},
  head_sha: $head,
  draft: (($mr.draft // false) or ($mr.work_in_progress // false)),
  commits: [$commits[] | {sha: .id, author: null, committer: null}],
  reviews: [$ap.approved_by | to_entries[] | {id: (.key + 1), user: {login: .value.user.username, id: .value.user.id, type: "User"},
             state: "APPROVED", commit_id: $head, submitted_at: "1970-01-01T00:00:00Z"}]
}'
