// A network partition and its heal, with three real node processes (the packaged jar), each in a
// network namespace of its own that this test creates (BROWSERS.md): 10.78.0.1-3, joined by a
// bridge in run.sh's namespace, where this test and its clients run (10.78.0.254). The partition
// cuts node 2 off from nodes 1 and 3 (cluster and event-bus traffic) with blackhole routes on
// both sides; the clients keep reaching every node. No packet leaves the namespaces.
//
// Checks issue 11's "must show": a 3 s cut causes no peerLeft; a 20 s cut, during which a peer
// leaves and a new one joins on each side, heals within 15 s: every member has been told about
// every live peer exactly once (joined/left balanced), /api/rooms agrees on every node, a late
// joiner's welcome lists everyone, and media flows between every pair of nodes in the healed room
// (load harness clients, one per node, each receiving every other publisher).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_JAR = process.env.RELAYCAST_JAR || path.resolve(here, '../target/relaycast-node.jar');
const LOAD_JAR = path.resolve(here, '../../load-tests/target/relaycast-load.jar');
if (!process.env.RELAYCAST_E2E_NETNS) {
  throw new Error('e2e tests must run inside the namespace run.sh creates (node/e2e/run.sh)');
}

const tag = String(process.pid % 100000);
const nsName = (i) => `rcp${tag}-${i}`;
const bridge = `rcpbr${tag}`;
const addr = (i) => `10.78.0.${i}`;
const HUB = '10.78.0.254';
const NODES = [1, 2, 3];
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-partition-'));

function sh(...args) {
  return execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function createNetwork() {
  sh('ip', 'link', 'add', bridge, 'type', 'bridge');
  sh('ip', 'addr', 'add', `${HUB}/24`, 'dev', bridge);
  sh('ip', 'link', 'set', bridge, 'up');
  for (const i of NODES) {
    const ns = nsName(i);
    sh('ip', 'netns', 'add', ns);
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    // veth: one end (eth0) in the node's namespace, the other on the bridge here.
    sh('ip', 'link', 'add', `rcp${tag}h${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    sh('ip', 'link', 'set', `rcp${tag}h${i}`, 'master', bridge);
    sh('ip', 'link', 'set', `rcp${tag}h${i}`, 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${addr(i)}/24`, 'dev', 'eth0');
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up');
  }
}

function destroyNetwork() {
  for (const i of NODES) {
    const ns = nsName(i);
    let pids = '';
    try { pids = sh('ip', 'netns', 'pids', ns); } catch { /* gone */ }
    for (const pid of pids.split(/\s+/).filter(Boolean)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
    try { sh('ip', 'netns', 'del', ns); } catch { /* gone */ }
  }
  try { sh('ip', 'link', 'del', bridge); } catch { /* gone */ }
}

/** Cuts node 2 off from nodes 1 and 3: silent drops both ways, as a failed switch port would. */
function cut() {
  for (const [from, to] of [[2, 1], [2, 3], [1, 2], [3, 2]]) {
    sh('ip', 'netns', 'exec', nsName(from), 'ip', 'route', 'add', 'blackhole', `${addr(to)}/32`);
  }
}

function heal() {
  for (const [from, to] of [[2, 1], [2, 3], [1, 2], [3, 2]]) {
    sh('ip', 'netns', 'exec', nsName(from), 'ip', 'route', 'del', 'blackhole', `${addr(to)}/32`);
  }
}

const procs = [];

async function startNode(i) {
  const members = NODES.map((n) => `${addr(n)}:5701`).join(',');
  const env = {
    ...process.env,
    RELAYCAST_NODE_ID: `n${i}`,
    RELAYCAST_HTTP_HOST: addr(i),
    RELAYCAST_HTTP_PORT: '3000',
    RELAYCAST_MEDIA_HOST: addr(i),
    RELAYCAST_MEDIA_PORT: '40000',
    RELAYCAST_MEDIA_WORKERS: '1',
    RELAYCAST_ADVERTISED_IP: addr(i),
    RELAYCAST_CLUSTER: 'true',
    RELAYCAST_CLUSTER_HOST: addr(i),
    RELAYCAST_CLUSTER_PORT: '5701',
    RELAYCAST_CLUSTER_MEMBERS: members,
    RELAYCAST_EVENTBUS_PORT: '5801',
  };
  const log = fs.openSync(path.join(logDir, `n${i}.log`), 'w');
  const proc = spawn('ip', ['netns', 'exec', nsName(i), 'java', '-Xmx256m', '-jar', NODE_JAR],
    { env, stdio: ['ignore', log, log] });
  procs.push(proc);
  const deadline = Date.now() + 300_000; // JVM start on a loaded 2-core machine
  for (;;) {
    const res = await fetch(`http://${addr(i)}:3000/ready`).catch(() => null);
    if (res && res.status === 200) return;
    if (proc.exitCode !== null) throw new Error(`node ${i} exited during start; log in ${logDir}`);
    if (Date.now() > deadline) throw new Error(`node ${i} not ready; log in ${logDir}`);
    await sleep(300);
  }
}

/**
 * A plain WebSocket member: records its welcome and every peerJoined/peerLeft, and checks the
 * protocol's balance as events come: never told of a peer it already knows, never told a peer
 * it does not know left.
 */
class Member {
  constructor(node, name) {
    this.node = node;
    this.name = name;
    this.known = new Map(); // peerId -> name
    this.events = [];
    this.violations = [];
  }

  static async join(node, room, name) {
    const m = new Member(node, name);
    await m.open(room);
    return m;
  }

  open(room) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${addr(this.node)}:3000/ws`);
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error(`${this.name}: no welcome`)), 20_000);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'join', roomId: room, name: this.name }));
      ws.onerror = (e) => reject(new Error(`${this.name}: ${e.message || 'socket error'}`));
      ws.onmessage = (ev) => {
        const msg = JSON.parse(ev.data);
        if (msg.type === 'welcome') {
          clearTimeout(timer);
          this.peerId = msg.peerId;
          this.welcome = msg.peers;
          for (const p of msg.peers) this.known.set(p.peerId, p.name);
          resolve();
        } else if (msg.type === 'peerJoined') {
          this.events.push({ t: Date.now(), type: 'joined', peerId: msg.peer.peerId });
          if (this.known.has(msg.peer.peerId)) this.violations.push(`${this.name}: peerJoined twice for ${msg.peer.name}`);
          this.known.set(msg.peer.peerId, msg.peer.name);
        } else if (msg.type === 'peerLeft') {
          this.events.push({ t: Date.now(), type: 'left', peerId: msg.peerId });
          if (!this.known.has(msg.peerId)) this.violations.push(`${this.name}: peerLeft for unknown ${msg.peerId}`);
          this.known.delete(msg.peerId);
        }
      };
    });
  }

  leave() {
    this.ws.send(JSON.stringify({ type: 'leave' }));
  }

  close() {
    try { this.ws.close(); } catch { /* closed */ }
  }

  lefts() {
    return this.events.filter((e) => e.type === 'left');
  }
}

async function roomsOn(i, room) {
  const res = await fetch(`http://${addr(i)}:3000/api/rooms`);
  const all = (await res.json()).rooms;
  const r = all.find((x) => x.roomId === room);
  return new Set(r ? r.peers.map((p) => p.peerId) : []);
}

const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

/** Every live member knows exactly the other live members, and every node's /api/rooms lists them. */
async function converged(members, room) {
  const live = new Set(members.map((m) => m.peerId));
  for (const m of members) {
    const expected = new Set([...live].filter((p) => p !== m.peerId));
    if (!sameSet(new Set(m.known.keys()), expected)) return `${m.name} knows ${[...m.known.values()].sort()}`;
  }
  for (const i of NODES) {
    const listed = await roomsOn(i, room).catch(() => new Set());
    if (!sameSet(listed, live)) return `node ${i} /api/rooms lists ${listed.size} of ${live.size}`;
  }
  return null;
}

async function waitConverged(members, room, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let why;
  while (Date.now() < deadline) {
    why = await converged(members, room);
    if (!why) return;
    await sleep(250);
  }
  assert.fail(`not converged within ${seconds} s: ${why}; node logs in ${logDir}`);
}

/** Load-harness clients, one per node, all publishing audio: returns its result.json. */
function harness(room) {
  const out = fs.mkdtempSync(path.join(logDir, 'load-'));
  const res = spawn('java', ['-Xmx256m', '-jar', LOAD_JAR, '--target', 'relaycast',
    '--url', NODES.map((i) => `http://${addr(i)}:3000`).join(','), '--rooms', '1', '--peers', '3',
    '--no-video', '--duration', '6', '--warmup', '0', '--ramp-up', '10', '--bind', HUB, '--out', out,
    '--no-progress', '--label', room], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  res.stdout.on('data', (d) => { text += d; });
  res.stderr.on('data', (d) => { text += d; });
  return new Promise((resolve, reject) => res.on('exit', (code) => {
    try {
      resolve({ code, text, result: JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')) });
    } catch (e) {
      reject(new Error(`harness exited ${code} without a result:\n${text}`));
    }
  }));
}

test('partition: a 3 s cut is survived silently, a 20 s cut heals exactly within 15 s', { timeout: 600_000 }, async (t) => {
  assert.ok(fs.existsSync(NODE_JAR), `${NODE_JAR} missing: mvn package first`);
  assert.ok(fs.existsSync(LOAD_JAR), `${LOAD_JAR} missing: mvn package first`);
  destroyNetwork();
  createNetwork();
  t.after(() => {
    for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
    destroyNetwork();
  });
  await Promise.all(NODES.map(startNode));

  const room = 'heal';
  const a1 = await Member.join(1, room, 'a1');
  const b1 = await Member.join(1, room, 'b1');
  const a2 = await Member.join(2, room, 'a2');
  const b2 = await Member.join(2, room, 'b2');
  const a3 = await Member.join(3, room, 'a3');
  let members = [a1, b1, a2, b2, a3];
  // Nodes started at once may have formed separate clusters first and merged since: the
  // reconciliation must have made every view whole.
  await waitConverged(members, room, 60);
  t.diagnostic(`cluster formed, ${members.length} members on 3 nodes`);

  // 1. A blip below the heartbeat timeout: nobody is told anything.
  const before = members.map((m) => m.events.length);
  cut();
  await sleep(3000);
  heal();
  await sleep(8000);
  members.forEach((m, k) => assert.deepEqual(m.events.slice(before[k]), [], `${m.name} was told something after a 3 s cut`));
  assert.equal(await converged(members, room), null);
  t.diagnostic('3 s cut: no peerLeft, no peerJoined');

  // 2. A 20 s cut with a leave and a join on each side.
  const cutAt = Date.now();
  cut();
  // Both sides declare the other gone after Hazelcast's heartbeat timeout (8 s); a side that lost
  // its master first elects a new one, which can add a few seconds. Wait for it, but within the
  // cut: the leave and joins below must still happen during it.
  const toldBothSides = () => a1.lefts().some((e) => e.peerId === a2.peerId) && a2.lefts().some((e) => e.peerId === a1.peerId);
  while (!toldBothSides() && Date.now() - cutAt < 16_000) await sleep(250);
  t.diagnostic(`20 s cut: both sides told the other's peers left ${((Date.now() - cutAt) / 1000).toFixed(1)} s after the cut`);
  assert.ok(a1.lefts().some((e) => e.peerId === a2.peerId), 'node 1 members were told node 2 peers left during the cut');
  assert.ok(a2.lefts().some((e) => e.peerId === a1.peerId), 'node 2 members were told node 1 peers left during the cut');
  b1.leave();
  b2.leave();
  const c1 = await Member.join(1, room, 'c1');
  const c2 = await Member.join(2, room, 'c2');
  members = [a1, c1, a2, c2, a3];
  await sleep(Math.max(0, 20_000 - (Date.now() - cutAt)));
  heal();
  const healedAt = Date.now();
  await waitConverged(members, room, 15);
  const healSeconds = (Date.now() - healedAt) / 1000;
  t.diagnostic(`20 s cut healed: every view whole ${healSeconds.toFixed(1)} s after the network came back`);
  // Reconciliation passes run for ~10 s after the last view change: nothing may move after
  // convergence (no peer announced twice, no late peerLeft).
  await sleep(12_000);
  assert.equal(await converged(members, room), null, 'views changed after convergence');
  for (const m of members) assert.deepEqual(m.violations, [], `${m.name}: unbalanced announcements`);
  for (const gone of [b1, b2]) {
    for (const m of members) assert.ok(!m.known.has(gone.peerId), `${m.name} still lists ${gone.name}`);
  }

  // A late joiner on each side sees everyone in its welcome.
  for (const i of [2, 3]) {
    const late = await Member.join(i, room, `late${i}`);
    assert.deepEqual(new Set(late.welcome.map((p) => p.peerId)), new Set(members.map((m) => m.peerId)),
      `late joiner on node ${i}`);
    late.leave();
    await sleep(500);
  }

  // Media across every pair of healed nodes, in the room that lived through the partition.
  const { result, text } = await harness(room);
  const streams = result.streams.filter((s) => s.packets > 0);
  t.diagnostic(`harness: ${result.streams.length} streams, packets ${result.streams.map((s) => s.packets).join(' ')}`);
  assert.equal(result.quality.expectedTrackStreams, 6, text);
  assert.equal(streams.length, 6, `every publisher at every other node's subscriber:\n${text}`);
  for (const m of members) m.close();
});
