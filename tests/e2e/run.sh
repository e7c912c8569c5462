#!/usr/bin/env bash
# The whole kind e2e run: build the images, create the cluster (kind-config.yaml), load the images, install the
# chart, run the nginx example, delete the cluster (KEEP_CLUSTER=1 keeps it). Prints SKIP and exits 0 where
# docker, kind, helm or kubectl are missing. See docs/operations.md, "End-to-end test on kind".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${here}/lib.sh"
require_tools docker kind helm kubectl

cleanup() {
  local status=$?
  if [ "${status}" -ne 0 ]; then
    log "failed; the operator's log and the example's state:"
    k -n "${E2E_OPERATOR_NS}" logs deploy/kubesync --tail=200 || true
    k -n "${E2E_NS}" get syncgroups,pods,deploy -o wide || true
    k -n "${E2E_NS}" describe syncgroup web-conf || true
  fi
  if [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    "${here}/cluster-down.sh" || true
  fi
  exit "${status}"
}

"${here}/build-images.sh"
trap cleanup EXIT
"${here}/cluster-up.sh"
"${here}/nginx-sync.sh"
