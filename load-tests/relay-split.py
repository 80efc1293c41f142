#!/usr/bin/env python3
"""Relayed versus same-node streams of a multi-node run: load-tests/relay-split.py <result.json> [nodes]

The harness gives peer p of room r (named "r<r>p<p>") the URL number (r * peersPerRoom + p) mod
nodes, so a stream is relayed when its publisher and its receiver sit on different nodes. Prints,
for each group, the stream count, packets, loss and the median and worst of the per-stream p99
latencies (the harness keeps one latency histogram per stream)."""
import json
import re
import statistics
import sys

d = json.loads(open(sys.argv[1]).read())
nodes = int(sys.argv[2]) if len(sys.argv) > 2 else len(d["scenario"]["urls"])
per_room = d["scenario"]["peersPerRoom"]


def node_of(name):
    m = re.fullmatch(r"r(\d+)p(\d+)", name or "")
    if not m:
        return None
    return (int(m.group(1)) * per_room + int(m.group(2))) % nodes


groups = {"relayed": [], "same node": []}
for s in d["streams"]:
    a, b = node_of(s["receiver"]), node_of(s.get("publisherName") or s["publisher"])
    if a is None or b is None:
        continue
    groups["relayed" if a != b else "same node"].append(s)

for g, ss in groups.items():
    p99 = [s["latencyP99Ms"] for s in ss if s.get("latencyP99Ms") is not None]
    exp = sum(s["expected"] for s in ss)
    got = sum(s["packets"] for s in ss)
    loss = (exp - got) / exp if exp else 0
    if p99:
        print(f"{g}: {len(ss)} streams, {got} packets, loss {100 * max(0, loss):.3f} %, "
              f"per-stream p99 median {statistics.median(p99):.1f} ms, worst {max(p99):.1f} ms")
    else:
        print(f"{g}: {len(ss)} streams")
