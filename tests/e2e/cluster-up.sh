#!/usr/bin/env bash
# Creates the kind cluster (kind-config.yaml) unless it exists, loads the images, installs the chart and waits.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_tools docker kind helm kubectl

if kind get clusters 2>/dev/null | grep -qx "${E2E_CLUSTER}"; then
  log "using the existing kind cluster ${E2E_CLUSTER}"
else
  log "creating the kind cluster ${E2E_CLUSTER} (one control plane, three workers)"
  kind create cluster --name "${E2E_CLUSTER}" --config "${E2E_ROOT}/kind-config.yaml" --wait 180s
fi

log "loading the images into the nodes"
kind load docker-image --name "${E2E_CLUSTER}" "${E2E_OPERATOR_IMAGE}" "${E2E_SIDECAR_IMAGE}"

log "installing the chart"
# The images exist only inside the kind nodes: Never for the operator; the sidecar's tag is not "latest", so the
# kubelet's default (IfNotPresent) uses the loaded image.
helm upgrade --install kubesync "${E2E_ROOT}/charts/kubesync" \
  --kube-context "kind-${E2E_CLUSTER}" \
  --namespace "${E2E_OPERATOR_NS}" --create-namespace \
  --set image.tag="${E2E_TAG}" --set image.pullPolicy=Never \
  --set sidecar.image.tag="${E2E_TAG}" \
  --wait --timeout 5m
k -n "${E2E_OPERATOR_NS}" rollout status deploy/kubesync --timeout=120s
k get crd syncgroups.kubesync.io >/dev/null
