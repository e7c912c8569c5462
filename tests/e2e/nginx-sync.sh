#!/usr/bin/env bash
# The nginx example end to end on a cluster that runs the operator (cluster-up.sh): apply the example, write a
# config through one pod, read it through the others, see nginx reload everywhere, delete the SyncGroup and see
# the sidecar and its objects go.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_tools kubectl

conf_dir=/etc/nginx/conf.d
token="kubesync-e2e-$(date +%s)-$$"

log "applying examples/nginx/syncgroup.yaml in namespace ${E2E_NS}"
k create namespace "${E2E_NS}" --dry-run=client -o yaml | k apply -f -
k -n "${E2E_NS}" apply -f "${E2E_ROOT}/examples/nginx/syncgroup.yaml"
k -n "${E2E_NS}" wait --for=condition=Ready syncgroup/web-conf --timeout=300s
k -n "${E2E_NS}" rollout status deploy/web --timeout=300s

template_containers() {
  k -n "${E2E_NS}" get deploy web -o jsonpath='{.spec.template.spec.initContainers[*].name} {.spec.template.spec.containers[*].name}'
}
[[ " $(template_containers) " == *" kubesync "* ]] || fail "the operator did not add the kubesync sidecar to deploy/web: $(template_containers)"

# The pods of the new template only (a rollout can leave old ones terminating).
mapfile -t pods < <(k -n "${E2E_NS}" get pods -l app=web \
  -o go-template='{{range .items}}{{if not .metadata.deletionTimestamp}}{{.metadata.name}}{{"\n"}}{{end}}{{end}}')
[ "${#pods[@]}" -ge 3 ] || fail "expected 3 pods of deploy/web, found ${#pods[@]}: ${pods[*]}"
writer="${pods[0]}"
log "members: ${pods[*]}; writing ${conf_dir}/e2e.conf through ${writer}"

# Written under a dot name (excluded by the example) and renamed, so the sidecars see one complete file.
k -n "${E2E_NS}" exec "${writer}" -c nginx -- sh -c "cat > ${conf_dir}/.e2e.tmp <<CONF
server {
    listen 8081;
    location / { default_type text/plain; return 200 '${token}\n'; }
}
CONF
mv ${conf_dir}/.e2e.tmp ${conf_dir}/e2e.conf"

has_file() { k -n "${E2E_NS}" exec "$1" -c nginx -- grep -q "${token}" "${conf_dir}/e2e.conf"; }
serves_token() { k -n "${E2E_NS}" exec "$1" -c nginx -- curl -fsS http://127.0.0.1:8081/ | grep -q "${token}"; }

for pod in "${pods[@]}"; do
  wait_for 60 "${conf_dir}/e2e.conf with the new content on ${pod}" has_file "${pod}"
  # The server block answers only after nginx re-read its config: the reload action ran on this member
  # (on the writer through doLocal, on the others after the received batch).
  wait_for 60 "nginx on ${pod} reloaded and serving the new server block" serves_token "${pod}"
  echo "ok: ${pod} has the file and nginx serves it"
done

settled() {
  [ "$(k -n "${E2E_NS}" get syncgroup web-conf -o jsonpath='{.status.dirty}/{.status.conflicts}')" = "0/0" ]
}
wait_for 120 "SyncGroup web-conf reporting dirty 0 and conflicts 0" settled
k -n "${E2E_NS}" exec "${writer}" -c kubesync -- kubesync status --config /etc/kubesync/config/kubesync.yaml
k -n "${E2E_NS}" get syncgroup web-conf

log "deleting the SyncGroup"
k -n "${E2E_NS}" delete syncgroup web-conf --timeout=180s
sidecar_gone_from_template() { [[ " $(template_containers) " != *" kubesync "* ]]; }
wait_for 120 "the kubesync sidecar removed from deploy/web's pod template" sidecar_gone_from_template
k -n "${E2E_NS}" rollout status deploy/web --timeout=300s
no_pod_has_sidecar() {
  ! k -n "${E2E_NS}" get pods -l app=web -o jsonpath='{.items[*].spec.initContainers[*].name} {.items[*].spec.containers[*].name}' | grep -qw kubesync
}
wait_for 180 "no pod of deploy/web running the kubesync sidecar" no_pod_has_sidecar
owned_objects_gone() {
  ! k -n "${E2E_NS}" get configmap/web-conf-kubesync secret/web-conf-kubesync service/web-conf-peers >/dev/null 2>&1
}
wait_for 120 "the SyncGroup's ConfigMap, Secret and peer Service deleted" owned_objects_gone

echo "PASS: nginx example synced, reloaded and cleaned up"
