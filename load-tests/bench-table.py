#!/usr/bin/env python3
"""Markdown table of one bench.sh results folder: load-tests/bench-table.py load-tests/results/run1

CPU per packet is server CPU (all sampled server processes) over the window after warm-up, divided
by the packets the subscribers received (the one count every target has: Janus exposes no
forwarded counter with its admin API off) and, where the server counts them, by forwarded packets.
Ratios are per scenario, from the runs in this folder (one bench.sh invocation)."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
order = ["relaycast", "relaycast2", "janus", "floor"]
names = {"relaycast": "Relaycast, 1 node", "relaycast2": "Relaycast, 2 nodes", "janus": "Janus 1.1.2", "floor": "floor relay"}
scen = {"mesh10": "1 room x 10 peers (90 sub.)", "fanout200": "1 pub. x 200 sub.", "rooms20": "20 rooms x 5 peers (400 sub.)",
        "simulcast": "mesh10, simulcast q/h/f, half at 180p (90 sub.)"}


def pct(x):
    return "n/a" if x is None else f"{100 * x:.2f} %"


def f(x, nd=1):
    return "n/a" if x is None else f"{x:,.{nd}f}"


print("| scenario | server | CPU µs / received pkt | CPU µs / forwarded pkt | received pkt/s | server CPU | loss | latency p50 / p99 ms | clients w/o media |")
print("|---|---|---|---|---|---|---|---|---|")
ratios = []
for sc in scen:
    per = {}
    for t in order:
        p = root / f"{t}-{sc}" / "result.json"
        if not p.exists():
            continue
        d = json.loads(p.read_text())
        h, q = d["headline"], d["quality"]
        per[t] = h.get("cpuMicrosPerReceivedPacket")
        print(f"| {scen[sc]} | {names[t]} | {f(h.get('cpuMicrosPerReceivedPacket'), 2)} | {f(h.get('cpuMicrosPerForwardedPacket'), 2)} | "
              f"{f(h.get('receivedPacketsPerSecond'), 0)} | {f(h.get('serverCpuPercent'))} % | {pct(q.get('loss'))} | "
              f"{f(q.get('latencyP50Ms'))} / {f(q.get('latencyP99Ms'))} | {q['clientsWithoutMedia']} |")
    for a, b in [("relaycast", "floor"), ("relaycast", "janus"), ("relaycast2", "relaycast"), ("janus", "floor")]:
        if per.get(a) and per.get(b):
            ratios.append(f"{sc}: {names[a]} / {names[b]} = {per[a] / per[b]:.2f}x")
# Simulcast beside single-layer, same server, same run (issue 10): per forwarded packet, and the layers the
# subscribers ended on.
for t in ["relaycast", "relaycast2"]:
    runs = {}
    for sc in ["mesh10", "simulcast"]:
        p = root / f"{t}-{sc}" / "result.json"
        if p.exists():
            runs[sc] = json.loads(p.read_text())
    if len(runs) == 2:
        a = runs["simulcast"]["headline"].get("cpuMicrosPerForwardedPacket")
        b = runs["mesh10"]["headline"].get("cpuMicrosPerForwardedPacket")
        if a and b:
            ratios.append(f"{names[t]}: simulcast / mesh10 per forwarded packet = {a / b:.2f}x")
    if "simulcast" in runs and "layers" in runs["simulcast"]:
        l = runs["simulcast"]["layers"]
        ratios.append(f"{names[t]} simulcast layers at end: preferring 180p {l['streamsPerLayerAtEndPreferring']}, "
                      f"others {l['streamsPerLayerAtEndOthers']}; switches {l['switches']}, mid-frame {l['midFrameSwitches']}")
print()
for r in ratios:
    print("- " + r)
