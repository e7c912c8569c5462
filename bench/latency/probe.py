#!/usr/bin/env python3
"""Writes files on member A and times their arrival on the replicas (bench/latency, issue 4).

Every write is a plain create + write + close of a new file (no temp name, no rename), the same for every tool.
Arrival is seen through inotify on the replicas' directories (ctypes, no extra packages), so the probe sleeps
in poll() instead of stealing CPU from the tools it measures; a file counts as arrived when it reads back with
exactly the content written. A slow fallback re-reads pending files every 20 ms in case an event was missed.

  probe.py marker  --src A --dst B --dst C [--timeout S]
  probe.py latency --src A --dst B --dst C --tool T --samples N [--warmup W] --out TSV
  probe.py burst   --src A --dst B --dst C --tool T --files N --run R --out TSV

Rows appended to TSV: section, tool, round, replica, metric, value (see README.md).
"""
import argparse
import ctypes
import ctypes.util
import os
import random
import select
import struct
import sys
import time

IN_MODIFY = 0x002
IN_CLOSE_WRITE = 0x008
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_Q_OVERFLOW = 0x4000
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
EVENT = struct.Struct("iIII")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class Inotify:
    """Watches a few directories; events() yields (replica index, name, mask) and None on overflow."""

    def __init__(self, dirs, mask=IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY):
        self.fd = _libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.wd = {}
        for i, d in enumerate(dirs):
            wd = _libc.inotify_add_watch(self.fd, os.fsencode(d), mask)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {d}")
            self.wd[wd] = i
        self.poll = select.poll()
        self.poll.register(self.fd, select.POLLIN)

    def wait(self, timeout_ms):
        """Events that arrive within timeout_ms (an empty list when none)."""
        if not self.poll.poll(max(0, timeout_ms)):
            return []
        out = []
        while True:
            try:
                buf = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return out
            pos = 0
            while pos < len(buf):
                wd, mask, _cookie, length = EVENT.unpack_from(buf, pos)
                name = buf[pos + EVENT.size:pos + EVENT.size + length].rstrip(b"\0").decode()
                pos += EVENT.size + length
                out.append(None if mask & IN_Q_OVERFLOW else (self.wd.get(wd), name, mask))

    def drain(self):
        self.wait(0)

    def close(self):
        os.close(self.fd)


def write_file(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def holds(path, data):
    try:
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def content(tool, label, size):
    head = f"{tool} {label} {os.urandom(8).hex()} ".encode()
    return (head + b"." * max(0, size - len(head) - 1))[: size - 1] + b"\n"


def now_ms():
    return time.perf_counter_ns() / 1e6


def wait_for(ino, dsts, name, data, deadline_ms):
    """Per replica, the perf-counter time (ms) when name read back as data; None for a replica that timed out."""
    arrived = [None] * len(dsts)
    last_poll = now_ms()
    while None in arrived:
        t = now_ms()
        if t >= deadline_ms:
            break
        events = ino.wait(int(min(20, deadline_ms - t)) + 1)
        check = {i for i, a in enumerate(arrived) if a is None and any(
            e is None or (e[0] == i and e[1] == name) for e in events)}
        if now_ms() - last_poll >= 20:  # the fallback: a missed event costs at most 20 ms more, not a timeout
            check |= {i for i, a in enumerate(arrived) if a is None}
            last_poll = now_ms()
        for i in sorted(check):
            if holds(os.path.join(dsts[i], name), data):
                arrived[i] = now_ms()
    return arrived


def emit(out, rows):
    with open(out, "a") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")


def cmd_marker(a):
    name = f".bench-marker-{os.urandom(4).hex()}"
    data = content("marker", name, 64)
    ino = Inotify(a.dst)
    write_file(os.path.join(a.src, name), data)
    arrived = wait_for(ino, a.dst, name, data, now_ms() + a.timeout * 1000)
    if None in arrived:
        missing = [d for d, t in zip(a.dst, arrived) if t is None]
        sys.exit(f"probe: marker {name} did not reach {', '.join(missing)} within {a.timeout} s")


def cmd_latency(a):
    ino = Inotify(a.dst)
    rows, failures = [], 0
    for i in range(-a.warmup, a.samples):
        label = f"w{-i}" if i < 0 else f"s{i}"
        name = f"lat-{label}-{os.urandom(3).hex()}.txt"
        data = content(a.tool, label, a.size)
        ino.drain()
        t0 = now_ms()
        write_file(os.path.join(a.src, name), data)
        arrived = wait_for(ino, a.dst, name, data, t0 + a.timeout * 1000)
        if i >= 0:
            for r, t in zip(a.replica, arrived):
                rows.append(("latency", a.tool, i, r, "ms", "timeout" if t is None else f"{t - t0:.3f}"))
            failures += None in arrived
        time.sleep(random.uniform(a.gap_min, a.gap_max))
    ino.close()
    emit(a.out, rows)
    if failures:
        print(f"probe: {a.tool}: {failures} of {a.samples} samples timed out after {a.timeout} s", file=sys.stderr)


def cmd_burst(a):
    sub = f"burst-{a.run}-{os.urandom(3).hex()}"
    os.mkdir(os.path.join(a.src, sub))
    # The directory and a marker in it arrive first, untimed: the burst measures files, not a directory creation.
    marker = content("marker", sub, 64)
    write_file(os.path.join(a.src, sub, "marker"), marker)
    src, dsts = os.path.join(a.src, sub), [os.path.join(d, sub) for d in a.dst]
    deadline = time.monotonic() + 60
    while not all(holds(os.path.join(d, "marker"), marker) for d in dsts):
        if time.monotonic() > deadline:
            sys.exit(f"probe: {a.tool}: the burst directory {sub} did not reach every replica within 60 s")
        time.sleep(0.01)
    ino = Inotify(dsts, IN_CLOSE_WRITE | IN_MOVED_TO)
    files = {f"f{k:05d}.txt": content(a.tool, f"b{a.run}.{k}", a.size) for k in range(a.files)}
    seen = [set() for _ in dsts]
    done = [None] * len(dsts)
    t0 = now_ms()
    for name, data in files.items():
        write_file(os.path.join(src, name), data)
    t_written = now_ms()
    deadline = t0 + a.timeout * 1000
    last_full = now_ms()
    while None in done and now_ms() < deadline:
        events = ino.wait(50)
        t_event = now_ms()
        overflow = any(e is None for e in events)
        for e in events:
            if e is not None and e[1] in files:
                seen[e[0]].add(e[1])
        if overflow or (not events and now_ms() - last_full > 200):  # missed events: look at the directories
            for i, d in enumerate(dsts):
                if done[i] is None:
                    seen[i] |= set(os.listdir(d)) & files.keys()
            last_full = now_ms()
            t_event = now_ms()
        for i, d in enumerate(dsts):
            if done[i] is None and len(seen[i]) == len(files):
                bad = [n for n, data in files.items() if not holds(os.path.join(d, n), data)]
                if not bad:
                    done[i] = t_event
                else:
                    seen[i] -= set(bad)  # not complete yet: wait for their next event or the directory look
    ino.close()
    rows = [("burst", a.tool, a.run, "-", "write_ms", f"{t_written - t0:.3f}")]
    for r, t in zip(a.replica, done):
        rows.append(("burst", a.tool, a.run, r, "ms", "timeout" if t is None else f"{t - t0:.3f}"))
    emit(a.out, rows)
    if None in done:
        print(f"probe: {a.tool}: burst run {a.run} incomplete after {a.timeout} s: "
              + ", ".join(f"{r} {len(s)}/{len(files)}" for r, s in zip(a.replica, seen)), file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=("marker", "latency", "burst"))
    p.add_argument("--src", required=True, help="member A's directory (written)")
    p.add_argument("--dst", action="append", required=True, help="a replica's directory (watched); repeat")
    p.add_argument("--replica", action="append", help="a name per --dst for the TSV (default B, C, ...)")
    p.add_argument("--tool", default="?")
    p.add_argument("--out", help="TSV to append rows to")
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--gap-min", type=float, default=0.05, help="seconds between samples, at least")
    p.add_argument("--gap-max", type=float, default=0.10, help="seconds between samples, at most")
    p.add_argument("--size", type=int, default=100, help="bytes per file")
    p.add_argument("--files", type=int, default=2000, help="files per burst")
    p.add_argument("--run", type=int, default=1)
    p.add_argument("--timeout", type=float, default=10, help="seconds to wait for one sample or burst")
    a = p.parse_args()
    a.replica = a.replica or [chr(ord("B") + i) for i in range(len(a.dst))]
    if len(a.replica) != len(a.dst):
        p.error("give one --replica per --dst")
    if a.command != "marker" and not a.out:
        p.error("--out is needed")
    {"marker": cmd_marker, "latency": cmd_latency, "burst": cmd_burst}[a.command](a)


if __name__ == "__main__":
    main()
