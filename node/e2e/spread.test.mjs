// Issue 14, a big room on every core: a room whose parts sit on two media workers of one node
// (RELAYCAST_ROOM_PEERS_PER_WORKER=1 spreads it from the second peer on) carries a real Chromium
// call as a room on one worker does: everyone decodes everyone, a late joiner too, and a leave
// reaches the other part.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchChromium, joinPage, waitFor, decodesAll, firstFramesFromAll, metricSum, received } from './lib.mjs';

let node;
let browser;

before(async () => {
  node = await startNode({
    RELAYCAST_NODE_ID: 'e2e-spread',
    RELAYCAST_MEDIA_WORKERS: '2',
    RELAYCAST_ROOM_PEERS_PER_WORKER: '1',
  });
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (node) {
    const { code } = await node.stop();
    assert.equal(code, 0, 'node exits 0 after SIGTERM drain');
  }
});

test('a room spread over two media workers', async (t) => {
  const room = 'e2e-spread-' + Date.now();
  const peers = [];
  for (const name of ['alice', 'bob', 'carol']) peers.push(await joinPage(browser, node, room, name));
  const ids = peers.map((p) => p.peerId);

  await t.test('the room has peers on both workers', async () => {
    assert.ok(await metricSum(node, 'relaycast_room_spreads_total') >= 1, 'the room spread');
    for (const w of ['0', '1']) {
      const n = await metricSum(node, 'relaycast_worker_peers', `worker="${w}"`);
      assert.ok(n >= 1, `worker ${w} holds ${n} peer(s)`);
    }
  });

  await t.test('each of three decodes video and receives audio from both others within 10 s', async () => {
    const allJoined = Math.max(...peers.map((p) => p.joinedAt));
    for (const p of peers) {
      const others = ids.filter((id) => id !== p.peerId);
      const remaining = 10_000 - (Date.now() - allJoined);
      await waitFor(`${p.name} decoding ${others}`, Math.max(remaining, 1), () => decodesAll(p, others));
    }
    t.diagnostic(`all three decoding each other ${Date.now() - allJoined} ms after the last join`);
  });

  await t.test('media crosses between the workers through the relay', async () => {
    const relayed = await waitFor('relayed packets between workers', 5_000, async () => {
      const v = await metricSum(node, 'relaycast_relay_packets_total', 'direction="out"');
      return v > 100 && v;
    });
    t.diagnostic(`${relayed} packets relayed between the workers so far`);
  });

  await t.test('a late fourth decodes everyone within 3 s of joining', async () => {
    const dave = await joinPage(browser, node, room, 'dave');
    await waitFor('dave decoding everyone', 3_000 - (Date.now() - dave.joinedAt), () => firstFramesFromAll(dave, ids));
    t.diagnostic(`late joiner decoded a frame from all three ${Date.now() - dave.joinedAt} ms after join`);
    await waitFor('dave steadily decoding everyone', 10_000, () => decodesAll(dave, ids));
    peers.push(dave);
  });

  await t.test('one leaves: every other peer, on either worker, gets peerLeft and keeps decoding', async () => {
    const leaver = peers.shift();
    await leaver.page.click('#leave');
    for (const p of peers) {
      await waitFor(`${p.name} got peerLeft`, 5_000, async () => (await received(p, 'peerLeft')) >= 1);
      const others = peers.filter((o) => o !== p).map((o) => o.peerId);
      await waitFor(`${p.name} still decoding the others`, 5_000, () => decodesAll(p, others));
    }
    await leaver.context.close();
  });

  for (const p of peers) assert.deepEqual(p.errors, [], `${p.name} page errors`);
});
