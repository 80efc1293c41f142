#!/usr/bin/env bash
# Measures the relay hop between two clustered nodes (issue 4): one-way latency of the same
# two-peer call with both peers on one node, then with one peer on each node (every stream then
# crosses the clustered event bus once); and relay throughput with 10 peers spread over the two
# nodes. Runs inside a private network namespace; needs root and the packaged jars:
#   mvn -B -q -pl shared-model,node,load-tests package -DskipTests && load-tests/relay-hop.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
node_jar="$root/node/target/relaycast-node.jar"
load_jar="$here/target/relaycast-load.jar"
out="${RELAY_HOP_OUT:-$here/results/relay-hop}"
duration="${RELAY_HOP_DURATION:-20}"
mkdir -p "$out"
ns="rc-hop-$$"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
for i in 1 2; do
  ip netns exec "$ns" env RELAYCAST_NODE_ID="hop-$i" RELAYCAST_LOG_LEVEL=warn RELAYCAST_CLUSTER=true \
    RELAYCAST_CLUSTER_HOST=127.0.0.1 RELAYCAST_CLUSTER_PORT=$((5900 + i)) \
    RELAYCAST_CLUSTER_MEMBERS=127.0.0.1:5901,127.0.0.1:5902 RELAYCAST_HTTP_HOST=127.0.0.1 \
    RELAYCAST_HTTP_PORT=$((14000 + i)) RELAYCAST_MEDIA_HOST=127.0.0.1 RELAYCAST_MEDIA_PORT=$((46000 + 10 * i)) \
    RELAYCAST_MEDIA_WORKERS=1 RELAYCAST_MAX_CONNECTIONS_PER_IP=0 java -Xmx512m -jar "$node_jar" > "$out/node-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$((14000 + i)) && printf 'GET /ready HTTP/1.0\r\n\r\n' >&3 && grep -q '200' <&3" 2>/dev/null && break
    sleep 0.5
  done
done
run() { # label urls peers
  ip netns exec "$ns" java -jar "$load_jar" --url "$2" --rooms 1 --peers "$3" --duration "$duration" \
    --server-pid "${pids[0]},${pids[1]}" --out "$out/$1" --no-progress | grep -E '^(headline|quality)' | sed "s/^/$1 /"
}
metric() { # node name filter
  ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$((14000 + $1)) && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3" \
    | grep "^$2{" | grep "$3" | awk '{s += $NF} END {printf "%d", s}'
}
run same-node http://127.0.0.1:14001 2
run cross-node http://127.0.0.1:14001,http://127.0.0.1:14002 2
before=$(metric 1 relaycast_relay_messages_total 'direction="out"')
start=$(date +%s%N)
run throughput http://127.0.0.1:14001,http://127.0.0.1:14002 10
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
after=$(metric 1 relaycast_relay_messages_total 'direction="out"')
echo "relay messages out of hop-1 during the 10-peer run: $((after - before)) in ${elapsed_ms} ms (includes setup and ramp-up)"
echo "results in $out"
