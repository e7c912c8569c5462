#!/usr/bin/env bash
# Builds the operator and sidecar images for the e2e run (tag $IMAGE_TAG, default e2e).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_tools docker

log "building ${E2E_OPERATOR_IMAGE} and ${E2E_SIDECAR_IMAGE}"
docker build -f "${E2E_ROOT}/docker/operator.Dockerfile" -t "${E2E_OPERATOR_IMAGE}" "${E2E_ROOT}"
docker build -f "${E2E_ROOT}/docker/sidecar.Dockerfile" -t "${E2E_SIDECAR_IMAGE}" "${E2E_ROOT}"
