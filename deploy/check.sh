#!/usr/bin/env bash
# Builds the images and runs deploy/docker-compose.yml with podman, checks that it works, and
# removes everything it started (docs/deploy.md "deploy/check.sh"):
#
#   sudo deploy/check.sh          # about 15 min the first time, 2-3 min once the bases exist
#
# 1. installs podman, runc, netavark, aardvark-dns, iptables, mmdebstrap, docker-compose, curl,
#    jq (Debian's packages) when missing, and builds the images (deploy/build-images.sh);
# 2. starts podman's Docker-compatible API on a socket of its own and runs the compose file's
#    three nodes and Prometheus with Debian's docker-compose, on a podman network of its own,
#    every port published on 127.0.0.1 only;
# 3. checks: each node's HEALTHCHECK passes and /ready is 200; Hazelcast's log shows three
#    members on each node; a peer joined on node 1 is in the welcome of a peer joined on node 2
#    and /api/rooms on every node lists both (deploy/check/ClusterProbe.java); Prometheus
#    scrapes all three (its targets API) and every query of the Grafana dashboard runs on it;
#    Grafana, when an image for it exists (GRAFANA_IMAGE), serves the provisioned dashboard;
# 4. stops the nodes with SIGTERM (each must drain and exit 0), removes containers, network
#    and volumes, and stops the API service. Images stay, so the next run is quicker.
#
# Exit 0 when every check passed, 1 otherwise (the nodes' logs are printed first). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/podman-env.sh

T0=$SECONDS
step() { printf '%(%H:%M:%S)T [%4ds] %s\n' -1 $((SECONDS - T0)) "$*"; }
fail() { step "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deploy/check.sh: run as root (apt-get, mmdebstrap, rootful podman)" >&2; exit 2; }

PROJECT=relaycast-check   # not "relaycast", so a compose project of the user's is not touched
NODES=(relaycast-1 relaycast-2 relaycast-3)
HTTP=(3001 3002 3003)
DASHBOARD=deploy/grafana/dashboards/relaycast.json
WORK=$(mktemp -d /tmp/relaycast-check.XXXXXX)
SERVICE_PID=""
HEALTH_PID=""

container() { echo "${PROJECT}_$1_1"; }   # docker-compose 1.x names containers project_service_N
compose() { docker-compose -p "$PROJECT" -f deploy/docker-compose.yml "$@"; }

cleanup() {
    local rc=$?
    set +e
    [ -n "$HEALTH_PID" ] && kill "$HEALTH_PID" 2>/dev/null && wait "$HEALTH_PID" 2>/dev/null
    if [ -n "$SERVICE_PID" ]; then
        if [ $rc -ne 0 ]; then
            for c in $(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'); do
                echo "---- last lines of $c"
                podman logs --tail 25 "$c" 2>&1
            done
        fi
        step "removing containers, network and volumes"
        compose down --volumes --remove-orphans --timeout 45 >"$WORK/down.log" 2>&1 || cat "$WORK/down.log"
        kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
    fi
    left=$(podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'; \
           podman network ls --format '{{.Name}}' | grep "^${PROJECT}_" || true)
    if [ -n "$left" ]; then
        echo "deploy/check.sh: left behind: $left" >&2
        rc=1
    fi
    rm -rf "$WORK"
    if [ $rc -eq 0 ]; then
        step "PASS (total $((SECONDS - T0)) s)"
    else
        step "FAILED (exit $rc)"
    fi
    exit $rc
}
trap cleanup EXIT

# ---- 1. tools and images
relaycast_install_podman
relaycast_podman_conf "$WORK"
command -v java >/dev/null || fail "java (JDK 17+) is needed on the host for the cluster probe"
for port in "${HTTP[@]}" 9090 3030 40000 40100 40200; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        fail "127.0.0.1:$port is in use; the compose file publishes it"
    fi
done
step "building images (deploy/build-images.sh)"
t=$SECONDS
deploy/build-images.sh
step "images ready in $((SECONDS - t)) s"

# ---- 2. compose up, through podman's Docker-compatible API
podman system service --time=0 "unix://$WORK/podman.sock" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
export DOCKER_HOST="unix://$WORK/podman.sock"
for _ in $(seq 50); do
    curl -fsS --unix-socket "$WORK/podman.sock" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
done
curl -fsS --unix-socket "$WORK/podman.sock" http://d/_ping >/dev/null || fail "podman system service did not answer"

# podman runs HEALTHCHECKs from systemd timers; without systemd nothing runs them, compose's
# depends_on "service_healthy" would wait for ever. Run them the way the timers would.
if [ ! -d /run/systemd/system ]; then
    (
        while sleep 3; do
            for c in $(podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Names}}'); do
                podman healthcheck run "$c" >/dev/null 2>&1 || true
            done
        done
    ) &
    HEALTH_PID=$!
fi

export NODE_IMAGE=localhost/relaycast/node:dev
export PROMETHEUS_IMAGE=localhost/relaycast/prometheus:${RELAYCAST_DEBIAN_SUITE:-bookworm}
export HOST_PUBLISH_IP=127.0.0.1 RELAYCAST_ADVERTISED_IP=127.0.0.1 RELAYCAST_JWT_SECRET=
services=("${NODES[@]}" prometheus)
if [ -n "${GRAFANA_IMAGE:-}" ]; then
    podman image exists "$GRAFANA_IMAGE" || fail "GRAFANA_IMAGE=$GRAFANA_IMAGE is not a local image"
    services+=(grafana)
fi
step "compose up: ${services[*]} (relaycast-2 and -3 once relaycast-1 is healthy)"
t=$SECONDS
timeout 300 docker-compose -p "$PROJECT" -f deploy/docker-compose.yml up -d --no-build "${services[@]}" \
    >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; fail "compose up"; }
step "compose up returned after $((SECONDS - t)) s"
podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '  {{.Names}}  {{.Image}}  {{.Status}}  {{.Ports}}'
published=$(podman ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Ports}}' | tr ',' '\n' | grep -- '->' | grep -v '127\.0\.0\.1:' || true)
[ -z "$published" ] || fail "ports published beyond 127.0.0.1: $published"

# ---- 3. checks
for i in 0 1 2; do
    n=${NODES[$i]} url="http://127.0.0.1:${HTTP[$i]}"
    for _ in $(seq 120); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = 200 ] && break
        sleep 1
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = 200 ] || fail "$n: $url/ready is not 200"
    # The status, not one run: HEALTHCHECK allows 3 failures (a run can time out on a loaded host).
    for _ in $(seq 60); do
        health=$(podman inspect --format '{{.State.Health.Status}}' "$(container "$n")")
        [ "$health" = healthy ] && break
        sleep 2
    done
    [ "$health" = healthy ] || fail "$n: the image's HEALTHCHECK says $health"
    user=$(podman exec "$(container "$n")" id -u)
    [ "$user" != 0 ] || fail "$n runs as root"
    # relaycast-1 prints its member list again as the others join, which can lag /ready.
    for _ in $(seq 60); do
        members=$(podman logs "$(container "$n")" 2>&1 | grep -o 'Members {size:[0-9]*' | tail -1)
        [ "$members" = 'Members {size:3' ] && break
        sleep 2
    done
    [ "$members" = 'Members {size:3' ] || fail "$n: Hazelcast's last member list is '$members', not 3 members"
    step "$n: /ready 200 on $url, HEALTHCHECK healthy, uid $user, Hazelcast '$members, ...}'"
done

java deploy/check/ClusterProbe.java "http://127.0.0.1:${HTTP[0]}" "http://127.0.0.1:${HTTP[1]}" "http://127.0.0.1:${HTTP[2]}" \
    || fail "the nodes do not form one cluster"

prom=http://127.0.0.1:9090
for _ in $(seq 60); do
    up=$(curl -fsS "$prom/api/v1/targets?state=active" 2>/dev/null \
        | jq -r '[.data.activeTargets[] | select(.labels.job == "relaycast" and .health == "up")] | length' 2>/dev/null || echo 0)
    [ "$up" = 3 ] && break
    sleep 2
done
curl -fsS "$prom/api/v1/targets?state=active" \
    | jq -r '.data.activeTargets[] | "  target \(.scrapeUrl) \(.health) last scrape \(.lastScrape) \(.lastError)"'
[ "$up" = 3 ] || fail "Prometheus has $up of 3 relaycast targets up"
nodes=$(curl -fsS "$prom/api/v1/label/node/values" --data-urlencode 'match[]=process_cpu_usage' -G | jq -r '.data | join(",")')
[ "$nodes" = "relaycast-1,relaycast-2,relaycast-3" ] || fail "the dashboard's node variable would list '$nodes'"
step "Prometheus scrapes the three nodes; the dashboard's node variable lists $nodes"

# Every dashboard query, as Grafana would send it for "all nodes": each must be valid PromQL
# on live data. Rates need two samples in the window, so wait for the fourth scrape.
sleep 15
total=0 with_data=0 empty=()
while IFS=$'\t' read -r title expr; do
    q=${expr//\$__rate_interval/1m}
    q=${q//\$node/.*}
    answer=$(curl -fsS "$prom/api/v1/query" --data-urlencode "query=$q" -G) || fail "panel '$title': Prometheus refused $q"
    [ "$(jq -r .status <<<"$answer")" = success ] || fail "panel '$title': $answer"
    total=$((total + 1))
    if [ "$(jq '.data.result | length' <<<"$answer")" -gt 0 ]; then
        with_data=$((with_data + 1))
    else
        empty+=("$title")
    fi
done < <(jq -r '.. | objects | select(has("targets")) | .title as $t | .targets[] | select(.expr) | "\($t)\t\(.expr)"' "$DASHBOARD")
[ "$total" -ge 20 ] || fail "only $total dashboard queries found in $DASHBOARD"
step "dashboard: $total queries ran on Prometheus, $with_data returned series; empty until media or errors flow: ${empty[*]:-none}"
for must in 'relaycast_peers' 'relaycast_drops_total' 'relaycast_auth_rejections_total' 'jvm_memory_used_bytes'; do
    n=$(curl -fsS "$prom/api/v1/query" --data-urlencode "query=count(count by (node) ($must))" -G | jq -r '.data.result[0].value[1] // 0')
    [ "$n" = 3 ] || fail "$must is scraped from $n nodes, not 3"
done
step "relaycast_peers, relaycast_drops_total, relaycast_auth_rejections_total, jvm_memory_used_bytes: from all 3 nodes"

if [ -n "${GRAFANA_IMAGE:-}" ]; then
    graf=http://127.0.0.1:3030
    for _ in $(seq 60); do curl -fsS "$graf/api/health" >/dev/null 2>&1 && break; sleep 2; done
    uid=$(jq -r .uid "$DASHBOARD")
    panels=$(curl -fsS -u "admin:${GRAFANA_ADMIN_PASSWORD:-admin}" "$graf/api/dashboards/uid/$uid" | jq '[.dashboard.panels[]] | length') \
        || fail "Grafana does not serve dashboard $uid"
    [ "$panels" = "$(jq '[.panels[]] | length' "$DASHBOARD")" ] || fail "Grafana's dashboard has $panels panels"
    curl -fsS -u "admin:${GRAFANA_ADMIN_PASSWORD:-admin}" "$graf/api/datasources/uid/relaycast-prometheus/health" | jq -e '.status == "OK"' >/dev/null \
        || fail "Grafana cannot query its Prometheus datasource"
    step "Grafana serves dashboard $uid with $panels panels; its Prometheus datasource is healthy"
else
    step "SKIP Grafana: no image for it here (Debian has no grafana package, nor npm or Maven Central; docs/deploy.md). GRAFANA_IMAGE=<local image> runs it"
fi

# ---- 4. stop: SIGTERM, drain, exit 0, one node at a time (a rolling stop, as an operator
# would). Stopping two at once on a loaded machine left both in Hazelcast's shutdown past 45 s
# (SIGKILL, exit 137): docs/deploy.md "Stopping".
step "stopping one node at a time (SIGTERM; each drains, nobody is connected, and leaves the cluster)"
for n in relaycast-3 relaycast-2 relaycast-1 prometheus; do
    t=$SECONDS
    compose stop --timeout 45 "$n" >"$WORK/stop.log" 2>&1 || { cat "$WORK/stop.log"; fail "compose stop $n"; }
    code=$(podman inspect --format '{{.State.ExitCode}}' "$(container "$n")")
    [ "$code" = 0 ] || fail "$n exited $code on SIGTERM, not 0"
    step "$n stopped in $((SECONDS - t)) s, exit 0"
done
