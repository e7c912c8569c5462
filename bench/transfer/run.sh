#!/usr/bin/env bash
# Transfer benchmark: kubesync against an rsync daemon and csync2 -x, all on loopback, side by side
# (issue 3, "How it is measured"). See README.md beside this file for what it measures and the targets.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/transfer/run.sh [--runs N] [--initial-runs N] [--only SCENARIO] [--tree DIR] [--work DIR] [--results DIR] [--no-install]

Three scenarios, each tool once per round, rounds interleaved so drift hits every tool alike:
  initial   the Linux 6.1 source tree to an empty receiver
  files100  100 files changed across that tree (run after initial: the receivers hold the tree)
  bigfile   1 MiB changed in the middle of a 1 GiB file; the tools take turns going first (round 1
            rsync, csync2, kubesync; round 2 csync2, kubesync, rsync; ...): on a virtual machine
            the tool that writes its 1 GiB right after another tool freed the old copy's pages
            is faster, so a fixed order favours one tool. Use a multiple of 3 for --runs.
Each timed command ends when the receiver holds the data: rsync and csync2 -x exit after the
transfer; `kubesync sync` (one-shot) exits when the receiving daemon has acknowledged every file,
which it does only after the files are durable. A `sync` timed right after each command gives the
time until the receiver's data is on disk for every tool alike (rsync and csync2 leave it to the
kernel's writeback; kubesync's is already there). Bytes on the wire are loopback bytes (both
directions, headers included) counted by the kernel during the command.

  --runs N          rounds for files100 and bigfile (default 5, env KUBESYNC_BENCH_RUNS)
  --initial-runs N  rounds for initial (default 3: csync2 alone needs minutes per round)
  --only S          run one scenario (initial, files100, bigfile); files100 needs initial's receivers
  --tree DIR        source tree instead of the kernel (a quick trial of the script; not for figures)
  --big-mib N       size of the big file (default 1024; smaller only for trials)
  --work DIR        work directory (default bench/.work, shared with bench/scan)
  --results DIR     where results go (default bench/results)
  --no-install      do not apt-get install missing tools; fail instead
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)

runs=${KUBESYNC_BENCH_RUNS:-5}
initial_runs=3
only=""
work=${KUBESYNC_BENCH_WORK:-$repo/bench/.work}
results_root=${KUBESYNC_BENCH_RESULTS:-$repo/bench/results}
# kubesync reads KUBESYNC_* variables as configuration (an unknown key is an error): the benchmark's own stay here.
unset "${!KUBESYNC_BENCH_@}"
install=1
tree_override=""
big_mib=1024

while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --initial-runs) initial_runs=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --tree) tree_override=$2; shift 2 ;;
        --big-mib) big_mib=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --results) results_root=$2; shift 2 ;;
        --no-install) install=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

for n in "$runs" "$initial_runs"; do
    [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 )) || { echo "run.sh: run counts must be whole numbers >= 1, got '$n'" >&2; exit 2; }
done
case $only in ""|initial|files100|bigfile) ;; *) echo "run.sh: --only takes initial, files100 or bigfile, not '$only'" >&2; exit 2 ;; esac

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
kernel_tarball=/usr/src/linux-source-6.1.tar.xz
csync2_bin=/usr/sbin/csync2

ensure_packages() {
    local missing=()
    [[ -x $csync2_bin ]] || missing+=(csync2)
    command -v rsync >/dev/null || missing+=(rsync)
    [[ -f $kernel_tarball ]] || missing+=(linux-source-6.1)
    command -v xz >/dev/null || missing+=(xz-utils)
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
[[ $(id -u) -eq 0 ]] || die "run as root: the rsync daemon and csync2 write files owned by the tree's owner (root)"

mkdir -p "$work"
work=$(cd "$work" && pwd)
tree=$work/linux-source-6.1
t=$work/transfer

if [[ -n $tree_override ]]; then
    tree=$(cd "$tree_override" && pwd)
    t=$work/transfer-trial
elif [[ ! -f $work/.tree-unpacked ]]; then
    log "Unpacking $kernel_tarball into $work (once)"
    rm -rf "$tree"
    tar -xJf "$kernel_tarball" -C "$work"
    [[ -d $tree ]] || die "expected $tree after unpacking $kernel_tarball"
    touch "$work/.tree-unpacked"
fi

# A full run keeps every receiver it replaces until the end (deleting one just before the next round would slow
# that round: see README.md), so it needs room for three copies of the tree per initial round and five of the big
# file. Checked up front: a disk that fills up halfway loses the run.
tree_kib=$(du -sk "$tree" | cut -f1)
need_kib=$(( (big_mib * 1024 * 5) + (1024 * 1024) ))
[[ -z $only || $only == initial ]] && need_kib=$(( need_kib + (tree_kib * 3 * initial_runs) ))
free_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
(( free_kib >= need_kib )) || die "needs about $(( need_kib / 1048576 + 1 )) GiB free under $work, $(( free_kib / 1048576 )) GiB are (old receivers moved aside by hand?)"

log "Publishing kubesync (Release, Native AOT)"
dotnet publish "$repo/src/KubeSync.Sidecar" -c Release -r linux-x64 -o "$work/kubesync" --nologo -v quiet >/dev/null
kubesync=$work/kubesync/kubesync
[[ -x $kubesync ]] || die "dotnet publish did not produce $kubesync"

# ---------------------------------------------------------------------------------------------
# Layout: one receiver directory per tool and scenario; the sources are shared.
#   kernel: $tree                  -> $t/<tool>/kernel
#   big:    $t/big-src (big.bin)   -> $t/<tool>/big
# ---------------------------------------------------------------------------------------------
rsync_port=30871 csync2_port=30872 ks_kernel_port=30873 ks_big_port=30874
mkdir -p "$t"/{rsync,csync2,kubesync}/{kernel,big} "$t/big-src" "$t/run" "$t/cs-sys" "$t/cs-db-a" "$t/cs-db-b"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$results_root/transfer-$stamp
mkdir -p "$results"
samples=$results/samples.tsv
printf 'scenario\tround\ttool\tseconds\twire_bytes\tsync_seconds\n' >"$samples"

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$t/trash"
}

# A receiver is emptied by moving it aside; the copies are deleted only at the end. ext4 passes over inodes
# freed in the last minutes when it allocates new ones, and deleting a 78,000-file copy right before a run
# made the next run (of whichever tool came next) up to twice as slow.
fresh() { # dir: make it a new empty directory
    mkdir -p "$t/trash"
    [[ -e $1 ]] && mv "$1" "$t/trash/$(basename "$1").$(date +%s%N)"
    mkdir -p "$1"
}
trap cleanup EXIT

# rsync daemon: one module per scenario, written as root so owners and modes survive.
cat >"$t/rsyncd.conf" <<EOF
# With a chroot rsyncd keeps symlink targets as they are; without one it rewrites ("munges", "sanitizes") them.
use chroot = yes
uid = root
gid = root
pid file = $t/run/rsyncd.pid
[kernel]
    path = $t/rsync/kernel
    read only = false
[big]
    path = $t/rsync/big
    read only = false
EOF
rsync --daemon --no-detach --config="$t/rsyncd.conf" --address=127.0.0.1 --port=$rsync_port --log-file="$t/run/rsyncd.log" &
pids+=($!)

# csync2: two instances on loopback, 127.0.0.1 sends and 127.0.0.2 receives; a prefix maps the same
# group to a different directory per host, so both can live on one machine. Each scenario has a config of its
# own (-C), with its own databases and server port: `csync2 -x` checks every group of its config, so with one
# config the kernel rounds also hashed the big file, and wiping the kernel databases for a fresh receiver left
# the big copy unknown to both sides, a conflict ("File is also marked dirty here") at the next big round.
[[ -f $t/cs-sys/csync2.key ]] || CSYNC2_SYSTEM_DIR=$t/cs-sys "$csync2_bin" -k "$t/cs-sys/csync2.key"
cs_config() { # scenario group, sender directory, receiver directory
    cat >"$t/cs-sys/csync2_$1.cfg" <<EOF
nossl * *;
group $1
{
    host 127.0.0.1 127.0.0.2;
    key $t/cs-sys/csync2.key;
    include %$1%;
}
prefix $1
{
    on 127.0.0.1: $2;
    on 127.0.0.2: $3;
}
EOF
    mkdir -p "$t/cs-db-a/$1" "$t/cs-db-b/$1"
}
cs_config kernel "$tree" "$t/csync2/kernel"
cs_config big "$t/big-src" "$t/csync2/big"
cs_port() { [[ $1 == kernel ]] && echo $csync2_port || echo $((csync2_port + 10)); }
cs_a() { # scenario, csync2 arguments...
    local s=$1
    shift
    CSYNC2_SYSTEM_DIR=$t/cs-sys "$csync2_bin" -C "$s" -N 127.0.0.1 -p "$(cs_port "$s")" -D "$t/cs-db-a/$s" "$@"
}
declare -A cs_server=()
cs_server_start() { # scenario
    port_free "$(cs_port "$1")" 127.0.0.2
    CSYNC2_SYSTEM_DIR=$t/cs-sys "$csync2_bin" -C "$1" -ii -N 127.0.0.2 -p "$(cs_port "$1")" -D "$t/cs-db-b/$1" >>"$t/run/csync2-b-$1.log" 2>&1 &
    cs_server[$1]=$!
    pids+=("${cs_server[$1]}")
    wait_port "$(cs_port "$1")" 127.0.0.2
}
cs_server_stop() { # scenario
    local p=${cs_server[$1]:-}
    [[ -n $p ]] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
    cs_server[$1]=""
}

# kubesync: a receiving daemon per scenario (B) and one-shot `kubesync sync` runs on the sender (A),
# with mutual TLS as in production.
if [[ ! -f $t/certs/ca.crt ]]; then
    "$kubesync" cert "$t/certs" --group bench --node bench-a --node bench-b --ip 127.0.0.1 >/dev/null
    "$kubesync" keygen "$t/certs/group.key" --force >/dev/null
fi
ks_config() { # file, node, listen-port, group, root, state, peer=host:port
    cat >"$1" <<EOF
node: $2
listen: 127.0.0.1:$3
admin: "off"
insecure: false
tls: {cert: $t/certs/$2/tls.crt, key: $t/certs/$2/tls.key, ca: $t/certs/ca.crt}
keyFile: $t/certs/group.key
groups:
  - name: $4
    root: $5
    stateDir: $6
    peers: {static: ["$7"]}
EOF
}
ks_config "$t/a-kernel.yaml" bench-a 30875 kernel "$tree" "$t/state/a-kernel" "bench-b=127.0.0.1:$ks_kernel_port"
ks_config "$t/b-kernel.yaml" bench-b $ks_kernel_port kernel "$t/kubesync/kernel" "$t/state/b-kernel" "bench-a=127.0.0.1:30875"
ks_config "$t/a-big.yaml" bench-a 30876 big "$t/big-src" "$t/state/a-big" "bench-b=127.0.0.1:$ks_big_port"
ks_config "$t/b-big.yaml" bench-b $ks_big_port big "$t/kubesync/big" "$t/state/b-big" "bench-a=127.0.0.1:30876"
declare -A ks_daemon=()
ks_daemon_start() { # scenario
    port_free "$([[ $1 == big ]] && echo $ks_big_port || echo $ks_kernel_port)"
    "$kubesync" --config "$t/b-$1.yaml" run >>"$t/run/kubesync-b-$1.log" 2>&1 &
    ks_daemon[$1]=$!
    pids+=("${ks_daemon[$1]}")
    local port=$ks_kernel_port
    [[ $1 == big ]] && port=$ks_big_port
    wait_port "$port"
}
ks_daemon_stop() {
    local p=${ks_daemon[$1]:-}
    [[ -n $p ]] && { kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
    ks_daemon[$1]=""
}

port_free() { # port [address]: stops the run if something already listens there (a daemon left by another run)
    if (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; then
        die "something already listens on ${2:-127.0.0.1}:$1 (a daemon left by an earlier run?); stop it first"
    fi
}
wait_port() { # port [address]: until something accepts there (30 s at most)
    local i address=${2:-127.0.0.1}
    for i in $(seq 1 300); do
        (exec 3<>"/dev/tcp/$address/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    die "nothing listens on $address:$1 after 30 s"
}

lo_bytes() { awk -F"[: ]+" '$2 == "lo" { printf "%.0f\n", $3 + $11 }' /proc/net/dev; }

timed() { # scenario, round, tool, command...: runs it, records seconds, loopback bytes and the sync after it
    local scenario=$1 round=$2 tool=$3
    shift 3
    local b0 b1 t0 t1 t2
    # Untimed: no tool starts while the page cache still holds another tool's unwritten data (csync2 and rsync
    # leave theirs to the kernel; writing it back would slow whichever tool comes next).
    sync
    b0=$(lo_bytes)
    t0=$(date +%s.%N)
    "$@" >>"$results/$tool.out" 2>>"$results/stderr.log" || die "$tool failed in $scenario round $round: $* (see $results/stderr.log)"
    t1=$(date +%s.%N)
    b1=$(lo_bytes)
    # Timed apart: how long the receiver's data still needed to reach the disk once the command had returned.
    sync
    t2=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$round" "$tool" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$((b1 - b0))" \
        "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')" | tee -a "$samples" >&2
}

# Every receiver must end identical to the source: same names, types, sizes, file mtimes, modes, owners,
# links (directory mtimes change as entries land, in every tool).
verify() { # tool, source, receiver
    local out lenient=()
    # csync2 does not set a symlink's own mtime (rsync and kubesync do); that alone is not a failed transfer.
    [[ $1 == csync2 ]] && lenient=(--omit-link-times)
    out=$(rsync -ani --omit-dir-times "${lenient[@]}" --delete "$2/" "$3/" | head -5)
    [[ -z $out ]] || die "$1: the receiver differs from the source after the transfer:\n$out"
}

# Gives files a new mtime in a new whole second (csync2 compares seconds).
next_second() {
    local now last f=$t/run/stamp
    now=$(date +%s); last=$(cat "$f" 2>/dev/null || echo 0)
    echo $(( now > last ? now : last + 1 )) | tee "$f"
}

# ---------------------------------------------------------------------------------------------
# Scenario: the kernel tree to an empty receiver
# ---------------------------------------------------------------------------------------------
scenario_initial() {
    local r
    for r in $(seq 1 "$initial_runs"); do
        log "initial, round $r of $initial_runs"
        fresh "$t/rsync/kernel"
        timed initial "$r" rsync rsync -a "$tree/" "rsync://127.0.0.1:$rsync_port/kernel/"
        verify rsync "$tree" "$t/rsync/kernel"

        cs_server_stop kernel
        fresh "$t/csync2/kernel"
        rm -rf "$t/cs-db-a/kernel" "$t/cs-db-b/kernel" && mkdir -p "$t/cs-db-a/kernel" "$t/cs-db-b/kernel"
        cs_server_start kernel
        cs_a kernel -cr "$tree" # untimed: marks the whole tree dirty for the receiver
        timed initial "$r" csync2 cs_a kernel -x
        verify csync2 "$tree" "$t/csync2/kernel"

        ks_daemon_stop kernel
        fresh "$t/kubesync/kernel"
        rm -rf "$t/state/a-kernel" "$t/state/b-kernel"
        ks_daemon_start kernel
        "$kubesync" --config "$t/a-kernel.yaml" check >/dev/null # untimed: records the tree, dirty for bench-b
        timed initial "$r" kubesync "$kubesync" --config "$t/a-kernel.yaml" sync --timeout 60m
        verify kubesync "$tree" "$t/kubesync/kernel"
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario: 100 files changed across the tree (the receivers hold the tree from `initial`)
# ---------------------------------------------------------------------------------------------
scenario_files100() {
    [[ -n $(ls -A "$t/kubesync/kernel" 2>/dev/null) ]] || die "files100 needs the receivers that 'initial' fills; run it first"
    [[ -n ${ks_daemon[kernel]:-} ]] || ks_daemon_start kernel
    [[ -n ${cs_server[kernel]:-} ]] || cs_server_start kernel
    local list=$t/run/files100.txt
    # Every k-th C file in byte order, so the changes spread over the tree.
    find "$tree" -type f -name '*.c' -printf '%P\n' | LC_ALL=C sort >"$list.all"
    awk -v n="$(wc -l <"$list.all")" 'BEGIN { step = int(n / 100) } (NR - 1) % step == 0 && c < 100 { print; c++ }' "$list.all" >"$list"
    [[ $(wc -l <"$list") -eq 100 ]] || die "could not pick 100 .c files from $tree"
    local r f s
    for r in $(seq 1 "$runs"); do
        log "files100, round $r of $runs"
        s=$(next_second)
        while IFS= read -r f; do
            printf '/* kubesync transfer benchmark, round %s */\n' "$r" >>"$tree/$f"
            touch -m -d "@$s" "$tree/$f"
        done <"$list"
        timed files100 "$r" rsync rsync -a "$tree/" "rsync://127.0.0.1:$rsync_port/kernel/"
        timed files100 "$r" csync2 cs_a kernel -x
        timed files100 "$r" kubesync "$kubesync" --config "$t/a-kernel.yaml" sync --timeout 10m
        verify rsync "$tree" "$t/rsync/kernel"
        verify csync2 "$tree" "$t/csync2/kernel"
        verify kubesync "$tree" "$t/kubesync/kernel"
    done
}

# ---------------------------------------------------------------------------------------------
# Scenario: 1 MiB changed in the middle of a 1 GiB file
# ---------------------------------------------------------------------------------------------
scenario_bigfile() {
    local big=$t/big-src/big.bin
    local size=$(( big_mib * 1048576 ))
    if [[ ! -f $big ]] || (( $(stat -c %s "$big") != size )); then
        log "Writing a $big_mib MiB random file (once)"
        head -c "$size" /dev/urandom >"$big.tmp" && mv "$big.tmp" "$big"
    fi
    log "bigfile: first copies (untimed)"
    # A receiver's copy that neither csync2 database knows (new or wiped databases) would meet the first copy as a
    # conflict; it starts from nothing instead.
    [[ -n $(ls -A "$t/cs-db-b/big") ]] || fresh "$t/csync2/big"
    [[ -n ${ks_daemon[big]:-} ]] || ks_daemon_start big
    [[ -n ${cs_server[big]:-} ]] || cs_server_start big
    rsync -a "$t/big-src/" "rsync://127.0.0.1:$rsync_port/big/"
    cs_a big -x
    "$kubesync" --config "$t/a-big.yaml" sync --timeout 10m >/dev/null
    local r s k tools=(rsync csync2 kubesync)
    for r in $(seq 1 "$runs"); do
        log "bigfile, round $r of $runs"
        s=$(next_second)
        dd if=/dev/urandom of="$big" bs=1M count=1 seek=$(( big_mib / 2 )) conv=notrunc status=none
        touch -m -d "@$s" "$big"
        for k in 0 1 2; do
            case ${tools[$(( (r - 1 + k) % 3 ))]} in
                rsync) timed bigfile "$r" rsync rsync -a "$t/big-src/" "rsync://127.0.0.1:$rsync_port/big/" ;;
                csync2) timed bigfile "$r" csync2 cs_a big -x ;;
                kubesync) timed bigfile "$r" kubesync "$kubesync" --config "$t/a-big.yaml" sync --timeout 10m ;;
            esac
        done
        verify rsync "$t/big-src" "$t/rsync/big"
        verify csync2 "$t/big-src" "$t/csync2/big"
        verify kubesync "$t/big-src" "$t/kubesync/big"
        cmp -s "$big" "$t/kubesync/big/big.bin" || die "kubesync: big.bin differs in content"
    done
}

case $only in
    "") scenario_initial; scenario_files100; scenario_bigfile ;;
    initial) scenario_initial ;;
    files100) scenario_files100 ;;
    bigfile) scenario_bigfile ;;
esac

# ---------------------------------------------------------------------------------------------
# Medians and ratios
# ---------------------------------------------------------------------------------------------
python3 - "$samples" "$results/table.md" "$results/summary.json" <<'EOF'
import csv, json, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
out, summary = [], {}
out.append("| scenario | tool | runs | median time | min–max | median wire bytes | time ÷ rsync | bytes ÷ rsync | median until durable | durable ÷ rsync's |")
out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for scenario in dict.fromkeys(r["scenario"] for r in rows):
    med = {}
    for tool in ("rsync", "csync2", "kubesync"):
        s = [r for r in rows if r["scenario"] == scenario and r["tool"] == tool]
        if not s:
            continue
        secs = [float(r["seconds"]) for r in s]
        wire = [int(r["wire_bytes"]) for r in s]
        # The command's time plus the sync right after it, per round: until the receiver's data is on disk.
        durable = [float(r["seconds"]) + float(r["sync_seconds"]) for r in s]
        med[tool] = (statistics.median(secs), statistics.median(wire), min(secs), max(secs), len(s), statistics.median(durable))
    for tool, (sec, wire, lo, hi, n, dur) in med.items():
        base = med.get("rsync")
        rt = f"{sec / base[0]:.2f}×" if base else ""
        rb = f"{wire / base[1]:.2f}×" if base and base[1] else ""
        rd = f"{dur / base[5]:.2f}×" if base else ""
        out.append(f"| {scenario} | {tool} | {n} | {sec:.2f} s | {lo:.2f}–{hi:.2f} s | {wire / 1e6:.2f} MB | {rt} | {rb} | {dur:.2f} s | {rd} |")
        summary.setdefault(scenario, {})[tool] = {"median_seconds": sec, "median_wire_bytes": wire, "runs": n, "median_seconds_until_durable": dur}
open(sys.argv[2], "w").write("\n".join(out) + "\n")
json.dump(summary, open(sys.argv[3], "w"), indent=2)
print("\n".join(out))
EOF
ln -sfn "$(basename "$results")" "$results_root/transfer-latest"
log "Results in $results"
