#!/usr/bin/env bash
# Scan benchmark: kubesync check vs csync2 -c on the Linux 6.1 source tree (issue 2,
# "How it is measured"). See README.md beside this file for what it measures and the targets.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/scan/run.sh [--runs N] [--work DIR] [--results DIR] [--no-install]

Times kubesync check against csync2 -c on the Linux 6.1 source tree, side by side:
init (check --init -r / -cIr), a no-change re-check, and a re-check after touching 100 files.
Also measures state database bytes per file and peak RSS.

  --runs N        timed runs per command (default 5, env KUBESYNC_BENCH_RUNS)
  --work DIR      work directory: kernel tree, state, configs, binaries
                  (default bench/.work, env KUBESYNC_BENCH_WORK)
  --results DIR   where results go (default bench/results, env KUBESYNC_BENCH_RESULTS)
  --no-install    do not apt-get install missing tools; fail instead
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)

runs=${KUBESYNC_BENCH_RUNS:-5}
work=${KUBESYNC_BENCH_WORK:-$repo/bench/.work}
results_root=${KUBESYNC_BENCH_RESULTS:-$repo/bench/results}
# kubesync reads KUBESYNC_* variables as configuration (an unknown key is an error): the benchmark's own stay here.
unset "${!KUBESYNC_BENCH_@}"
install=1
touch_count=100

while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --results) results_root=$2; shift 2 ;;
        --no-install) install=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

if ! [[ $runs =~ ^[0-9]+$ ]] || (( runs < 2 )); then
    echo "run.sh: --runs must be a whole number >= 2 (the issue's figures need >= 5), got '$runs'" >&2
    exit 2
fi

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
kernel_tarball=/usr/src/linux-source-6.1.tar.xz

ensure_packages() {
    local missing=()
    command -v csync2 >/dev/null || [[ -x /usr/sbin/csync2 ]] || missing+=(csync2)
    [[ -f $kernel_tarball ]] || missing+=(linux-source-6.1)
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    command -v sqlite3 >/dev/null || missing+=(sqlite3)
    command -v jq >/dev/null || missing+=(jq)
    command -v xz >/dev/null || missing+=(xz-utils)
    [[ -x /usr/bin/time ]] || missing+=(time)
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
csync2_bin=$(command -v csync2 || echo /usr/sbin/csync2)
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed to publish kubesync"

mkdir -p "$work"
work=$(cd "$work" && pwd)
tree=$work/linux-source-6.1
bin=$work/bin
state=$work/state
ks_state=$state/kubesync
cs_sys=$state/csync2-etc    # CSYNC2_SYSTEM_DIR: csync2.cfg and the key, nothing in /etc
cs_db=$state/csync2-db      # csync2 -D: its sqlite database (<hostname>.db3)

# ---------------------------------------------------------------------------------------------
# The kernel tree, unpacked once (a marker file tells a finished unpack from an interrupted one)
# ---------------------------------------------------------------------------------------------
if [[ ! -f $work/.tree-unpacked ]]; then
    log "Unpacking $kernel_tarball into $work (once)"
    rm -rf "$tree"
    tar -xJf "$kernel_tarball" -C "$work"
    [[ -d $tree ]] || die "expected $tree after unpacking $kernel_tarball"
    touch "$work/.tree-unpacked"
fi

# ---------------------------------------------------------------------------------------------
# kubesync, published Release from this checkout
# ---------------------------------------------------------------------------------------------
log "Publishing kubesync (Release, Native AOT)"
# Native AOT, as the image ships it (the project's PublishAot): a CLI run is short, and JIT-compiling the scanner
# on every run cost about a third of its CPU.
dotnet publish "$repo/src/KubeSync.Sidecar" -c Release -r linux-x64 -o "$work/kubesync" --nologo -v quiet >/dev/null
kubesync=$work/kubesync/kubesync
[[ -x $kubesync ]] || die "dotnet publish did not produce $kubesync"

# ---------------------------------------------------------------------------------------------
# Configs and wrappers. The wrappers exec, so /usr/bin/time and hyperfine measure the tool itself.
# ---------------------------------------------------------------------------------------------
mkdir -p "$bin" "$ks_state" "$cs_sys" "$cs_db"

cat >"$work/kubesync.yaml" <<EOF
node: bench-a
groups:
  - name: kernel
    root: $tree
    stateDir: $ks_state
    peers: {static: ["bench-b=127.0.0.1:30865"]}
EOF

# csync2 matches 'host' entries against gethostname(); it uses the database <hostname>.db3 in -D.
# The second host only has to exist so files have a peer to be dirty for; no daemon is needed for -c.
host=$(hostname | tr '[:upper:]' '[:lower:]')
[[ -f $cs_sys/csync2.key ]] || CSYNC2_SYSTEM_DIR=$cs_sys "$csync2_bin" -k "$cs_sys/csync2.key"
cat >"$cs_sys/csync2.cfg" <<EOF
group kernel
{
    host $host bench-b;
    key $cs_sys/csync2.key;
    include $tree;
}
EOF

write_wrapper() { # name, body
    printf '#!/usr/bin/env bash\nset -euo pipefail\n%s\n' "$2" >"$bin/$1"
    chmod +x "$bin/$1"
}
q() { printf '%q' "$1"; }
write_wrapper ks "exec $(q "$kubesync") --config $(q "$work/kubesync.yaml") \"\$@\""
write_wrapper cs "export CSYNC2_SYSTEM_DIR=$(q "$cs_sys"); exec $(q "$csync2_bin") -D $(q "$cs_db") \"\$@\""
write_wrapper ks-reset "rm -f $(q "$ks_state")/state.db $(q "$ks_state")/state.db-wal $(q "$ks_state")/state.db-shm"
write_wrapper cs-reset "rm -f $(q "$cs_db")/*.db3 $(q "$cs_db")/*.db3-journal $(q "$cs_db")/*.db3-wal $(q "$cs_db")/*.db3-shm"

# A fixed list of files to touch: every k-th regular file in byte order, so it spreads over the tree.
touch_list=$work/touch-list.txt
find "$tree" -type f -printf '%P\n' | LC_ALL=C sort >"$work/all-files.txt"
total_files=$(wc -l <"$work/all-files.txt")
awk -v n="$total_files" -v want="$touch_count" -v root="$tree" \
    'BEGIN { step = int(n / want) } (NR - 1) % step == 0 && c < want { print root "/" $0; c++ }' \
    "$work/all-files.txt" >"$touch_list"
[[ $(wc -l <"$touch_list") -eq $touch_count ]] || die "could not pick $touch_count files from $tree"
# Each call gives the files a new mtime in a new whole second (csync2 compares mtime in seconds),
# close to now, as an edit would.
write_wrapper touch-files "
stamp=$(q "$work/touch-stamp")
now=\$(date +%s); last=\$(cat \"\$stamp\" 2>/dev/null || echo 0)
t=\$(( now > last ? now : last + 1 )); echo \"\$t\" >\"\$stamp\"
xargs -d '\\n' touch -c -m -d \"@\$t\" <$(q "$touch_list")"

# ---------------------------------------------------------------------------------------------
# Helpers for measuring
# ---------------------------------------------------------------------------------------------
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$results_root/$stamp
mkdir -p "$results"

peak_rss_kib() { # output-file, command... -> prints peak RSS in KiB; the command's stdout goes to output-file
    local out dest=$1
    shift
    out=$(mktemp)
    /usr/bin/time -v -o "$out" "$@" >"$dest" 2>>"$results/stderr.log" || { cat "$out" >&2; die "failed: $*"; }
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$out"
    rm -f "$out"
}

file_bytes() { # files... -> total size of those that exist
    local total=0 f
    for f in "$@"; do [[ -f $f ]] && total=$(( total + $(stat -c %s "$f") )); done
    echo "$total"
}

cs_db_file() {
    local f=("$cs_db"/*.db3)
    [[ -f ${f[0]} ]] || die "csync2 wrote no database in $cs_db (is '$host' the name csync2 sees? try: $bin/cs -cIr -v $tree)"
    echo "${f[0]}"
}

hyperfine_pair() { # name, ks-prepare, ks-command, cs-prepare, cs-command
    local name=$1
    log "Timing: $name ($runs runs + 1 warm-up each)"
    hyperfine --warmup 1 --runs "$runs" --shell bash --style basic \
        --export-json "$results/$name.json" \
        --command-name "kubesync" --prepare "$2" "$3" \
        --command-name "csync2" --prepare "$4" "$5"
}

ksb=$(q "$bin")

# ---------------------------------------------------------------------------------------------
# Warm the page cache: read every file once.
# ---------------------------------------------------------------------------------------------
log "Warming the page cache ($total_files files)"
find "$tree" -type f -print0 | xargs -0 cat >/dev/null

# 1. Init from an empty state database each run.
hyperfine_pair init \
    "$ksb/ks-reset" "$ksb/ks check --init -r" \
    "$ksb/cs-reset" "$ksb/cs -cIr $(q "$tree")"

# Init once more outside hyperfine: peak RSS, and the database size with the process gone.
log "Measuring peak RSS and database size after init"
"$bin/ks-reset"; "$bin/cs-reset"
ks_rss_init=$(peak_rss_kib "$results/kubesync-init.json" "$bin/ks" check --init -r --json)
cs_rss_init=$(peak_rss_kib /dev/null "$bin/cs" -cIr "$tree")
ks_db=$ks_state/state.db
ks_entries=$(sqlite3 "$ks_db" 'select count(*) from files')
ks_entries_cli=$("$bin/ks" files --json | jq length)
ks_bytes=$(file_bytes "$ks_db" "$ks_db-wal" "$ks_db-shm")
ks_wal_bytes=$(file_bytes "$ks_db-wal")
sqlite3 "$ks_db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
ks_bytes_ckpt=$(file_bytes "$ks_db" "$ks_db-wal" "$ks_db-shm")
cs_dbf=$(cs_db_file)
cs_entries=$(sqlite3 "$cs_dbf" 'select count(*) from file')
cs_bytes=$(file_bytes "$cs_dbf" "$cs_dbf-journal" "$cs_dbf-wal" "$cs_dbf-shm")
(( ks_entries > 0 )) || die "kubesync recorded no entries"
(( cs_entries > 0 )) || die "csync2 recorded no entries (host name '$host' not matched?)"

# 2. No-change re-check on the initialized state.
hyperfine_pair no-change \
    "true" "$ksb/ks check -r" \
    "true" "$ksb/cs -cr $(q "$tree")"
log "Measuring peak RSS of a no-change re-check"
ks_rss_nochange=$(peak_rss_kib "$results/kubesync-no-change.json" "$bin/ks" check -r --json)
cs_rss_nochange=$(peak_rss_kib /dev/null "$bin/cs" -cr "$tree")
# A no-change run that finds changes, or a scan with problems, would make the figures meaningless.
jq -e '.[0] | .created + .modified + .deleted == 0' "$results/kubesync-no-change.json" >/dev/null ||
    echo "WARNING: kubesync found changes in the no-change run; see $results/kubesync-no-change.json" >&2
jq -e 'all(.[]; .problems == 0)' "$results/kubesync-init.json" "$results/kubesync-no-change.json" >/dev/null ||
    echo "WARNING: kubesync reported scan problems; see $results/kubesync-*.json" >&2

# 3. Re-check after touching the same 100 files, with a new mtime before each run.
hyperfine_pair touch-$touch_count \
    "$ksb/touch-files" "$ksb/ks check -r" \
    "$ksb/touch-files" "$ksb/cs -cr $(q "$tree")"
ks_dirty=$("$bin/ks" dirty --json | jq length || true)
cs_dirty=$("$bin/cs" -M | wc -l || true)

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
median() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .median' "$results/$1.json"; }
cpu() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .user + .system' "$results/$1.json"; }
fmt_s() { awk -v x="$1" 'BEGIN { printf "%.3f s", x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", b / a }'; }
per_file() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

{
    echo "## Scan benchmark, $stamp"
    echo
    echo "Tree: linux-source-6.1 ($total_files files; kubesync recorded $ks_entries entries, csync2 $cs_entries)." \
         "$runs runs + 1 warm-up per command, warm page cache, $(nproc) cores."
    echo "kubesync $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), csync2 $(dpkg-query -W -f '${Version}' csync2 2>/dev/null || echo '?'), hyperfine $(hyperfine --version | awk '{print $2}')."
    echo
    echo "| scenario | kubesync median | csync2 median | ratio (csync2/kubesync) | target | kubesync CPU (user+sys, mean) | csync2 CPU |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for s in init no-change touch-$touch_count; do
        k=$(median "$s" kubesync); c=$(median "$s" csync2)
        case $s in
            init) target="≥ 1.00×" ;;
            no-change) target="≥ 5.00×" ;;
            *) target="" ;;
        esac
        echo "| $s | $(fmt_s "$k") | $(fmt_s "$c") | $(ratio "$k" "$c") | $target | $(fmt_s "$(cpu "$s" kubesync)") | $(fmt_s "$(cpu "$s" csync2)") |"
    done
    echo
    echo "| measure | kubesync | csync2 | target (kubesync) |"
    echo "| --- | --- | --- | --- |"
    echo "| state db bytes/file after init (db+wal+shm, process exited) | $(per_file "$ks_bytes" "$ks_entries") ($ks_bytes B, wal $ks_wal_bytes B) | $(per_file "$cs_bytes" "$cs_entries") ($cs_bytes B) | ≤ 200 |"
    echo "| state db bytes/file after wal_checkpoint(TRUNCATE) | $(per_file "$ks_bytes_ckpt" "$ks_entries") | | |"
    echo "| peak RSS, init | $(mib "$ks_rss_init") | $(mib "$cs_rss_init") | ≤ 150 MiB |"
    echo "| peak RSS, no-change re-check | $(mib "$ks_rss_nochange") | $(mib "$cs_rss_nochange") | ≤ 150 MiB |"
    echo "| dirty rows after the touch runs | $ks_dirty | $cs_dirty | |"
} >"$results/table.md"

jq -n \
    --arg stamp "$stamp" --argjson runs "$runs" --argjson files "$total_files" \
    --argjson ks_entries "$ks_entries" --argjson ks_entries_cli "$ks_entries_cli" --argjson cs_entries "$cs_entries" \
    --argjson ks_bytes "$ks_bytes" --argjson ks_wal_bytes "$ks_wal_bytes" --argjson ks_bytes_ckpt "$ks_bytes_ckpt" \
    --argjson cs_bytes "$cs_bytes" \
    --argjson ks_rss_init "$ks_rss_init" --argjson cs_rss_init "$cs_rss_init" \
    --argjson ks_rss_nochange "$ks_rss_nochange" --argjson cs_rss_nochange "$cs_rss_nochange" \
    --slurpfile init "$results/init.json" --slurpfile nochange "$results/no-change.json" \
    --slurpfile touched "$results/touch-$touch_count.json" \
    '{stamp: $stamp, runs: $runs, treeFiles: $files,
      kubesync: {entries: $ks_entries, entriesListed: $ks_entries_cli, dbBytes: $ks_bytes, walBytes: $ks_wal_bytes,
                 dbBytesAfterCheckpoint: $ks_bytes_ckpt, peakRssKiB: {init: $ks_rss_init, noChange: $ks_rss_nochange}},
      csync2: {entries: $cs_entries, dbBytes: $cs_bytes, peakRssKiB: {init: $cs_rss_init, noChange: $cs_rss_nochange}},
      hyperfine: {init: $init[0], noChange: $nochange[0], touched: $touched[0]}}' >"$results/summary.json"

ln -sfn "$stamp" "$results_root/latest"
echo
cat "$results/table.md"
echo
echo "Results: $results (table.md, summary.json, one hyperfine JSON per scenario, kubesync's own reports)"
