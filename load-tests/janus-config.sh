#!/usr/bin/env bash
# Writes a Janus 1.1.2 configuration for namespace-only benchmarks into <dir>, as
# ../shared/BROWSERS.md says: its own config folder; plugin and transport folders holding only
# libjanus_videoroom.so and libjanus_http.so (no event handlers, no loggers); ICE on the one veth
# <veth> with address <address>, no IPv6, no mDNS, no STUN; HTTP API on 127.0.0.1:8088, admin off.
# Installs the Debian package first if janus is missing.
#
#   load-tests/janus-config.sh <dir> <address> <veth>
#   ip netns exec <ns> janus -C <dir>/janus.jcfg -F <dir> -o      (stop it by its own PID)
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 <dir> <address> <veth>" >&2; exit 2; }
dir=$1 addr=$2 veth=$3
if ! command -v janus >/dev/null; then
  apt-get install -y janus
fi
lib=/usr/lib/x86_64-linux-gnu/janus
[ -d "$lib" ] || lib=$(dirname "$(dpkg -L janus | grep '/plugins/libjanus_videoroom.so$' | head -1)")/..
mkdir -p "$dir/plugins" "$dir/transports" "$dir/events" "$dir/loggers"
ln -sf "$lib/plugins/libjanus_videoroom.so" "$dir/plugins/"
ln -sf "$lib/transports/libjanus_http.so" "$dir/transports/"

cat >"$dir/janus.jcfg" <<JCFG
general: {
	configs_folder = "$dir"
	plugins_folder = "$dir/plugins"
	transports_folder = "$dir/transports"
	events_folder = "$dir/events"
	loggers_folder = "$dir/loggers"
	debug_level = 3
	interface = "$addr"
	server_name = "relaycast-bench"
	session_timeout = 60
	hide_dependencies = true
}
certificates: {
}
media: {
	ipv6 = false
	rtp_port_range = "20000-40000"
}
nat: {
	nice_debug = false
	ignore_mdns = true
	ice_enforce_list = "$veth"
	full_trickle = false
	ice_lite = false
	ice_tcp = false
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
	broadcast = false
}
JCFG

cat >"$dir/janus.transport.http.jcfg" <<JCFG
general: {
	json = "plain"
	base_path = "/janus"
	http = true
	port = 8088
	ip = "127.0.0.1"
	https = false
}
admin: {
	admin_http = false
	admin_https = false
}
cors: {
}
JCFG

# No rooms here: the harness creates them over the API (JanusPeer.createRooms).
cat >"$dir/janus.plugin.videoroom.jcfg" <<JCFG
general: {
}
JCFG
echo "janus config in $dir (interface $addr, veth $veth)" >&2
