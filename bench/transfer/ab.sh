#!/usr/bin/env bash
# A/B of the initial sync between two published kubesync builds, interleaved, on one machine: the kernel tree from a
# tmpfs copy to an empty receiving daemon, per round the wall time of the one-shot `kubesync sync` and the CPU of
# the sender and of the receiving daemon. The figures of docs/performance.md's "tmpfs receiver, interleaved" trials.
set -euo pipefail

usage() {
    cat <<'USAGE'
Usage: bench/transfer/ab.sh [options] BUILD_A BUILD_B
  BUILD_A, BUILD_B  directories holding a published kubesync (dotnet publish src/KubeSync.Sidecar -c Release
                    -r linux-x64 -o DIR: Native AOT; add -p:PublishAot=false for the IL on the JIT)
  --rounds N        rounds, each running A then B (default 3)
  --disk DIR        put the receiver's copy and state in DIR (default: a tmpfs at WORK/ab-tmpfs)
  --work DIR        where the tmpfs and the configs go (default bench/.work; the kernel tree is unpacked there
                    by bench/transfer/run.sh first)
Needs root (the tmpfs mount). Set DOTNET_* variables in the environment to try runtime knobs on both builds.
USAGE
}

repo=$(cd "$(dirname "$0")/../.." && pwd)
rounds=3 disk="" work=$repo/bench/.work
builds=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --disk) disk=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) builds+=("$1"); shift ;;
    esac
done
[[ ${#builds[@]} -eq 2 ]] || { usage >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "ab.sh: run as root (it mounts a tmpfs)" >&2; exit 1; }
tree=$work/linux-source-6.1
[[ -d $tree ]] || { echo "ab.sh: no kernel tree at $tree; run bench/transfer/run.sh --only initial --initial-runs 1 first" >&2; exit 1; }

tm=$work/ab-tmpfs
mkdir -p "$tm"
mountpoint -q "$tm" || mount -t tmpfs -o size=6g tmpfs "$tm"
src=$tm/src
[[ -d $src ]] || { mkdir -p "$src" && cp -a "$tree/." "$src"; }
recv=${disk:-$tm}
mkdir -p "$recv/old"
c=$work/ab
mkdir -p "$c"
ks=${builds[0]}/kubesync
if [[ ! -f $c/certs/ca.crt ]]; then
    "$ks" cert "$c/certs" --group bench --node bench-a --node bench-b --ip 127.0.0.1 >/dev/null
    "$ks" keygen "$c/certs/group.key" --force >/dev/null
fi
config() { # file node port root state peer
    cat >"$1" <<YAML
node: $2
listen: 127.0.0.1:$3
admin: "off"
insecure: false
tls: {cert: $c/certs/$2/tls.crt, key: $c/certs/$2/tls.key, ca: $c/certs/ca.crt}
keyFile: $c/certs/group.key
groups:
  - name: kernel
    root: $4
    stateDir: $5
    peers: {static: ["$6"]}
YAML
}

one() { # build label
    local ks=$1/kubesync
    # On a disk an old copy is moved aside, not deleted: ext4 is slow to create files over inodes it just freed.
    if [[ -n $disk && -d $recv/dst ]]; then
        mv "$recv/dst" "$recv/old/dst-$RANDOM$RANDOM"
    else
        rm -rf "$recv/dst"
    fi
    rm -rf "$tm/sa" "$recv/sb"
    mkdir -p "$recv/dst"
    config "$c/a.yaml" bench-a 31875 "$src" "$tm/sa" bench-b=127.0.0.1:31873
    config "$c/b.yaml" bench-b 31873 "$recv/dst" "$recv/sb" bench-a=127.0.0.1:31875
    "$ks" --config "$c/b.yaml" run >"$c/b.log" 2>&1 &
    local b=$! _
    for _ in $(seq 300); do
        grep -q "listening" "$c/b.log" 2>/dev/null && break
        sleep 0.1
    done
    "$ks" --config "$c/a.yaml" check >/dev/null
    sync
    local t0 b0 t1 b1
    b0=$(awk '{print $14 + $15}' "/proc/$b/stat")
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$c/a.time" "$ks" --config "$c/a.yaml" sync --timeout 30m >/dev/null
    t1=$(date +%s.%N)
    b1=$(awk '{print $14 + $15}' "/proc/$b/stat")
    kill -TERM "$b"
    wait "$b" || true
    printf '%s\twall %.2f s\tsender CPU %.2f s\treceiver CPU %.2f s\n' "$2" "$(echo "$t1 - $t0" | bc)" \
        "$(awk '{print $1 + $2}' "$c/a.time")" "$(echo "($b1 - $b0) / $(getconf CLK_TCK)" | bc -l)"
}

for r in $(seq 1 "$rounds"); do
    one "${builds[0]}" "round $r A"
    one "${builds[1]}" "round $r B"
done
[[ -z $disk ]] || echo "old copies are in $recv/old (delete them when no run follows)" >&2
