#!/usr/bin/env bash
# Runs Debian 12's simple-whip-client (`whip-client`, GStreamer webrtcbin) with its arguments.
#
# run.sh installs the packages before it enters the namespace (where nothing can be downloaded).
#
# Why a wrapper: whip-client links libsoup2, while libnice links libgupnp-igd, which pulls in
# libgupnp-1.6 and so libsoup3; libsoup3 aborts at load time when it sees libsoup2 ("libsoup2
# symbols detected. Using libsoup2 and libsoup3 in the same process is not supported."). A stub
# libgupnp-igd whose gupnp_simple_igd_thread_new() returns NULL breaks that chain; libnice then
# runs without UPnP port mapping, which it treats as unavailable, and which no test wants anyway
# (UPnP would send SSDP multicast). Installs the Debian packages it needs on first use.
set -euo pipefail
if ! command -v whip-client >/dev/null; then
  echo "e2e: installing Debian's simple-whip-client" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq simple-whip-client >/dev/null
fi
command -v cc >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null; }
stub_dir="${TMPDIR:-/tmp}/relaycast-whip-stub"
if [ ! -f "$stub_dir/libgupnp-igd-1.0.so.4" ]; then
  mkdir -p "$stub_dir"
  cat > "$stub_dir/igd.c" <<'C'
/* The four symbols libnice imports from libgupnp-igd-1.0; NULL from thread_new means "no UPnP". */
void *gupnp_simple_igd_thread_new(void) { return 0; }
unsigned long gupnp_simple_igd_get_type(void) { return 0; }
void gupnp_simple_igd_add_port(void *s, const char *p, unsigned short e, const char *ip,
                               unsigned short l, unsigned lease, const char *d) {}
void gupnp_simple_igd_remove_port_local(void *s, const char *p, const char *ip, unsigned short l) {}
C
  cc -shared -fPIC -Wl,-soname,libgupnp-igd-1.0.so.4 -o "$stub_dir/libgupnp-igd-1.0.so.4.tmp" "$stub_dir/igd.c"
  mv "$stub_dir/libgupnp-igd-1.0.so.4.tmp" "$stub_dir/libgupnp-igd-1.0.so.4"
fi
exec env LD_LIBRARY_PATH="$stub_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" whip-client "$@"
