#!/usr/bin/env python3
"""Where a node allocates, from a JFR recording's allocation samples (issue 14's "zero
allocation per forwarded packet").

    load-tests/jfr-alloc.py rec.jfr [--thread SUBSTRING] [--skip S] [--last S] [--drop-last S] [--packets-per-second N]

Reads jdk.ObjectAllocationSample (JFR's `profile` settings record them, bench.sh BENCH_JFR=1 uses
those) through `jfr print --json`. Each sample's weight is JFR's estimate of the bytes allocated
since the thread's previous sample, so summed weights estimate the bytes allocated. Prints the
total and the rate over the samples kept, then the bytes by allocated class and by the first
frame outside the JDK and Netty (the code that asked for it). --thread keeps threads whose name
contains SUBSTRING (the media worker: vert.x-eventloop); --skip drops the first S seconds of the
recording's samples (start-up, joins), --last keeps the last S, --drop-last then drops the final S
(bench.sh stops the node a second or two after the harness's window); --packets-per-second divides the
rate by the harness's forwarded packets per second (result.json's headline) for bytes per packet.
"""
import argparse
import collections
import json
import subprocess
import sys
from datetime import datetime

parser = argparse.ArgumentParser(description="allocation per forwarded packet from a JFR recording")
parser.add_argument("recording")
parser.add_argument("--thread", help="keep threads whose name contains this")
parser.add_argument("--skip", type=float, help="drop the first S seconds of samples")
parser.add_argument("--last", type=float, help="keep the last S seconds of samples")
parser.add_argument("--drop-last", type=float, help="then drop the final S seconds")
parser.add_argument("--packets-per-second", type=float, help="forwarded packets per second, for bytes per packet")
opts = parser.parse_args()
thread_filter, skip, last, drop_last, per_second = (
    opts.thread, opts.skip, opts.last, opts.drop_last, opts.packets_per_second)

out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "24", "--events",
                      "jdk.ObjectAllocationSample", opts.recording], check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]


def when(e):
    # 2026-12-07T17:31:49.902671594Z: Python's parser takes at most microseconds.
    t = e["values"]["startTime"].rstrip("Z")
    head, _, frac = t.partition(".")
    return datetime.fromisoformat(head + "." + (frac + "000000")[:6] + "+00:00").timestamp()


def type_name(t):
    return (t or {}).get("name", "?").replace("/", ".")


def thread_name(e):
    t = e["values"].get("eventThread") or {}
    return t.get("javaName") or t.get("osName") or "?"


if not events:
    sys.exit("no jdk.ObjectAllocationSample events in " + opts.recording)
first = min(when(e) for e in events)
end = max(when(e) for e in events)
lo = first + (skip or 0)
if last is not None:
    lo = max(lo, end - last)
hi = end - (drop_last or 0)
kept = [e for e in events
        if lo <= when(e) <= hi and (thread_filter is None or thread_filter in thread_name(e))]
if not kept:
    sys.exit("no samples left after the filters")
span = max(when(e) for e in kept) - min(when(e) for e in kept)

OUTSIDE = ("java.", "jdk.", "sun.", "com.sun.", "io.netty.", "javax.")
by_class = collections.Counter()
by_frame = collections.Counter()
total = 0
for e in kept:
    v = e["values"]
    w = v["weight"]
    total += w
    cls = type_name(v.get("objectClass"))
    by_class[cls] += w
    frames = (v.get("stackTrace") or {}).get("frames") or []
    mine = next((f for f in frames if not type_name(f["method"]["type"]).startswith(OUTSIDE)), None)
    top = mine or (frames[0] if frames else None)
    label = "?" if top is None else type_name(top["method"]["type"]) + "." + top["method"]["name"]
    by_frame[label] += w

rate = total / span if span > 0 else float("nan")
print(f"{len(kept)} samples over {span:.1f} s{' on threads *' + thread_filter + '*' if thread_filter else ''}: "
      f"{total / 1e6:.1f} MB, {rate / 1e6:.2f} MB/s", end="")
if per_second:
    print(f", {rate / per_second:.0f} B per forwarded packet at {per_second:.0f} packets/s")
else:
    print()
print("\nby class:")
for cls, w in by_class.most_common(12):
    print(f"  {100 * w / total:5.1f} %  {cls}")
print("\nby first frame outside the JDK and Netty:")
for f, w in by_frame.most_common(15):
    print(f"  {100 * w / total:5.1f} %  {f}")
