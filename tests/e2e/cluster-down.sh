#!/usr/bin/env bash
# Deletes the e2e kind cluster.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_tools kind
kind delete cluster --name "${E2E_CLUSTER}"
