#!/usr/bin/env bash
# Live-sync benchmark: change-to-replica latency, a burst of small files, and an idle member's footprint;
# kubesync against lsyncd and clsync, all on loopback, side by side (issue 4, "How it is measured").
# See README.md beside this file for what it measures, each tool's invocation and the targets.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/latency/run.sh [--samples N] [--burst-runs N] [--files N] [--only SECTION] [--work DIR] [--results DIR] [--no-install]

Three sections; latency and burst run one tool at a time (only that tool's processes are alive), A -> B and C:
  latency    a 100-byte file created on A (plain create+write+close, new name and content per sample);
             time until it reads back with that content on B and on C; p50/p95/p99 per tool and replica
  burst      2000 files of 100 bytes written on A as fast as possible; time until B and C hold all of them
  footprint  an idle kubesync member tracking a tree of --files files (after its first scan, and after a
             restart on its state), and lsyncd and clsync watching the same tree: RSS and CPU over 10 s

  --samples N      latency samples per tool (default 200, after 5 unrecorded warm-up samples)
  --burst-runs N   burst runs per tool (default 5; the table shows the median)
  --burst-files N  files per burst (default 2000)
  --files N        size of the footprint tree (default 100000; generated once under the work directory)
  --only S         run one section: latency, burst or footprint
  --tools LIST     comma-separated subset of kubesync,lsyncd,clsync (default all three)
  --work DIR       work directory (default bench/.work, shared with the other benchmarks)
  --results DIR    where results go (default bench/results)
  --no-install     do not apt-get install missing tools; fail instead
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)

samples_n=200
burst_runs=5
burst_files=2000
fp_files=100000
only=""
tools_list=kubesync,lsyncd,clsync
work=${KUBESYNC_BENCH_WORK:-$repo/bench/.work}
results_root=${KUBESYNC_BENCH_RESULTS:-$repo/bench/results}
# kubesync reads KUBESYNC_* variables as configuration (an unknown key is an error): the benchmark's own stay here.
unset "${!KUBESYNC_BENCH_@}"
install=1

while [[ $# -gt 0 ]]; do
    case $1 in
        --samples) samples_n=$2; shift 2 ;;
        --burst-runs) burst_runs=$2; shift 2 ;;
        --burst-files) burst_files=$2; shift 2 ;;
        --files) fp_files=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --tools) tools_list=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --results) results_root=$2; shift 2 ;;
        --no-install) install=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

for n in "$samples_n" "$burst_runs" "$burst_files" "$fp_files"; do
    [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 )) || { echo "run.sh: counts must be whole numbers >= 1, got '$n'" >&2; exit 2; }
done
case $only in ""|latency|burst|footprint) ;; *) echo "run.sh: --only takes latency, burst or footprint, not '$only'" >&2; exit 2 ;; esac
IFS=, read -r -a tools <<<"$tools_list"
for tool in "${tools[@]}"; do
    case $tool in kubesync|lsyncd|clsync) ;; *) echo "run.sh: --tools takes kubesync, lsyncd and clsync, not '$tool'" >&2; exit 2 ;; esac
done

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
wants() { [[ -z $only || $only == "$1" ]]; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
ensure_packages() {
    local missing=()
    [[ -x /usr/bin/lsyncd ]] || missing+=(lsyncd)
    [[ -x /usr/bin/clsync ]] || missing+=(clsync)
    command -v rsync >/dev/null || missing+=(rsync)
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    (( install )) || die "missing packages: ${missing[*]} (and --no-install was given)"
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || die "missing packages ${missing[*]}; need root or sudo to install them"
        sudo=(sudo)
    fi
    log "Installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_packages
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed to publish kubesync"
rsync_bin=$(command -v rsync)
probe=(python3 "$script_dir/probe.py")

mkdir -p "$work"
work=$(cd "$work" && pwd)
l=$work/latency

log "Publishing kubesync (Release, Native AOT)"
dotnet publish "$repo/src/KubeSync.Sidecar" -c Release -r linux-x64 -o "$work/kubesync" --nologo -v quiet >/dev/null
kubesync=$work/kubesync/kubesync
[[ -x $kubesync ]] || die "dotnet publish did not produce $kubesync"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$results_root/latency-$stamp
mkdir -p "$results" "$l/run"
samples=$results/samples.tsv
printf 'section\ttool\tround\treplica\tmetric\tvalue\n' >"$samples"

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pids() { # pid...: stops these (and forgets them)
    local p q keep=()
    for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "$@"; do wait "$p" 2>/dev/null || true; done
    for q in "${pids[@]}"; do
        for p in "$@"; do [[ $q == "$p" ]] && continue 2; done
        keep+=("$q")
    done
    pids=("${keep[@]}")
}

wait_http() { # url, seconds: until it answers 200
    local i
    for i in $(seq 1 $(( $2 * 10 ))); do
        curl -fs -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    die "$1 did not answer 200 within $2 s"
}

# kubesync: mutual TLS as in production, default timings, inotify watcher of `kubesync run`.
if [[ ! -f $l/certs/ca.crt ]]; then
    "$kubesync" cert "$l/certs" --group bench --node a --node b --node c --node fp --ip 127.0.0.1 >/dev/null
    "$kubesync" keygen "$l/certs/group.key" --force >/dev/null
fi
ks_config() { # file, node, listen-port, admin-port, root, state, peer...
    local file=$1 node=$2 port=$3 admin=$4 root=$5 state=$6
    shift 6
    local peers="" p
    for p in "$@"; do peers+="${peers:+, }\"$p\""; done
    cat >"$file" <<EOF
node: $node
listen: 127.0.0.1:$port
admin: 127.0.0.1:$admin
insecure: false
tls: {cert: $l/certs/$node/tls.crt, key: $l/certs/$node/tls.key, ca: $l/certs/ca.crt}
keyFile: $l/certs/group.key
groups:
  - name: bench
    root: $root
    stateDir: $state
    peers: {static: [$peers]}
EOF
}

# Per tool: A is written, B and C are replicas; every start begins from empty directories.
tool_pids=()
tool_start() { # tool
    local tool=$1 d=$l/$1
    rm -rf "$d" && mkdir -p "$d"/{a,b,c}
    tool_pids=()
    case $tool in
        kubesync)
            local m admin=30884
            declare -A ports=([a]=30881 [b]=30882 [c]=30883)
            for m in a b c; do
                local peers=() o
                for o in a b c; do [[ $o == "$m" ]] || peers+=("$o=127.0.0.1:${ports[$o]}"); done
                ks_config "$d/$m.yaml" "$m" "${ports[$m]}" "$admin" "$d/$m" "$d/state-$m" "${peers[@]}"
                "$kubesync" --config "$d/$m.yaml" run >"$l/run/kubesync-$m.log" 2>&1 &
                tool_pids+=($!); pids+=($!)
                admin=$(( admin + 1 ))
            done
            for admin in 30884 30885 30886; do wait_http "http://127.0.0.1:$admin/readyz" 60; done
            ;;
        lsyncd)
            # One lsyncd, two sync{} blocks (A -> B, A -> C), each default.rsync with delay 0; -log scarce keeps
            # its per-event log lines out of the measurement (kubesync logs per batch, not per file, at Information).
            cat >"$d/lsyncd.lua" <<EOF
settings { nodaemon = true, insist = true, logfile = "$l/run/lsyncd.log" }
sync { default.rsync, source = "$d/a", target = "$d/b", delay = 0 }
sync { default.rsync, source = "$d/a", target = "$d/c", delay = 0 }
EOF
            lsyncd -log scarce "$d/lsyncd.lua" >>"$l/run/lsyncd.out" 2>&1 &
            tool_pids+=($!); pids+=($!)
            ;;
        clsync)
            # clsync syncs one watch directory to one destination: two instances (A -> B, A -> C), as an
            # administrator would run it; rsyncdirect calls rsync itself, -w0 -t0 -T0 remove every delay.
            local r
            for r in b c; do
                clsync -M rsyncdirect -S "$rsync_bin" -W "$d/a" -D "$d/$r" -w0 -t0 -T0 -Y stderr >>"$l/run/clsync-$r.log" 2>&1 &
                tool_pids+=($!); pids+=($!)
            done
            ;;
    esac
    # Initial sync done: a marker written on A reads back on B and C.
    "${probe[@]}" marker --src "$d/a" --dst "$d/b" --dst "$d/c" --timeout 120 || die "$tool: initial sync did not finish (logs in $l/run)"
}
tool_stop() {
    stop_pids "${tool_pids[@]}"
    tool_pids=()
}

# ---------------------------------------------------------------------------------------------
# Latency and burst, one tool at a time
# ---------------------------------------------------------------------------------------------
if wants latency || wants burst; then
    for tool in "${tools[@]}"; do
        log "$tool: starting A, B, C"
        tool_start "$tool"
        d=$l/$tool
        if wants latency; then
            log "$tool: latency, $samples_n samples (+5 warm-up)"
            "${probe[@]}" latency --tool "$tool" --src "$d/a" --dst "$d/b" --dst "$d/c" \
                --samples "$samples_n" --warmup 5 --out "$samples"
        fi
        if wants burst; then
            for r in $(seq 1 "$burst_runs"); do
                log "$tool: burst of $burst_files files, run $r of $burst_runs"
                "${probe[@]}" burst --tool "$tool" --src "$d/a" --dst "$d/b" --dst "$d/c" \
                    --files "$burst_files" --run "$r" --timeout 60 --out "$samples"
                sleep 1
            done
        fi
        tool_stop
    done
fi

# ---------------------------------------------------------------------------------------------
# Footprint: an idle member over a tree of small files
# ---------------------------------------------------------------------------------------------
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
proc_rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
footprint_measure() { # label, pid, ready-seconds: RSS every second and CPU over 10 s, after 2 s to settle
    local label=$1 pid=$2 ready=$3 c0 c1 i hz
    hz=$(getconf CLK_TCK)
    sleep 2
    c0=$(proc_cpu_ticks "$pid")
    for i in $(seq 0 10); do
        printf 'footprint\t%s\t%s\t-\trss_mib\t%s\n' "$label" "$i" "$(awk -v k="$(proc_rss_kib "$pid")" 'BEGIN { printf "%.1f", k / 1024 }')" >>"$samples"
        (( i < 10 )) && sleep 1
    done
    c1=$(proc_cpu_ticks "$pid")
    printf 'footprint\t%s\t-\t-\tcpu_percent\t%s\n' "$label" "$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz / 10 * 100 }')" >>"$samples"
    printf 'footprint\t%s\t-\t-\tready_s\t%s\n' "$label" "$ready" >>"$samples"
    printf 'footprint\t%s\t-\t-\tfiles\t%s\n' "$label" "$fp_files" >>"$samples"
    tail -n 13 "$samples" | grep -E 'rss_mib|cpu_percent' | tail -n 2 >&2
}

if wants footprint; then
    tree=$l/tree-$fp_files
    if [[ ! -f $tree.done ]]; then
        log "Generating $fp_files small files in $tree (once)"
        rm -rf "$tree"
        python3 - "$tree" "$fp_files" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for k in range(n):
    d = os.path.join(root, f"d{k // 1000:03d}", f"e{k // 100 % 10}")
    if k % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{k:06d}.txt"), "wb") as f:
        f.write(f"file {k} ".encode().ljust(99, b".") + b"\n")
EOF
        touch "$tree.done"
    fi
    find "$tree" -type f -exec cat {} + >/dev/null  # warm the page cache

    fp=$l/footprint
    rm -rf "$fp" && mkdir -p "$fp"
    # No peers: the member is ready after its first scan; a peerless member still runs every loop (watcher,
    # rescan timer, listener, admin endpoint).
    ks_config "$fp/fp.yaml" fp 30888 30887 "$tree" "$fp/state"
    for phase in first-scan restart; do
        [[ " ${tools[*]} " == *" kubesync "* ]] || break
        log "kubesync footprint ($phase), $fp_files files"
        t0=$(date +%s.%N)
        "$kubesync" --config "$fp/fp.yaml" run >"$l/run/kubesync-fp-$phase.log" 2>&1 &
        p=$!
        pids+=("$p")
        wait_http "http://127.0.0.1:30887/readyz" 600
        ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
        footprint_measure "kubesync ($phase)" "$p" "$ready"
        stop_pids "$p"
    done

    # lsyncd and clsync watch the same tree, syncing it to a local target; idle after their startup rsync.
    for tool in "${tools[@]}"; do
        [[ $tool == kubesync ]] && continue
        log "$tool footprint, $fp_files files"
        rm -rf "$fp/$tool-target" && mkdir -p "$fp/$tool-target"
        t0=$(date +%s.%N)
        if [[ $tool == lsyncd ]]; then
            cat >"$fp/lsyncd.lua" <<EOF
settings { nodaemon = true, insist = true, logfile = "$l/run/lsyncd-fp.log" }
sync { default.rsync, source = "$tree", target = "$fp/lsyncd-target", delay = 0 }
EOF
            lsyncd -log scarce "$fp/lsyncd.lua" >>"$l/run/lsyncd-fp.out" 2>&1 &
        else
            clsync -M rsyncdirect -S "$rsync_bin" -W "$tree" -D "$fp/clsync-target" -w0 -t0 -T0 -Y stderr >>"$l/run/clsync-fp.log" 2>&1 &
        fi
        p=$!
        pids+=("$p")
        "${probe[@]}" marker --src "$tree" --dst "$fp/$tool-target" --timeout 600 || die "$tool: initial sync of the tree did not finish"
        ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
        footprint_measure "$tool" "$p" "$ready"
        stop_pids "$p"
        rm -f "$tree"/.bench-marker-*
    done
fi

# ---------------------------------------------------------------------------------------------
# Percentiles, medians, footprint
# ---------------------------------------------------------------------------------------------
versions=$(printf '{"kubesync": "%s", "lsyncd": "%s", "clsync": "%s", "rsync": "%s", "cores": %s}' \
    "$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src || echo -dirty)" \
    "$(lsyncd -version 2>&1 | awk '{ print $2; exit }')" \
    "$(clsync -V 2>&1 | awk 'NR == 1 { print $3 }')" \
    "$(rsync --version | awk 'NR == 1 { print $3 }')" "$(nproc)")
python3 - "$samples" "$results/table.md" "$results/summary.json" "$versions" "$(cat /proc/loadavg)" <<'EOF'
import csv, json, statistics, sys

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
meta = json.loads(sys.argv[4]) | {"loadavg_at_end": sys.argv[5]}
out, summary = [], {"meta": meta, "latency": {}, "burst": {}, "footprint": {}}

def pct(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    return v[lo] + (v[min(lo + 1, len(v) - 1)] - v[lo]) * (k - lo)

def num(r):
    return None if r["value"] == "timeout" else float(r["value"])

tools = list(dict.fromkeys(r["tool"] for r in rows))
lat = [r for r in rows if r["section"] == "latency"]
if lat:
    out += ["## Change-to-replica latency (ms)", "",
            "| tool | replica | samples | timeouts | p50 | p95 | p99 | max |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for tool in tools:
        mine = [r for r in lat if r["tool"] == tool]
        if not mine:
            continue
        per = {}
        for r in mine:
            per.setdefault(r["replica"], {})[r["round"]] = num(r)
        rounds = sorted(set().union(*[p.keys() for p in per.values()]), key=int)
        # "both": the sample is done when the last replica has it.
        per["both"] = {k: (None if any(p.get(k) is None for p in list(per.values())) else max(p[k] for p in per.values()))
                       for k in rounds}
        for replica, values in per.items():
            ok = [v for v in values.values() if v is not None]
            s = {"samples": len(values), "timeouts": len(values) - len(ok)}
            if ok:
                s |= {f"p{p}": round(pct(ok, p), 2) for p in (50, 95, 99)} | {"max": round(max(ok), 2)}
            summary["latency"].setdefault(tool, {})[replica] = s
            cells = [f"{s[k]:.1f}" if k in s else "–" for k in ("p50", "p95", "p99", "max")]
            out.append(f"| {tool} | {replica} | {s['samples']} | {s['timeouts']} | " + " | ".join(cells) + " |")
    out += ["", "Targets (kubesync, both replicas): p50 ≤ 30 ms, p99 ≤ 100 ms.", ""]

burst = [r for r in rows if r["section"] == "burst"]
if burst:
    out += ["## Burst of small files (seconds until the replica holds all)", "",
            "| tool | runs | B median | C median | both median | both min–max | writing on A (median) |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for tool in tools:
        mine = [r for r in burst if r["tool"] == tool]
        if not mine:
            continue
        runs = sorted({r["round"] for r in mine}, key=int)
        get = lambda run, replica, metric: next((num(r) for r in mine if r["round"] == run and r["replica"] == replica and r["metric"] == metric), None)
        b = [get(k, "B", "ms") for k in runs]
        c = [get(k, "C", "ms") for k in runs]
        both = [None if x is None or y is None else max(x, y) for x, y in zip(b, c)]
        w = [get(k, "-", "write_ms") for k in runs]
        med = lambda xs: statistics.median([x for x in xs if x is not None]) / 1000 if any(x is not None for x in xs) else None
        s = {"runs": len(runs), "timeouts": sum(x is None for x in both), "B_median_s": med(b), "C_median_s": med(c),
             "both_median_s": med(both), "write_median_s": med(w), "both_s": [None if x is None else x / 1000 for x in both]}
        summary["burst"][tool] = s
        f = lambda x: "–" if x is None else f"{x:.2f} s"
        okb = [x for x in both if x is not None]
        span = f"{min(okb) / 1000:.2f}–{max(okb) / 1000:.2f} s" if okb else "–"
        timeouts = f" ({s['timeouts']} incomplete)" if s["timeouts"] else ""
        out.append(f"| {tool} | {len(runs)}{timeouts} | {f(s['B_median_s'])} | {f(s['C_median_s'])} | {f(s['both_median_s'])} | {span} | {f(s['write_median_s'])} |")
    out += ["", "Target (kubesync, both replicas): ≤ 1.5 s.", ""]

fp = [r for r in rows if r["section"] == "footprint"]
if fp:
    out += ["## Footprint of an idle member", "",
            "| member | files | RSS median | RSS max | CPU over 10 s (% of a core) | start to ready |", "| --- | --- | --- | --- | --- | --- |"]
    for label in dict.fromkeys(r["tool"] for r in fp):
        mine = [r for r in fp if r["tool"] == label]
        rss = [float(r["value"]) for r in mine if r["metric"] == "rss_mib"]
        one = lambda m: next(float(r["value"]) for r in mine if r["metric"] == m)
        s = {"files": int(one("files")), "rss_median_mib": statistics.median(rss), "rss_max_mib": max(rss),
             "cpu_percent": one("cpu_percent"), "ready_s": one("ready_s")}
        summary["footprint"][label] = s
        out.append(f"| {label} | {s['files']} | {s['rss_median_mib']:.1f} MiB | {s['rss_max_mib']:.1f} MiB | {s['cpu_percent']:.2f} % | {s['ready_s']:.1f} s |")
    out += ["", "Targets (kubesync, 100k files): RSS ≤ 80 MiB, idle CPU ≈ 0.", ""]

out += [f"kubesync {meta['kubesync']}, lsyncd {meta['lsyncd']}, clsync {meta['clsync']}, rsync {meta['rsync']}, "
        f"{meta['cores']} cores, load average at the end: {meta['loadavg_at_end']}"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
json.dump(summary, open(sys.argv[3], "w"), indent=2)
print("\n".join(out))
EOF
ln -sfn "$(basename "$results")" "$results_root/latency-latest"
log "Results in $results (logs in $l/run)"
