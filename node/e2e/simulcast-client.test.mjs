// Issue 10 from the browser side: relaycast.js publishing with simulcast, setPreferences and
// `layer` events through the library, the demo page's layer and size display, and subscribers in
// network namespaces of their own (netns.mjs) so one's downlink can be shaped with tc.
//
// The publisher sends three layers (rid q/h/f, scaleResolutionDownBy 4/2/1, relaycast.js's
// `publishCamera({simulcast: true})`) of a 1280x720 picture: an animated canvas, because this
// Chromium's fake camera gives 640x480 whatever is asked, and libwebrtc sends three layers only
// from 960x540 up (CHECKED.md). Subscribers are the demo page.
//
// The shaped-subscriber check needs the node's per-subscriber bandwidth estimate (transport-cc);
// a subtest first checks the tc plumbing itself: shaping limits what a subscriber receives.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, launchChromium, waitFor, installCanvasCamera } from './lib.mjs';
import { subscriberNetwork } from './netns.mjs';

let net;
const nodes = [];
const browsers = [];
let pub;

before(async () => {
  net = subscriberNetwork(2);
  const common = {
    RELAYCAST_HTTP_HOST: '0.0.0.0', RELAYCAST_MEDIA_HOST: net.hub, RELAYCAST_ADVERTISED_IP: net.hub,
    RELAYCAST_CLUSTER: 'true', RELAYCAST_CLUSTER_HOST: '127.0.0.1', RELAYCAST_CLUSTER_MEMBERS: '127.0.0.1:5821,127.0.0.1:5822',
  };
  nodes.push(await startNode({ ...common, RELAYCAST_NODE_ID: 'simc-a', RELAYCAST_CLUSTER_PORT: '5821' }));
  nodes.push(await startNode({ ...common, RELAYCAST_NODE_ID: 'simc-b', RELAYCAST_CLUSTER_PORT: '5822' }));
  for (const i of [1, 2]) await net.forward(i, nodes.map((n) => n.httpPort));
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  for (const n of nodes) await n.kill();
  if (net) net.destroy();
});

async function browserIn(ns) {
  const b = await launchChromium(ns ? net.chromium(ns) : undefined);
  browsers.push(b);
  return b;
}

/**
 * The publisher: relaycast.js on a blank page of `node` in `browser`, a 1280x720 canvas in three
 * layers and a WebAudio tone. Browsers are launched before anyone joins (lib.mjs, launchChromium).
 */
async function publisher(node, room, browser) {
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await installCanvasCamera(page);
  await page.goto(`${node.url}/health`);
  const peerId = await page.evaluate(async (room) => {
    const { Relaycast } = await import('/relaycast.js');
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const dst = ctx.createMediaStreamDestination();
    osc.connect(dst);
    osc.start();
    const rc = window.rc = new Relaycast({ room, name: 'publisher' });
    // 15 fps: three layers of software VP8 beside several browsers is most of two cores.
    await rc.publishCamera({ track: window.rcCanvasCamera(1280, 720, 15), simulcast: true });
    await rc.publishMicrophone({ track: dst.stream.getAudioTracks()[0] });
    await rc.join();
    return rc.peerId;
  }, room);
  return {
    page, peerId,
    /** Per rid: the encoded height and frames, from the library's pc (proves the three layers go out). */
    layers: () => page.evaluate(async () => {
      const out = {};
      (await window.rc.pc.getStats()).forEach((r) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid) {
          out[r.rid] = { height: r.frameHeight || 0, frames: r.framesEncoded || 0, limit: r.qualityLimitationReason };
        }
      });
      return out;
    }),
    /** Chromium's send-side estimate (kbit/s): what its encoder may spend on the three layers. */
    estimateKbps: () => page.evaluate(async () => {
      let kbps;
      (await window.rc.pc.getStats()).forEach((r) => {
        if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate !== undefined) {
          kbps = Math.round(r.availableOutgoingBitrate / 1000);
        }
      });
      return kbps;
    }),
  };
}

/** A subscriber: the demo page in `browser` (launched in the subscriber's namespace), joined to `room` on `node`. */
async function subscriber(node, room, name, browser) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  // Receive-only, as the subscribers are: the demo joins with camera and microphone
  // muted, so what a shaped subscriber receives is the publisher's layers and audio alone (with
  // the other subscriber's camera and microphone too, a 300 kbit/s link cannot carry even the
  // lowest layer without loss: two audio streams and a camera without simulcast, none of which
  // the node can scale, took ~140 of the ~255 kbit/s of payload the link carries).
  await page.goto(`http://127.0.0.1:${node.httpPort}/?room=${room}&name=${name}&autojoin&w=160&h=120&fps=10&camera=off&mic=off`);
  await page.waitForFunction(() => window.relaycast && window.relaycast.state.peerId, null, { timeout: 15_000 });
  await page.evaluate(() => {
    window.layerEvents = [];
    window.relaycast.client().on('layer', (e) => window.layerEvents.push({ ...e, at: Date.now() }));
  });
  return {
    page, browser, name,
    /** The publisher's video as this subscriber sees it: stats row, layer, and the demo tile's display. */
    video: (pubId) => page.evaluate(async (pubId) => {
      const rc = window.relaycast.client();
      const s = await rc.stats();
      const r = s.remote.find((x) => x.kind === 'video' && x.peerId === pubId);
      if (!r) return null;
      const fig = document.getElementById('tile-' + pubId);
      return {
        trackId: r.trackId, height: r.height || 0, frames: r.framesDecoded, freezes: r.freezeCount || 0,
        bytes: r.bytesReceived, layer: rc.layers.get(r.trackId),
        tileLayer: fig && fig.dataset.layer, tileSize: fig && fig.dataset.decoded,
        tileText: fig && fig.querySelector('.layer').textContent,
      };
    }, pubId),
    prefer: (trackId, prefs) => page.evaluate(([id, p]) => window.relaycast.client().setPreferences(id, p), [trackId, prefs]),
    layerEvents: () => page.evaluate(() => window.layerEvents),
    close: () => browser.close(),
  };
}

/**
 * Polls `read` until `ok` holds; a timeout names the last value seen and what the publisher
 * encodes per layer (a publisher short of CPU stops its top layer: qualityLimitationReason "cpu")
 * and its bandwidth estimate (one below ~1.7 Mbit/s has not enabled the top layer yet).
 */
async function until(what, timeoutMs, read, ok) {
  let last;
  try {
    return await waitFor(what, timeoutMs, async () => { last = await read(); return last && ok(last) && last; });
  } catch (e) {
    const layers = pub ? await pub.layers().catch(() => null) : null;
    const estimate = pub ? await pub.estimateKbps().catch(() => null) : null;
    throw new Error(`${e.message.split(';')[0]}; last seen ${JSON.stringify(last)}; publisher layers ${JSON.stringify(layers)}, `
      + `its estimate ${estimate} kbit/s`);
  }
}

const top = (v) => v.layer === 'f' && v.height >= 540;
const lowest = (v) => v.layer === 'q' && v.height > 0 && v.height <= 180;

/** Received kbit/s over `ms`. */
async function kbps(sub, pubId, ms) {
  const a = await sub.video(pubId);
  await sleep(ms);
  const b = await sub.video(pubId);
  return Math.round((8 * (b.bytes - a.bytes)) / ms);
}

test('simulcast through relaycast.js and the demo page', async (t) => {
  const room = 'simc-' + Date.now();
  // Every browser starts, and the subscribers' demo pages load and join, before the publisher
  // joins: none of that then lands in the publisher's first second (lib.mjs, launchChromium).
  const [pubBrowser, freeBrowser, shapedBrowser] = [await browserIn(null), await browserIn(1), await browserIn(2)];
  const free = await subscriber(nodes[0], room, 'free', freeBrowser);
  const shaped = await subscriber(nodes[0], room, 'shaped', shapedBrowser);
  const started = Date.now();
  pub = await publisher(nodes[0], room, pubBrowser);
  let trackId;

  await t.test('both subscribers decode the top layer (f, >= 540 lines); the demo tile shows it', async () => {
    for (const s of [free, shaped]) {
      const v = await until(`${s.name} on the top layer`, 30_000, () => s.video(pub.peerId), (v) => top(v) && v.tileLayer === 'f' && v.tileSize);
      trackId = v.trackId;
      t.diagnostic(`${s.name}: ${JSON.stringify(v)}`);
    }
    const layers = await pub.layers();
    t.diagnostic(`publisher layers ${JSON.stringify(layers)}; ${Date.now() - started} ms after the publisher started`);
    assert.deepEqual(Object.keys(layers).sort(), ['f', 'h', 'q']);
  });

  await t.test('tc on a subscriber veth limits what it receives (300 kbit/s)', async () => {
    const before = await kbps(shaped, pub.peerId, 2_000);
    net.shape(2, '300kbit');
    try {
      await sleep(1_000);
      const during = await kbps(shaped, pub.peerId, 3_000);
      const other = await kbps(free, pub.peerId, 3_000);
      t.diagnostic(`shaped subscriber: ${before} kbit/s before, ${during} kbit/s while shaped; unshaped one ${other} kbit/s`);
      assert.ok(during <= 360, `the shaped subscriber received ${during} kbit/s`);
      assert.ok(other > 360, `the unshaped subscriber received only ${other} kbit/s`);
    } finally {
      net.unshape(2);
    }
  });

  await t.test('shaped to 300 kbit/s: the lowest layer within 10 s, no freeze once settled, the top again within 15 s of unshaping',
    async () => {
      await until('the shaped subscriber back on the top layer before shaping', 15_000, () => shaped.video(pub.peerId), top);
      net.shape(2, '300kbit');
      try {
        const t0 = Date.now();
        const settled = await until('the lowest layer within 10 s', 10_000, () => shaped.video(pub.peerId), lowest);
        t.diagnostic(`300 kbit/s: on q after ${Date.now() - t0} ms`);
        await sleep(5_000);
        const later = await shaped.video(pub.peerId);
        t.diagnostic(`5 s on q: ${later.frames - settled.frames} frames, freezes ${settled.freezes} -> ${later.freezes}`);
        assert.equal(later.freezes, settled.freezes, 'video froze after settling on the lowest layer');
        assert.ok(later.frames - settled.frames >= 30, `only ${later.frames - settled.frames} frames in 5 s`);
        assert.equal(later.layer, 'q');
        await until('the unshaped subscriber still on the top layer', 10_000, () => free.video(pub.peerId), top);
      } finally {
        net.unshape(2);
      }
      const t1 = Date.now();
      await until('the top layer within 15 s of unshaping', 15_000, () => shaped.video(pub.peerId), top);
      t.diagnostic(`unshaped: on f after ${Date.now() - t1} ms`);
    });
  await shaped.close();

  await t.test('setPreferences: maxHeight 180 gives layer q within 3 s; paused stops frames; resuming restores the top', async () => {
    await until('the top layer', 15_000, () => free.video(pub.peerId), top);
    await preferencesRoundTrip(t, free, trackId);
  });
  await free.close();

  await t.test('across nodes: publisher on one node, subscriber on another follows setPreferences down and up', async () => {
    const remote = await subscriber(nodes[1], room, 'remote', await browserIn(2));
    const v = await until('the remote subscriber on the top layer', 30_000, () => remote.video(pub.peerId), top);
    t.diagnostic(`remote subscriber on f: ${JSON.stringify(v)}`);
    await preferencesRoundTrip(t, remote, v.trackId);
    await remote.close();
  });
});

async function preferencesRoundTrip(t, sub, trackId) {
  const events = (await sub.layerEvents()).length;
  await sub.prefer(trackId, { maxHeight: 180 });
  const t0 = Date.now();
  const v = await until('layer q at <= 180 lines within 3 s', 3_000, () => sub.video(pub.peerId),
    (v) => lowest(v) && v.tileLayer === 'q');
  t.diagnostic(`maxHeight 180: on q after ${Date.now() - t0} ms`);
  // The demo tile shows the layer and the size the <video> element decodes.
  const shown = await until('the demo tile showing layer q at <= 180 lines', 2_000, () => sub.video(pub.peerId),
    (v) => v.tileLayer === 'q' && /^layer q · \d+x\d+$/.test(v.tileText) && Number(v.tileSize.split('x')[1]) <= 180);
  t.diagnostic(`demo tile: "${shown.tileText}"`);
  const got = (await sub.layerEvents()).slice(events);
  assert.ok(got.some((e) => e.trackId === trackId && e.rid === 'q'), `layer events ${JSON.stringify(got)}`);

  await sub.prefer(trackId, { paused: true });
  await until('layer "paused"', 3_000, () => sub.video(pub.peerId), (v) => v.layer === 'paused');
  await sleep(500);
  const frozen = (await sub.video(pub.peerId)).frames;
  await sleep(2_000);
  assert.equal((await sub.video(pub.peerId)).frames, frozen, 'frames still decoded while paused');

  await sub.prefer(trackId, { paused: false, maxHeight: 4320 });
  const t1 = Date.now();
  await until('frames again, on the top layer', 10_000, () => sub.video(pub.peerId), (v) => top(v) && v.frames > frozen);
  t.diagnostic(`resumed: on f after ${Date.now() - t1} ms`);
}
