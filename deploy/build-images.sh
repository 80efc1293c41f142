#!/usr/bin/env bash
# Builds every image deploy/docker-compose.yml needs without an image registry, from Debian's
# packages and Maven Central only (docs/deploy.md "Images without a registry"):
#
#   localhost/relaycast/debian:bookworm        Debian minbase, made by mmdebstrap, podman import
#   localhost/relaycast/maven:bookworm-jdk17   + openjdk-17-jdk-headless, maven (deploy/images/maven.Containerfile)
#   localhost/relaycast/prometheus:bookworm    + Debian's prometheus (deploy/images/prometheus.Containerfile)
#   localhost/relaycast/node:dev               deploy/Dockerfile on the first two
#
# Base images already present are kept (they change only with Debian); the node image is
# always rebuilt. --rebuild-bases makes the bases again. Run as root (mmdebstrap, podman).
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/podman-env.sh

rebuild_bases=false
for a in "$@"; do
    case "$a" in
        --rebuild-bases) rebuild_bases=true ;;
        *) echo "usage: deploy/build-images.sh [--rebuild-bases]" >&2; exit 2 ;;
    esac
done

SUITE=${RELAYCAST_DEBIAN_SUITE:-bookworm}
MIRROR=${RELAYCAST_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${RELAYCAST_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BASE=localhost/relaycast/debian:$SUITE
MAVEN=localhost/relaycast/maven:$SUITE-jdk17
PROMETHEUS=localhost/relaycast/prometheus:$SUITE
NODE=${NODE_IMAGE:-localhost/relaycast/node:dev}

if [ -z "${CONTAINERS_CONF:-}" ]; then
    relaycast_install_podman
    relaycast_podman_conf "${TMPDIR:-/tmp}/relaycast-podman"
fi

step() { printf '%(%H:%M:%S)T build-images: %s\n' -1 "$*" >&2; }
have() { ! $rebuild_bases && podman image exists "$1"; }
LOG=$(mktemp /tmp/relaycast-build-images.XXXXXX.log)
# Runs a command with its output in $LOG; on failure shows the end of it.
logged() {
    if ! "$@" >"$LOG" 2>&1; then
        tail -40 "$LOG" >&2
        echo "build-images: failed: $* (whole output in $LOG)" >&2
        exit 1
    fi
}
# --format docker keeps HEALTHCHECK (the OCI format has no field for it, podman drops it).
build() { logged podman build --format docker "$@"; }

if have "$BASE"; then
    step "$BASE present"
else
    step "$BASE: mmdebstrap $SUITE minbase from $MIRROR"
    # mmdebstrap's temporary root goes in a folder of ours, so a failed run's mounts can be
    # undone here; the eatmydata hook skips dpkg's fsyncs (the tarball is made at the end).
    tmp=$(mktemp -d)
    undo_mounts() { awk -v t="$tmp/" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | xargs -r umount -l; }
    trap 'undo_mounts; rm -rf "$tmp"' EXIT
    tar="$tmp/base.tar"
    for attempt in 1 2; do
        # minbase has bash, passwd (useradd) and apt; documentation and locales are left out
        # as in Docker's debian:*-slim.
        if TMPDIR="$tmp" mmdebstrap --variant=minbase --mode=root --format=tar \
            --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
            --aptopt='Apt::Install-Recommends "false"' \
            --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
            --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
            --dpkgopt='path-exclude=/usr/share/info/*' \
            "$SUITE" "$tar" \
            "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" \
            >"$LOG" 2>&1; then
            break
        fi
        tail -20 "$LOG" >&2
        # Seen once on a loaded machine: "umount .../proc: target is busy" at mmdebstrap's
        # own clean-up, after a complete install. Undo its mounts and try once more.
        [ $attempt = 1 ] || exit 1
        step "mmdebstrap failed; trying once more"
        undo_mounts
        find "$tmp" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true
    done
    podman import --quiet --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' "$tar" "$BASE" >/dev/null
    rm -rf "$tmp"
fi

if have "$MAVEN"; then
    step "$MAVEN present"
else
    step "$MAVEN: Debian's openjdk-17-jdk-headless and maven"
    build --build-arg "BASE_IMAGE=$BASE" -f deploy/images/maven.Containerfile -t "$MAVEN" deploy/images
fi

if have "$PROMETHEUS"; then
    step "$PROMETHEUS present"
else
    step "$PROMETHEUS: Debian's prometheus"
    build --build-arg "BASE_IMAGE=$BASE" -f deploy/images/prometheus.Containerfile -t "$PROMETHEUS" deploy/images
fi

step "$NODE: deploy/Dockerfile (Maven build in $MAVEN, runtime on $BASE)"
# The context is the repository root; podman reads deploy/Dockerfile.dockerignore like BuildKit.
# Maven in the build stage trusts what this host's Java trusts: where HTTPS goes through a
# TLS-inspecting proxy (as on the CI machines), its CA is only in the host's store. Mounted
# for the RUN steps only (podman build --volume), so it is not in the image.
trust=()
if [ -f /etc/ssl/certs/java/cacerts ]; then
    trust=(--volume /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
fi
build "${trust[@]}" --build-arg "MAVEN_IMAGE=$MAVEN" --build-arg "RUNTIME_IMAGE=$BASE" \
    --ignorefile deploy/Dockerfile.dockerignore -f deploy/Dockerfile -t "$NODE" .
rm -f "$LOG"
step "done: $(podman image inspect --format '{{.Size}}' "$NODE" | awk '{printf "%d MB", $1/1e6}') $NODE"
