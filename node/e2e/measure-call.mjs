// Measures a real call on one node (issue 3's closing figures):
//  - time from `welcome` to the first decoded video frame of every other peer, per joining browser;
//  - the node's CPU (share of one core) and resident memory with N browsers in one room.
// Usage (inside the namespace): ./run.sh --script measure-call.mjs [browsers=4] [seconds=20]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, launchChromium, joinPage, stats, waitFor } from './lib.mjs';

const browsers = Number(process.argv[2] || 4);
const seconds = Number(process.argv[3] || 20);
const clockTicks = 100; // USER_HZ on Linux

function procSample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { cpuSeconds: cpuTicks / clockTicks, rssMb: rssKb / 1024, at: Date.now() };
}

const node = await startNode({ RELAYCAST_NODE_ID: 'measure' });
const browser = await launchChromium();
const room = 'measure-' + Date.now();
const peers = [];
const firstFrame = [];
for (let i = 0; i < browsers; i++) {
  const p = await joinPage(browser, node, room, 'b' + i);
  const others = peers.map((o) => o.peerId);
  peers.push(p);
  if (others.length === 0) continue;
  // Poll often: the figure is the first moment framesDecoded > 0 for every other peer.
  const done = await waitFor('first frames', 20_000, async () => {
    const s = await stats(p);
    return others.every((id) => s[id] && s[id].framesDecoded > 0) && Date.now();
  });
  firstFrame.push(done - p.joinedAt);
}
await sleep(3000);
const start = procSample(node.proc.pid);
const samples = [];
for (let i = 0; i < seconds; i++) {
  await sleep(1000);
  samples.push(procSample(node.proc.pid));
}
const end = samples[samples.length - 1];
const cpu = (end.cpuSeconds - start.cpuSeconds) / ((end.at - start.at) / 1000);
const forwarded = await (await fetch(node.url + '/metrics')).text();
const fwd = forwarded.split('\n').filter((l) => l.startsWith('relaycast_forwarded_packets_total{'))
  .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
console.log(JSON.stringify({
  browsers,
  welcomeToFirstDecodedFrameMs: firstFrame,
  nodeCpuCoreShare: Number(cpu.toFixed(3)),
  nodeRssMb: { min: Math.min(...samples.map((s) => s.rssMb)).toFixed(0), max: Math.max(...samples.map((s) => s.rssMb)).toFixed(0) },
  forwardedPacketsTotal: fwd,
  measuredSeconds: seconds,
}, null, 2));
await browser.close();
await node.stop();
