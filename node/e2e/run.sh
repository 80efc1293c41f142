#!/usr/bin/env bash
# Runs the end-to-end tests inside a private network namespace (../../../shared/BROWSERS.md):
# real Chromium and real node processes that can reach nothing but the namespace's own
# addresses. Installs what it needs (Debian's chromium, playwright-core from npm) on first run.
# Needs root (ip netns), the packaged node jar (mvn package), Node.js and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if [ ! -x /usr/lib/chromium/chromium ]; then
  echo "e2e: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v whip-client >/dev/null || ! command -v cc >/dev/null; then
  # For whip.test.mjs: Debian's simple-whip-client, and gcc for the stub whip-client.sh builds.
  # Installed here because nothing can be downloaded from inside the namespace.
  echo "e2e: installing Debian's simple-whip-client and gcc" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq simple-whip-client gcc >/dev/null
fi
command -v ip >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null; }
if [ ! -d node_modules/playwright-core ]; then
  # Drivers only: playwright-core never downloads a browser.
  npm ci --no-audit --no-fund --loglevel=error
fi
jar="$here/../target/relaycast-node.jar"
[ -f "$jar" ] || { echo "e2e: $jar missing; build with mvn package first" >&2; exit 1; }

ns="rc-e2e-$$"
cleanup() {
  # Stop anything still running in the namespace (nodes, browsers), then remove it.
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
# A veth pair with a default route, for browsers that need a non-loopback interface (BROWSERS.md).
ip link add rcv0 netns "$ns" type veth peer name rcv1 netns "$ns"
ip netns exec "$ns" sh -c 'ip addr add 10.77.0.1/24 dev rcv0; ip link set rcv0 up; ip link set rcv1 up; ip route add default via 10.77.0.254 dev rcv0'

if [ "${1:-}" = "--script" ]; then
  # A measurement script rather than tests: ./run.sh --script measure-call.mjs [args]
  shift
  ip netns exec "$ns" env RELAYCAST_E2E_NETNS="$ns" node "$@"
else
  ip netns exec "$ns" env RELAYCAST_E2E_NETNS="$ns" node --experimental-websocket --test --test-concurrency=1 "${@:-.}"
fi
