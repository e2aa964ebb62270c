# The cabinet image: a static binary on a small base that has a shell (GitLab runs job scripts
# with one), git, curl, jq and CA certificates, and the GitLab recipe's
# `cabinet-gitlab-approvals`. Built and pushed by ci/github/release.yml as
# ghcr.io/OWNER/cabinet:vX.Y.Z; pin it by digest in pipelines.
#
#   docker build -t cabinet .
#   docker run --rm -v "$PWD:/repo" -w /repo cabinet validate

FROM rust:1.95-alpine3.21 AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin cabinet \
    && strip target/release/cabinet \
    && ./target/release/cabinet --version

FROM alpine:3.21
RUN apk add --no-cache bash ca-certificates git curl jq \
    && adduser -D -u 10001 cabinet
COPY --from=build /src/target/release/cabinet /usr/local/bin/cabinet
# The GitLab recipe's approvals file, from the image rather than the merge request's branch.
COPY --chmod=755 ci/gitlab/approvals.sh /usr/local/bin/cabinet-gitlab-approvals
USER cabinet
# The repository is mounted here; git refuses repositories owned by another user otherwise.
RUN git config --global --add safe.directory '*'
ENTRYPOINT ["cabinet"]
