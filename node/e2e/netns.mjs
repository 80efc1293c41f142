// Subscribers in network namespaces of their own (BROWSERS.md), so that one browser's downlink can
// be shaped with tc while another's is not. Called from inside run.sh's namespace: a bridge there
// (address `hub`) with one veth per subscriber namespace (10.78.0.<i>, default route via the hub,
// so nothing leaves run.sh's namespace). Nodes bind and advertise `hub` for media. Chromium's
// resolver rule (BROWSERS.md) lets a page reach only 127.0.0.1 over HTTP, so each namespace runs
// tcp-forward.mjs from its loopback to the nodes' signaling ports; the media crosses the veth,
// where `shape` puts a token bucket on what the bridge sends to that subscriber.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function sh(...args) {
  return execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/**
 * Makes the bridge and `count` subscriber namespaces (numbered 1..count). Returns helpers; call
 * `destroy()` at the end (it also kills whatever still runs in the namespaces).
 */
export function subscriberNetwork(count, { subnet = '10.78.0', prefix = 'rcw' } = {}) {
  const tag = String(process.pid % 100000);
  const hub = `${subnet}.254`;
  const bridge = `${prefix}br${tag}`;
  const nsName = (i) => `${prefix}${tag}-${i}`;
  const hostVeth = (i) => `${prefix}${tag}h${i}`;
  const wrappers = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-netns-'));
  const forwarders = [];
  const ids = Array.from({ length: count }, (_, k) => k + 1);

  function destroy() {
    for (const f of forwarders) f.kill('SIGKILL');
    for (const i of ids) {
      let pids = '';
      try { pids = sh('ip', 'netns', 'pids', nsName(i)); } catch { /* gone */ }
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
      try { sh('ip', 'netns', 'del', nsName(i)); } catch { /* gone */ }
    }
    try { sh('ip', 'link', 'del', bridge); } catch { /* gone */ }
    fs.rmSync(wrappers, { recursive: true, force: true });
  }

  destroy();
  fs.mkdirSync(wrappers, { recursive: true });
  sh('ip', 'link', 'add', bridge, 'type', 'bridge');
  sh('ip', 'addr', 'add', `${hub}/24`, 'dev', bridge);
  sh('ip', 'link', 'set', bridge, 'up');
  for (const i of ids) {
    const ns = nsName(i);
    sh('ip', 'netns', 'add', ns);
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    sh('ip', 'link', 'add', hostVeth(i), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    sh('ip', 'link', 'set', hostVeth(i), 'master', bridge);
    sh('ip', 'link', 'set', hostVeth(i), 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${subnet}.${i}/24`, 'dev', 'eth0');
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', hub, 'dev', 'eth0');
    // Chromium runs in the namespace through this wrapper; Playwright talks to it over a pipe.
    fs.writeFileSync(path.join(wrappers, `chromium-${i}`),
      `#!/bin/sh\nexec ip netns exec ${ns} /usr/lib/chromium/chromium "$@"\n`, { mode: 0o755 });
  }

  return {
    hub,
    nsName,
    hostVeth,
    destroy,
    /** The executable for launchChromium that runs Chromium in namespace i. */
    chromium: (i) => path.join(wrappers, `chromium-${i}`),
    /** Forwards 127.0.0.1:<port> in namespace i to hub:<port>, for each port; resolves when listening. */
    async forward(i, ports) {
      const proc = spawn('ip', ['netns', 'exec', nsName(i), process.execPath, path.join(here, 'tcp-forward.mjs'), hub,
        ...ports.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
      forwarders.push(proc);
      await new Promise((resolve, reject) => {
        proc.stdout.once('data', resolve);
        proc.once('exit', (code) => reject(new Error(`tcp-forward in ${nsName(i)} exited with ${code}`)));
      });
    },
    /**
     * Shapes subscriber i's downlink (what the bridge sends into its veth) to `rate`, e.g.
     * '300kbit': a token bucket with 200 ms of queue whose peak rate is barely above `rate`.
     * Without the peak rate the bucket's burst lets a small probe through at full speed and
     * makes 300 kbit/s look like far more to the node's estimator (docs/architecture.md
     * "Bandwidth estimation per subscriber"). This kernel has no netem.
     */
    shape(i, rate) {
      sh('tc', 'qdisc', 'replace', 'dev', hostVeth(i), 'root', 'tbf', 'rate', rate, 'burst', '2kb', 'latency', '200ms',
        'peakrate', `${Math.round(parseInt(rate, 10) * 1.1)}kbit`, 'mtu', '1600');
    },
    unshape(i) {
      try { sh('tc', 'qdisc', 'del', 'dev', hostVeth(i), 'root'); } catch { /* not shaped */ }
    },
  };
}
