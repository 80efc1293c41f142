// Issue 6: every metric in docs/metrics.md is exported, with plausible values, during a real call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, launchChromium, joinPage, waitFor, decodesAll } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const catalogue = readFileSync(path.resolve(here, '../../docs/metrics.md'), 'utf8')
  .split('\n').filter((l) => l.startsWith('| `'))
  .map((l) => {
    const cells = l.split('|').map((c) => c.trim());
    return { name: cells[1].replace(/`/g, ''), type: cells[2], moves: cells[5] === 'yes' };
  });

let node;
let browser;
before(async () => {
  node = await startNode({ RELAYCAST_NODE_ID: 'e2e-metrics' });
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
  if (node) await node.stop();
});

function samples(text, name) {
  // A summary is exported as name_count/_sum/_max; everything else under its own name.
  const names = [name, name + '_count', name + '_sum', name + '_max'];
  return text.split('\n').filter((l) => !l.startsWith('#') && names.some((n) => l.startsWith(n + '{') || l.startsWith(n + ' ')))
    .map((l) => ({ line: l, value: Number(l.slice(l.lastIndexOf(' ') + 1)) }));
}

test('every catalogued metric is present during a call, and the busy ones move', async () => {
  assert.ok(catalogue.length >= 20, `catalogue parsed: ${catalogue.length} metrics`);
  const room = 'metrics-' + Date.now();
  const peers = [await joinPage(browser, node, room, 'm1'), await joinPage(browser, node, room, 'm2')];
  for (const p of peers) {
    await waitFor(`${p.name} decoding`, 15_000, () => decodesAll(p, peers.filter((o) => o !== p).map((o) => o.peerId)));
  }
  // Receiver reports (RTT, loss) come every few seconds; wait until the call has produced some.
  const text = await waitFor('client RTT samples', 20_000, async () => {
    const t = await (await fetch(node.url + '/metrics')).text();
    const rtt = samples(t, 'relaycast_client_rtt_seconds').find((s) => s.line.startsWith('relaycast_client_rtt_seconds_count'));
    return rtt && rtt.value > 0 && t;
  });
  const missing = [];
  const still = [];
  for (const m of catalogue) {
    if (m.name.startsWith('relaycast_relay_')) continue; // cluster mode only: checked in cluster.test.mjs
    const s = samples(text, m.name);
    if (s.length === 0) {
      missing.push(m.name);
      continue;
    }
    for (const x of s) assert.ok(Number.isFinite(x.value) && x.value >= 0, `${x.line} is a plausible value`);
    if (m.moves && !s.some((x) => x.value > 0)) still.push(m.name);
  }
  assert.deepEqual(missing, [], 'catalogued metrics missing from /metrics');
  assert.deepEqual(still, [], 'metrics that should move during a call but are zero');
  const get = (line) => samples(text, line)[0];
  assert.equal(get('relaycast_peers').value, 2);
  assert.equal(get('relaycast_rooms').value, 1);
  const rtt = samples(text, 'relaycast_client_rtt_seconds').find((s) => s.line.startsWith('relaycast_client_rtt_seconds_max'));
  assert.ok(rtt.value < 1, `loopback RTT is well under a second: ${rtt.value}`);
});
