// Issue 13: the client library (/relaycast.js) through the demo page, across two nodes: a
// SIGKILLed node's client rejoins on the other node with media both ways within 10 s; mute and
// screen share are seen by the other side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchChromium, waitFor, decodesAll, stats } from './lib.mjs';

const clusterPorts = [5821, 5822];
const members = clusterPorts.map((p) => `127.0.0.1:${p}`).join(',');
const nodes = [];
let browser;

before(async () => {
  for (let i = 0; i < 2; i++) {
    nodes.push(await startNode({
      RELAYCAST_NODE_ID: `client-${'ab'[i]}`,
      RELAYCAST_CLUSTER: 'true',
      RELAYCAST_CLUSTER_HOST: '127.0.0.1',
      RELAYCAST_CLUSTER_PORT: String(clusterPorts[i]),
      RELAYCAST_CLUSTER_MEMBERS: members,
    }));
  }
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  for (const n of nodes) await n.kill();
});

/** Opens the demo on `node`, with every node given as `nodes` (this one first) for fail-over. */
async function open(node, others, room, name) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const list = [node, ...others].map((n) => n.url + '/').join(',');
  await page.goto(`${node.url}/?room=${room}&name=${name}&autojoin&w=160&h=120&fps=10&nodes=${encodeURIComponent(list)}`);
  await page.waitForFunction(() => window.relaycast && window.relaycast.state.peerId, null, { timeout: 20_000 });
  const peer = { page, context, name, errors };
  peer.id = () => page.evaluate(() => window.relaycast.state.peerId);
  peer.nodeId = () => page.evaluate(() => window.relaycast.state.nodeId);
  peer.peerId = await peer.id();
  return peer;
}

/** The remote tracks `peer` holds for `from`, as the library reports them. */
function remoteTracks(peer, from) {
  return peer.page.evaluate((id) => {
    const p = window.relaycast.client().peers.get(id);
    return p ? [...p.tracks.values()].map((t) => ({ trackId: t.trackId, kind: t.kind, mid: t.mid, muted: t.track.muted })) : [];
  }, from);
}

test('the client library across two nodes', async (t) => {
  const room = 'lib-' + Date.now();
  const [a, b] = nodes;
  const x = await open(a, [b], room, 'x-on-a');
  const y = await open(b, [a], room, 'y-on-b');
  await waitFor('both decoding each other', 20_000, async () =>
    (await decodesAll(x, [y.peerId])) && decodesAll(y, [x.peerId]));

  await t.test('mute: the other side sees the microphone track muted, and unmute brings audio back', async () => {
    const before = await remoteTracks(y, x.peerId);
    const audio = before.find((r) => r.kind === 'audio');
    assert.ok(audio, 'y has x\'s audio track: ' + JSON.stringify(before));
    await x.page.click('#mute');
    await waitFor('x\'s audio muted at y', 10_000, () => y.page.evaluate((mid) => {
      const tr = window.relaycast.client().pc.getTransceivers().find((r) => r.mid === mid);
      return tr && tr.receiver.track.muted;
    }, audio.mid));
    await waitFor('the muted label on x\'s tile at y', 5_000, () => y.page.evaluate((id) =>
      document.querySelector(`#tile-${id} .name`).dataset.muted === '(muted)', x.peerId));
    assert.equal(await x.page.getAttribute('#mute', 'aria-pressed'), 'true');
    const base = await stats(y);
    await x.page.click('#mute');
    await waitFor('x\'s audio flowing again at y', 10_000, async () => {
      const s = (await stats(y))[x.peerId];
      return s && s.audioBytes > (base[x.peerId] ? 0 : 0) + 500 && (await remoteTracks(y, x.peerId)).some((r) => r.kind === 'audio' && !r.muted);
    });
  });

  await t.test('screen share: the other side decodes a second video track from the sharer', async () => {
    await x.page.click('#share');
    await waitFor('x sharing', 10_000, () => x.page.evaluate(() => window.relaycast.client().local.has('screen')))
      .catch(async (e) => { throw new Error(e.message + ' ' + await x.page.textContent('#error')); });
    const s = await waitFor('two video tracks of x decoded at y', 15_000, async () => {
      const st = await y.page.evaluate(async () => (await window.relaycast.client().stats()).remote);
      const videos = st.filter((r) => r.peerId === x.peerId && r.kind === 'video');
      return videos.length === 2 && videos.every((v) => v.framesDecoded > 5) && videos;
    });
    t.diagnostic(`y decodes x's camera and screen: ${s.map((v) => `${v.width}x${v.height} ${v.framesDecoded} frames`).join(', ')}`);
    assert.ok(await y.page.$(`[id^="screen-${x.peerId}-"]`), 'a screen tile for x at y');
  });

  await t.test('SIGKILL of x\'s node: x is back on node B with media both ways within 10 s', async () => {
    const killedAt = Date.now();
    await a.kill();
    const back = await waitFor('x rejoined on node B', 10_000, async () => {
      const [id, node] = [await x.id(), await x.nodeId()];
      return id !== x.peerId && node === 'client-b' && id;
    });
    await waitFor('media both ways after the rejoin', Math.max(1, 10_000 - (Date.now() - killedAt)), async () =>
      (await decodesAll(x, [y.peerId])) && decodesAll(y, [back]));
    t.diagnostic(`x rejoined on node B and media flows both ways ${Date.now() - killedAt} ms after SIGKILL of node A`);
    // x republished what it had: its screen share is back too.
    await waitFor('x\'s screen share republished', 10_000, async () =>
      ((await stats(y))[back] || {}).videoTracks === 2);
    // The ghost of x's old peer id leaves y's view once the cluster notices node A died.
    await waitFor('x\'s old tile gone at y', 20_000, () => y.page.evaluate((id) => !document.getElementById('tile-' + id), x.peerId));
    assert.deepEqual([...x.errors, ...y.errors], []);
  });
});
