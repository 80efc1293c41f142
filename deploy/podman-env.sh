# Sourced by deploy/build-images.sh and deploy/check.sh: installs what running the images with
# podman needs (Debian's packages) and adapts podman to machines like the CI ones.
#
# Two things podman 4.3.1's defaults get wrong on a machine without CAP_SYS_RESOURCE and with
# cgroups v1 (docs/deploy.md "Podman on this kind of machine"):
#   - it asks for nofile 1048576 and nproc 4194304 in every container; setrlimit is refused
#     ("OCI permission denied"), so the limits are set to what this process may give;
#   - crun refuses hybrid cgroups ("cgroups in hybrid mode not supported"), runc does not.
# The settings go into a containers.conf of our own (CONTAINERS_CONF), never into /etc.

relaycast_install_podman() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
    command -v eatmydata >/dev/null || missing+=(eatmydata)
    command -v runc >/dev/null || missing+=(runc)
    command -v netavark >/dev/null || [ -x /usr/lib/podman/netavark ] || missing+=(netavark)
    [ -x /usr/lib/podman/aardvark-dns ] || missing+=(aardvark-dns)
    command -v iptables >/dev/null || missing+=(iptables)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v curl >/dev/null || missing+=(curl)
    command -v jq >/dev/null || missing+=(jq)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing Debian packages: ${missing[*]}" >&2
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
            --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Writes $1/containers.conf and exports CONTAINERS_CONF pointing at it.
relaycast_podman_conf() {
    local dir=$1 nofile nproc runtime=""
    nofile=$(ulimit -Hn)
    if [ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ]; then nofile=1048576; fi
    # podman 4.3.1 runs itself (and so conmon and the runtime) with nproc 32768: a container
    # cannot be given more.
    nproc=$(ulimit -Hu)
    if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
    if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
        runtime='runtime = "runc"'
    fi
    mkdir -p "$dir"
    cat > "$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
$runtime
CONF
    export CONTAINERS_CONF="$dir/containers.conf"
}
