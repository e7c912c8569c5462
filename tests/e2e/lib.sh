# Shared by the e2e scripts (sourced, not run). Needs bash 4+.
# shellcheck shell=bash
# The E2E_* variables are used by the scripts that source this file.
# shellcheck disable=SC2034

E2E_CLUSTER="${CLUSTER_NAME:-kubesync-e2e}"
E2E_TAG="${IMAGE_TAG:-e2e}"
E2E_OPERATOR_IMAGE="kubesync/operator:${E2E_TAG}"
E2E_SIDECAR_IMAGE="kubesync/sidecar:${E2E_TAG}"
E2E_OPERATOR_NS="kubesync-system"
E2E_NS="${E2E_NAMESPACE:-kubesync-e2e}"
E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# kubectl against the kind cluster, whatever the current context is.
k() { kubectl --context "kind-${E2E_CLUSTER}" "$@"; }

# Exits 0 with a SKIP line when a tool the run needs is missing, so that callers can tell "not run" from "failed".
require_tools() {
  local missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "SKIP: the kind e2e test needs ${missing[*]} on PATH (see docs/operations.md, \"End-to-end test on kind\")"
    exit 0
  fi
  if [[ " $* " == *" docker "* ]] && ! docker info >/dev/null 2>&1; then
    echo "SKIP: docker is installed but its daemon does not answer (docker info failed)"
    exit 0
  fi
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 2 s until it succeeds; fails after SECONDS.
wait_for() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "timed out after ${limit} s waiting for: ${what}"
    fi
    sleep 2
  done
}
