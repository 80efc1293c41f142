#!/usr/bin/env bash
# Runs the load benchmarks of docs/benchmarks.md inside a private network namespace, so no packet
# can leave the machine (../shared/BROWSERS.md). Needs root (ip netns), taskset, and the packaged
# jars:  mvn -B -o -q -pl shared-model,node,load-tests package -DskipTests
#
#   load-tests/bench.sh [target ...]      targets: relaycast relaycast2 janus floor  (default: all four)
#   BENCH_SCENARIOS="mesh10 fanout200 rooms20"  (also: storm, ramp, simulcast)  BENCH_DURATION=30  BENCH_JFR=1  BENCH_BITRATE=1500000
#   BENCH_NODE_FLAGS="-Dio.netty.transport.noNative=true"  (extra JVM flags for the node)
#   BENCH_NODE_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java  (the node's java; default: java on PATH)
#   BENCH_NODE_JAR=/path/to/relaycast-node.jar  (another build of the node, e.g. an older commit's, for A/B runs)
#   BENCH_NODE2_CORE=1  (relaycast2: the second node on core 1, beside the harness, instead of core 0)
#   BENCH_NODE_WORKERS=1  BENCH_NODE_CORES=0  (the node's media workers and the cores it may run on,
#                      e.g. BENCH_NODE_WORKERS=2 BENCH_NODE_CORES=0,1 for a room spread over workers)
#   BENCH_NODE_ENV="RELAYCAST_ROOM_MAX_WORKERS=1"  (extra node settings, space-separated NAME=value)
#   BENCH_RAMP_UP=40  (clients the harness starts per second; fanout1000 on 2 cores needs about 10)
#   BENCH_HARNESS_ARGS="--dtls-threads 64"  (extra options for every harness run, see its --help)
#   BENCH_HARNESS_JAVA_OPTS="-XX:+UseZGC -XX:-ZProactive"  (the harness's JVM options, default ZGC: on its
#                      one core the JVM would pick Serial GC, whose 10-105 ms young pauses froze the receiving
#                      thread and showed as latency; without proactive cycles, which ZGC ran ~10 s into every
#                      measured window and which cost Relaycast's and the floor's runs alike a second of
#                      150-200 ms p99; its GC log is <label>-<scenario>-harness-gc.log)
#   BENCH_NODE_LOG_LEVEL=info  (the nodes' log level, default warn; info logs each peer's ICE and DTLS times in node-N.log)
#   BENCH_PREWARM=60  (seconds of the same scenario run against the fresh server before the measured
#                      run, in the harness JVM of the measured run (--prewarm), so the harness is warm
#                      too; its result kept beside it as <label>-<scenario>-prewarm; 0 measures a cold
#                      server, JIT compilation included: two node JVMs sharing core 0 take ~40 s of
#                      mesh10 to compile their hot paths, and a cold run measures mostly that)
#
# Each run writes into a folder of its own, load-tests/results/<UTC time>/ (or BENCH_RESULTS),
# and ends by printing it; `load-tests/bench-table.py <that folder>` makes the Markdown table and
# the ratios of the run. Exit status: 0 when every target ran every scenario and every client got
# media, 1 when a run failed (named on stderr; the other runs still happen), 2 on bad arguments.
#
# The server runs pinned to core 0 (taskset -c 0), the harness to core 1. Every process this
# script starts is stopped by its own PID, and the namespace is deleted on exit (trap).
# Janus (Debian package janus 1.1.2, installed by janus-config.sh if missing) gets a veth pair
# inside the namespace, as ../shared/BROWSERS.md says: libnice never offers 127.0.0.1, so Janus
# uses rcj0 (10.77.0.1) and the harness's sockets bind rcj1 (10.77.0.2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
node_jar="${BENCH_NODE_JAR:-$root/node/target/relaycast-node.jar}"
load_jar="$here/target/relaycast-load.jar"
for j in "$node_jar" "$load_jar"; do [ -f "$j" ] || { echo "bench: $j missing; mvn package first" >&2; exit 1; }; done
targets=("${@:-relaycast relaycast2 janus floor}")
targets=(${targets[*]})
scenarios=(${BENCH_SCENARIOS:-mesh10 fanout200 rooms20})
duration="${BENCH_DURATION:-30}"
results="${BENCH_RESULTS:-$here/results/$(date -u +%Y%m%dT%H%M%SZ)}"
if [ -e "$results" ] && [ -n "$(ls -A "$results" 2>/dev/null)" ]; then
  echo "bench: $results is not empty; every run gets a folder of its own" >&2
  exit 2
fi
mkdir -p "$results"
failed=()
# This script's own work (the per-thread snapshots, polling loops, curl, python) runs beside the
# harness on core 1, never on the server's core 0: every process it starts inherits this, and the
# server, Janus and the floor are pinned to their core explicitly. Before this, the snapshot taken
# as the prewarm ended (bash, cat and cut forked per server thread) ran on core 0 in the measured
# run's join seconds: 740 ms of that core in its first 3 s (perf sched, rooms20, s18-e).
taskset -cp 1 $$ >/dev/null 2>&1 || true

ns="rc-load-$$"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  if [ -n "${janus_dir:-}" ]; then rm -rf "$janus_dir"; fi
  rmdir "$results" 2>/dev/null || true   # a run that wrote nothing leaves no folder
  # The trap's own last command must not decide the script's exit status.
  exit "$rc"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
inns() { ip netns exec "$ns" "$@"; }
# Both veth ends in this namespace: without accept_local=1 and rp_filter=0 the replies between
# the two local addresses are dropped and Janus's ICE fails (BROWSERS.md).
ip link add rcj0 netns "$ns" type veth peer name rcj1 netns "$ns"
inns sh -c 'ip addr add 10.77.0.1/24 dev rcj0; ip addr add 10.77.0.2/24 dev rcj1; ip link set rcj0 up; ip link set rcj1 up
  for k in all default rcj0 rcj1; do sysctl -qw net.ipv4.conf.$k.accept_local=1 net.ipv4.conf.$k.rp_filter=0; done'

scenario_args() {
  case "$1" in
    mesh10)    echo "--rooms 1 --peers 10" ;;                  # 90 subscriber streams
    fanout200) echo "--rooms 1 --peers 201 --publishers 1" ;;  # 200 subscriber streams
    # 1 publisher x 1000 subscribers (issue 14, a big room on every core): run it at a low
    # BENCH_BITRATE and with BENCH_NODE_WORKERS/BENCH_NODE_CORES so the room can spread.
    fanout1000) echo "--rooms 1 --peers 1001 --publishers 1" ;;
    rooms20)   echo "--rooms 20 --peers 5" ;;                  # 400 subscriber streams
    # 10 calls of 5 in progress, then 50 peers joining within 2 s (issue 11); 300 kbps so that the
    # harness can receive the 400 streams at the end, as in rooms20.
    storm)     echo "--rooms 10 --peers 5 --storm 50 --storm-seconds 2 --storm-after 10" ;;
    ramp)      echo "--ramp --rooms 1 --peers 10 --ramp-step ${BENCH_RAMP_STEP:-12} --ramp-max-steps 12" ;;
    # mesh10 with every publisher sending three simulcast layers (1/16, 1/4 and all of the bitrate),
    # half the subscribers asking for 180p (layer q): 90 subscriber streams, as mesh10, so
    # BENCH_SCENARIOS="mesh10 simulcast" gives CPU per forwarded packet with and without simulcast
    # in one run (issue 10). Relaycast targets only: janus and floor skip it.
    simulcast) echo "--rooms 1 --peers 10 --simulcast --prefer-height 180 --prefer-fraction 0.5" ;;
    *) echo "bench: unknown scenario $1" >&2; exit 2 ;;
  esac
}

# Video bitrate per publisher: BENCH_BITRATE, else 1.5 Mbps (storm: 300 kbps, see above).
bitrate_of() {
  if [ -n "${BENCH_BITRATE:-}" ]; then echo "$BENCH_BITRATE"; elif [ "$1" = storm ]; then echo 300000; else echo 1500000; fi
}

# The java (or $2) process at or below PID $1 (ip netns exec, env and taskset exec; timeout forks).
java_below() {
  local p=$1 comm=${2:-java}
  for _ in 1 2 3 4; do
    [ -z "$p" ] && return 0
    [ "$(ps -o comm= -p "$p" 2>/dev/null)" = "$comm" ] && { echo "$p"; return 0; }
    p=$(pgrep -P "$p" 2>/dev/null | head -1 || true)
  done
}

# Starts a node in the namespace on core 0; sets last_pid to the java process itself (not a wrapper).
start_node() { # index http_port media_port cluster(true|false) [jfr file]
  local i=$1 http=$2 media=$3 cluster=$4 jfr=${5:-}
  # relaycast2's second node goes to core 1 (beside the harness) with BENCH_NODE2_CORE=1.
  local core="${BENCH_NODE_CORES:-0}"
  [ "$i" = 2 ] && core="${BENCH_NODE2_CORE:-0}"
  # The collector and the fixed, pre-touched heap README.md runs a production node with (without
  # the touch, the heap's growth during the measured run's joins was page faults on the media
  # loop: docs/benchmarks.md "Join seconds: page faults"); the GC log gives pause counts and tails.
  local flags=(-Xms768m -Xmx768m -XX:+AlwaysPreTouch -XX:+UseZGC "-Xlog:gc*:file=$results/node-$i-gc.log:uptime,level,tags")
  # Extra node JVM flags for A/B runs, e.g. BENCH_NODE_FLAGS=-Dio.netty.transport.noNative=true (NIO).
  [ -n "${BENCH_NODE_FLAGS:-}" ] && flags+=(${BENCH_NODE_FLAGS})
  [ -n "$jfr" ] && flags+=(-XX:+FlightRecorder "-XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true")
  inns env RELAYCAST_HTTP_HOST=127.0.0.1 RELAYCAST_HTTP_PORT="$http" RELAYCAST_MEDIA_HOST=127.0.0.1 \
    RELAYCAST_MEDIA_PORT="$media" RELAYCAST_MEDIA_WORKERS="${BENCH_NODE_WORKERS:-1}" RELAYCAST_MAX_PEERS_PER_ROOM=1100 \
    RELAYCAST_MAX_PEERS_PER_NODE=2000 RELAYCAST_DRAIN_SECONDS=1 RELAYCAST_MAX_CONNECTIONS_PER_IP=0 ${BENCH_NODE_ENV:-} \
    RELAYCAST_NODE_ID="bench-$i" RELAYCAST_LOG_LEVEL="${BENCH_NODE_LOG_LEVEL:-warn}" RELAYCAST_CLUSTER="$cluster" \
    RELAYCAST_CLUSTER_HOST=127.0.0.1 RELAYCAST_CLUSTER_PORT=$((5700 + i)) \
    RELAYCAST_CLUSTER_MEMBERS=127.0.0.1:5701,127.0.0.1:5702 \
    timeout 900 taskset -c "$core" "${BENCH_NODE_JAVA:-java}" "${flags[@]}" -jar "$node_jar" >"$results/node-$i.log" 2>&1 &
  local wrapper=$!
  pids+=("$wrapper")
  last_pid=""
  for _ in $(seq 1 150); do
    # ip netns exec and env exec; timeout forks: its child is the java process (taskset execs it).
    last_pid=$(java_below "$wrapper")
    if [ -n "$last_pid" ] && inns bash -c "exec 3<>/dev/tcp/127.0.0.1/$http" 2>/dev/null; then break; fi
    sleep 0.3
  done
  [ -n "$last_pid" ] || { echo "bench: node $i did not start, see $results/node-$i.log" >&2; exit 1; }
  pids+=("$last_pid")
}

stop_all() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  # Wait for them to exit (a JFR recording is written at exit), so ports are free for the next run.
  for _ in $(seq 1 60); do
    alive=0
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  # A node that has not exited 30 s after SIGTERM is killed (seen: nodes ignoring SIGTERM).
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  pids=()
}

run_load() { # target label pids urls scenario [extra harness args]
  local target=$1 label=$2 spids=$3 urls=$4 sc=$5 extra="${6:-} ${BENCH_HARNESS_ARGS:-}"
  local out="$results/$label-$sc"
  local prewarm=${BENCH_PREWARM:-60}
  # The prewarm runs in the measured run's own JVM (--prewarm): it warms the harness's JIT as well
  # as the server's, so the measured run's set-up is not timed on cold harness code.
  local watcher=
  rm -rf "$out-prewarm"
  if [ "$prewarm" -gt 0 ]; then
    echo "== $label / $sc: warming the server and the harness up for $prewarm s, then measuring" >&2
    # Per-thread CPU from the end of the prewarm (its result.json is written once its clients left).
    ( for _ in $(seq 1 $(( (prewarm + 400) * 5 ))); do [ -e "$out-prewarm/result.json" ] && break; sleep 0.2; done
      thread_cpu "$spids" >"$out-threads-before.txt" 2>/dev/null ) &
    watcher=$!
  else
    echo "== $label / $sc" >&2
    thread_cpu "$spids" >"$out-threads-before.txt" 2>/dev/null || true
  fi
  # shellcheck disable=SC2046,SC2086
  inns timeout $((prewarm + duration + 800)) taskset -c 1 java -Xmx1g ${BENCH_HARNESS_JAVA_OPTS--XX:+UseZGC -XX:-ZProactive} \
    -Xlog:gc:file="$out-harness-gc.log" -jar "$load_jar" --target "$target" --url "$urls" \
    $(scenario_args "$sc") --bitrate "$(bitrate_of "$sc")" --duration "$duration" --ramp-up "${BENCH_RAMP_UP:-40}" --server-pid "$spids" --label "$label $sc" \
    --prewarm "$prewarm" --out "$out" $extra || {
      echo "bench: $label $sc: the harness failed or some clients got no media (see $out/result.json)" >&2
      failed+=("$label/$sc")
    }
  [ -n "$watcher" ] && wait "$watcher" 2>/dev/null
  # CPU per server thread over the measured run (joins included): how the media workers share it.
  thread_cpu "$spids" >"$out-threads-after.txt" 2>/dev/null || true
  [ -d "$out" ] && python3 - "$out-threads-before.txt" "$out-threads-after.txt" >"$out/node-threads.txt" <<'PY' || true
import collections, sys
def read(path):
    rows = {}
    for line in open(path):
        pid, tid, ticks, wait, name = line.rstrip("\n").split(" ", 4)
        rows[(pid, tid)] = (name, int(ticks), int(wait))
    return rows
before, after = read(sys.argv[1]), read(sys.argv[2])
hz = 100
by_name = collections.Counter()
waited = collections.Counter()
for key, (name, ticks, wait) in after.items():
    _, ticks0, wait0 = before.get(key, (name, 0, 0))
    by_name[name] += (ticks - ticks0) / hz
    waited[name] += (wait - wait0) / 1e9
total = sum(by_name.values())
print(f"{total:8.2f} s  all threads of the server process(es)   (CPU; then time runnable but waiting for a CPU)")
for name, sec in by_name.most_common(12):
    print(f"{sec:8.2f} s  {name}   (waited {waited[name]:.2f} s)")
PY
  rm -f "$out-threads-before.txt" "$out-threads-after.txt"
}

# "pid tid cpu-ticks run-queue-ns thread-name" for every thread of the comma-separated PIDs in $1. The kernel
# cuts names to 15 characters (every Vert.x event loop is "vert.x-eventloo"), so the JVM's own
# names come from jcmd Thread.print (nid = the thread id in hex) where it answers (JVMs only).
thread_cpu() {
  # Builtins only (read, not cat or cut), so that a snapshot of a JVM's ~60 threads forks no
  # process per thread.
  local p t st tid name wait_ns comm
  for p in ${1//,/ }; do
    declare -A names=()
    comm=; read -r comm <"/proc/$p/comm" 2>/dev/null || true
    # jcmd only for a JVM: it attaches with SIGQUIT, whose default action kills any other process
    # (Janus dumped core at the first jcmd of a run before this check).
    [ "$comm" = java ] &&
    while read -r tid name; do names[$tid]="$name"; done < <(jcmd "$p" Thread.print 2>/dev/null \
      | sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\).*/\2 \1/p' | while read -r hex n; do echo "$((hex)) $n"; done)
    for t in /proc/"$p"/task/*; do
      read -r st <"$t/stat" 2>/dev/null || continue
      tid=${t##*/}
      # Fields after the parenthesised name: utime and stime are the 12th and 13th.
      set -- ${st##*) }
      name="${names[$tid]:-}"
      [ -n "$name" ] || read -r name <"$t/comm" 2>/dev/null || name="?"
      # schedstat's second field: ns the thread waited, runnable, for a CPU (0 where unreadable).
      wait_ns=0
      read -r _ wait_ns _ <"$t/schedstat" 2>/dev/null || wait_ns=0
      echo "$p $tid $(( ${12} + ${13} )) ${wait_ns:-0} $name"
    done
    unset names
  done
}

for sc in "${scenarios[@]}"; do scenario_args "$sc" >/dev/null; done
for t in "${targets[@]}"; do
  case "$t" in relaycast|relaycast2|janus|floor) ;; *) echo "bench: unknown target $t" >&2; exit 2 ;; esac
done

# Scenario by scenario, every target in turn, so that the ratios of one scenario come from runs
# minutes apart on a machine whose other load changes.
for sc in "${scenarios[@]}"; do
  for t in "${targets[@]}"; do
    if [ "$sc" = simulcast ] && [ "$t" != relaycast ] && [ "$t" != relaycast2 ]; then
      echo "== $t / $sc: skipped (the harness publishes simulcast to Relaycast only)" >&2
      continue
    fi
    case "$t" in
      relaycast)
        jfr=""
        [ "${BENCH_JFR:-0}" = 1 ] && jfr="$results/relaycast-$sc.jfr"
        start_node 1 13001 42001 false "$jfr"
        run_load relaycast relaycast "$last_pid" http://127.0.0.1:13001 "$sc"
        # The node's own forwarding-delay histogram, to put beside the harness's latency.
        inns curl -s http://127.0.0.1:13001/metrics | grep '^relaycast_forwarding_delay_seconds' \
          > "$results/relaycast-$sc/forwarding-delay.txt" || true
        # What the node and the kernel under it dropped, the uplink repairs, and how long its peers'
        # ICE + DTLS took, over the whole run.
        inns curl -s http://127.0.0.1:13001/metrics \
          | grep -E '^relaycast_(drops_total|socket_receive_drops_total|uplink_|dtls_handshake)' \
          > "$results/relaycast-$sc/node-drops.txt" || true
        stop_all
        mv "$results/node-1-gc.log" "$results/relaycast-$sc-gc.log" 2>/dev/null || true ;;
      relaycast2)
        jfr=""
        [ "${BENCH_JFR:-0}" = 1 ] && jfr="$results/relaycast2-$sc-node1.jfr"
        start_node 1 13001 42001 true "$jfr"; p1=$last_pid
        start_node 2 13002 42002 true; p2=$last_pid
        run_load relaycast relaycast2 "$p1,$p2" http://127.0.0.1:13001,http://127.0.0.1:13002 "$sc"
        # Each node's relay link health (frames, packets, drops by reason, RTT), for the write-up.
        for n in 1 2; do
          inns curl -s "http://127.0.0.1:1300$n/metrics" | grep '^relaycast_relay_' \
            > "$results/relaycast2-$sc/relay-metrics-node$n.txt" || true
        done
        stop_all ;;
      janus)
        if [ -z "${janus_dir:-}" ]; then
          janus_dir=$(mktemp -d /tmp/rc-janus.XXXXXX)
          "$here/janus-config.sh" "$janus_dir" 10.77.0.1 rcj0
        fi
        # No core file in the working tree if Janus crashes (janus.log says "dumped core" then).
        ulimit -c 0
        inns timeout 900 taskset -c 0 janus -C "$janus_dir/janus.jcfg" -F "$janus_dir" -o >"$results/janus.log" 2>&1 &
        w=$!
        pids+=("$w")
        jp=""
        for _ in $(seq 1 50); do
          jp=$(java_below "$w" janus)
          if [ -n "$jp" ] && inns bash -c "exec 3<>/dev/tcp/127.0.0.1/8088" 2>/dev/null; then break; fi
          sleep 0.2
        done
        [ -n "$jp" ] || { echo "bench: janus did not start, see $results/janus.log" >&2; exit 1; }
        pids+=("$jp")
        run_load janus janus "$jp" http://127.0.0.1:8088/janus "$sc" "--bind 10.77.0.2"
        stop_all ;;
      floor)
        inns timeout 900 taskset -c 0 java -Xmx256m -cp "$load_jar" io.relaycast.load.FloorRelay \
          --bind 127.0.0.1 --port 5600 --max-seconds 900 >"$results/floor.log" 2>&1 &
        w=$!
        pids+=("$w")
        sleep 1.5
        fp=$(java_below "$w")
        pids+=("$fp")
        run_load floor floor "$fp" 127.0.0.1:5600 "$sc"
        stop_all ;;
      *) echo "bench: unknown target $t" >&2; exit 2 ;;
    esac
  done
done

if [ "${BENCH_JFR:-0}" = 1 ]; then
  for f in "$results"/relaycast-*.jfr; do
    [ -f "$f" ] || continue
    echo "== top frames in $f" >&2
    jfr print --stack-depth 64 --events jdk.ExecutionSample "$f" | "$here/jfr-top.py" | tee "${f%.jfr}-top.txt"
  done
fi
echo "results in $results; table: $here/bench-table.py $results" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
