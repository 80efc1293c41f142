// Issue 4: rooms span nodes. Three packaged node processes in one cluster, a browser on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchChromium, joinPage, waitFor, decodesAll, metricSum, received, stats } from './lib.mjs';

const names = ['node-a', 'node-b', 'node-c'];
const clusterPorts = [5801, 5802, 5803];
const members = clusterPorts.map((p) => `127.0.0.1:${p}`).join(',');
let nodes = [];
let browser;

before(async () => {
  // Sequentially: the first forms the cluster, the others join it.
  for (let i = 0; i < 3; i++) {
    nodes.push(await startNode({
      RELAYCAST_NODE_ID: names[i],
      RELAYCAST_CLUSTER: 'true',
      RELAYCAST_CLUSTER_HOST: '127.0.0.1',
      RELAYCAST_CLUSTER_PORT: String(clusterPorts[i]),
      RELAYCAST_CLUSTER_MEMBERS: members,
      RELAYCAST_DRAIN_SECONDS: '3',
    }));
  }
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  for (const n of nodes) await n.kill();
});


test('a room across three nodes', async (t) => {
  const room = 'span-' + Date.now();
  const [a, b, c] = nodes;
  const peers = [await joinPage(browser, a, room, 'on-a'), await joinPage(browser, b, room, 'on-b'), await joinPage(browser, c, room, 'on-c')];
  const ids = () => peers.map((p) => p.peerId);

  await t.test('one browser per node: each decodes video and hears both others within 15 s', async () => {
    // The clock starts when the last of the three joined: no one can decode a peer before it joins.
    const allJoined = Math.max(...peers.map((p) => p.joinedAt));
    for (const p of peers) {
      const others = ids().filter((id) => id !== p.peerId);
      await waitFor(`${p.name} decoding ${others}`, Math.max(15_000 - (Date.now() - allJoined), 1), () => decodesAll(p, others));
    }
    t.diagnostic(`all three decoding each other across nodes ${Date.now() - allJoined} ms after the last join`);
  });

  await t.test('two subscribers on one remote node cost one relayed copy per packet', async () => {
    // A second browser on node B: A's tracks now have two subscribers on B and one on C.
    const b2 = await joinPage(browser, b, room, 'on-b-2');
    await waitFor('second browser on B decoding A', 15_000, () => decodesAll(b2, [peers[0].peerId]));
    const outTo = async (remote) => {
      const text = await (await fetch(a.url + '/metrics')).text();
      return text.split('\n').filter((l) => l.startsWith('relaycast_relay_packets_total{')
        && l.includes('direction="out"') && l.includes(`remote="${remote}"`))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const b0 = await outTo('node-b');
    const c0 = await outTo('node-c');
    await new Promise((r) => setTimeout(r, 5000));
    const toB = (await outTo('node-b')) - b0;
    const toC = (await outTo('node-c')) - c0;
    t.diagnostic(`relayed packets from node-a in 5 s: to node-b (2 subscribers) ${toB}, to node-c (1 subscriber) ${toC}`);
    assert.ok(toC > 100, `relay to node-c flows (${toC})`);
    const ratio = toB / toC;
    assert.ok(ratio > 0.8 && ratio < 1.25, `one copy per packet per node, not per subscriber: ratio ${ratio.toFixed(2)}`);
    await b2.page.click('#leave');
    await b2.context.close();
  });

  await t.test('one member per node: the loud one is named to every member within 2 s, a swap within 3 s', async () => {
    // Chromium's fake microphone beeps; each member's microphone is replaced by WebAudio: a steady
    // tone for the loud one, silence for the others, so the RFC 6464 levels decide. Each node
    // decides from the audio it sees (local, or relayed once per node) and tells its own members
    // with dominantSpeaker; the demo page frames that member's tile.
    const sound = (peer, loud) => peer.page.evaluate(async (loud) => {
      const w = window;
      if (!w.rcTone) {
        const ctx = new AudioContext();
        await ctx.resume();
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        const dst = ctx.createMediaStreamDestination();
        osc.connect(gain);
        gain.connect(dst);
        osc.start();
        const sender = window.relaycast.client().pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
        await sender.replaceTrack(dst.stream.getAudioTracks()[0]);
        w.rcTone = gain;
      }
      w.rcTone.gain.value = loud ? 0.5 : 0;
    }, loud);
    const everyoneNames = async (who, timeoutMs) => {
      const start = Date.now();
      await waitFor(`every member told that ${who.name} speaks`, timeoutMs, async () => {
        const current = await Promise.all(peers.map((p) => p.page.evaluate(() => window.relaycast.client().speaker)));
        return current.every((id) => id === who.peerId);
      });
      const took = Date.now() - start;
      // The demo page frames the speaker's tile at every other member.
      for (const p of peers.filter((q) => q !== who)) {
        await waitFor(`${p.name} framing ${who.name}'s tile`, 1_000,
          () => p.page.evaluate((id) => document.getElementById('tile-' + id)?.classList.contains('speaking')
            && document.querySelectorAll('.tile.speaking').length === 1, who.peerId));
      }
      return took;
    };
    await sound(peers[0], false);
    await sound(peers[2], false);
    await sound(peers[1], true);
    t.diagnostic(`dominantSpeaker on-b at all three nodes' members ${await everyoneNames(peers[1], 2_000)} ms after its tone started`);
    await sound(peers[1], false);
    await sound(peers[2], true);
    t.diagnostic(`swapped: dominantSpeaker on-c at every member ${await everyoneNames(peers[2], 3_000)} ms after on-b went silent and on-c loud`);
  });

  await t.test('SIGKILL a node: the others get peerLeft within 15 s and keep decoding', async () => {
    const victim = peers[2];
    const survivors = peers.slice(0, 2);
    const before = await Promise.all(survivors.map((p) => stats(p)));
    const leftBefore = await Promise.all(survivors.map((p) => received(p, 'peerLeft')));
    const killedAt = Date.now();
    await nodes[2].kill();
    for (const [i, p] of survivors.entries()) {
      await waitFor(`${p.name} peerLeft for the killed node's peer`, 15_000 - (Date.now() - killedAt), async () =>
        (await received(p, 'peerLeft')) > leftBefore[i]
        && await p.page.evaluate((id) => !document.getElementById('tile-' + id), victim.peerId));
      const other = survivors.find((o) => o !== p).peerId;
      await waitFor(`${p.name} still decoding ${other}`, 5_000, () => decodesAll(p, [other], before[i]));
    }
    t.diagnostic(`peerLeft reached both survivors ${Date.now() - killedAt} ms after SIGKILL`);
    await victim.context.close();
    // The victim's user comes back on a surviving node and is seen and sees everyone again.
    const again = await joinPage(browser, a, room, 'on-c-again');
    peers[2] = again;
    for (const p of peers) {
      const others = ids().filter((id) => id !== p.peerId);
      await waitFor(`${p.name} decoding ${others} after the rejoin`, 15_000, () => decodesAll(p, others));
    }
  });

  await t.test('SIGTERM a node: it drains and exits 0', async () => {
    const started = Date.now();
    const { code } = await nodes[1].stop();
    assert.equal(code, 0);
    t.diagnostic(`node-b drained and exited 0 in ${Date.now() - started} ms`);
    // Its browser's peer left for the others.
    await waitFor('peerLeft for node-b\'s browser', 15_000, async () =>
      peers[0].page.evaluate((id) => !document.getElementById('tile-' + id), peers[1].peerId));
  });
});
