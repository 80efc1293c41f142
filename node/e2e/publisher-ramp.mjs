// How fast a simulcast publisher's uplink estimate reaches the top layer against a node: one
// Chromium publishing the 1280x720 canvas in three layers (as simulcast.test.mjs does) and one
// subscriber, sampled every second. Prints, per round, when each layer first got frames and the
// publisher's availableOutgoingBitrate timeline (Chromium's send-side estimate from the node's
// transport-cc feedback), and a summary: in how many rounds layer f was sent within 3 s.
// Usage (inside the namespace): ./run.sh --script publisher-ramp.mjs [rounds=3] [seconds=40] [order]
// order "first" (default): both browsers are launched before the publisher joins, as the
// simulcast tests do; "late": the subscriber's browser is launched once the publisher has
// joined, in the publisher's first second, as those tests did before (lib.mjs, launchChromium).
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, launchChromium, installCanvasCamera, joinSimulcastOverProtocol } from './lib.mjs';

const rounds = Number(process.argv[2] || 3);
const seconds = Number(process.argv[3] || 40);
const order = process.argv[4] || 'first';
if (!['first', 'late'].includes(order)) throw new Error(`order must be first or late, got ${order}`);
const node = await startNode({ RELAYCAST_NODE_ID: 'ramp' });

async function launch() {
  const browser = await launchChromium();
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await installCanvasCamera(page);
  await page.goto(`${node.url}/health`);
  return { browser, page };
}

async function join({ browser, page }, room, publish) {
  await joinSimulcastOverProtocol(page, { url: node.url.replace('http', 'ws') + '/ws', room, publish });
  return { browser, page };
}

async function publisherStats(page) {
  return page.evaluate(async () => {
    const out = { rids: {} };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate !== undefined) {
        out.bwe = Math.round(r.availableOutgoingBitrate / 1000);
        out.rtt = r.currentRoundTripTime;
      }
      if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid) {
        out.rids[r.rid] = { frames: r.framesEncoded || 0, kB: Math.round(r.bytesSent / 1000), limit: r.qualityLimitationReason,
          target: Math.round((r.targetBitrate || 0) / 1000) };
      }
    });
    return out;
  });
}

let prompt = 0;
for (let round = 1; round <= rounds; round++) {
  const room = `ramp-${round}`;
  let pub, sub;
  if (order === 'first') {
    pub = await launch();
    sub = await launch();
    await join(pub, room, true);
    await join(sub, room, false);
  } else {
    pub = await join(await launch(), room, true);
    sub = await join(await launch(), room, false);
  }
  const start = Date.now();
  const firstFrames = {};
  const timeline = [];
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    const st = await publisherStats(pub.page);
    for (const [rid, v] of Object.entries(st.rids)) {
      if (v.frames > 0 && firstFrames[rid] === undefined) firstFrames[rid] = Date.now() - start;
    }
    timeline.push(`${st.bwe ?? '-'}${st.rids.f && st.rids.f.frames > 0 ? '*' : ''}`);
    if (s === seconds - 1) {
      console.log(`round ${round}: limits ${JSON.stringify(Object.fromEntries(Object.entries(st.rids).map(([k, v]) => [k, v.limit])))}`
        + ` targets ${JSON.stringify(Object.fromEntries(Object.entries(st.rids).map(([k, v]) => [k, v.target])))} rtt ${st.rtt}`);
    }
  }
  console.log(`round ${round}: first frames per layer (ms after join) ${JSON.stringify(firstFrames)}`);
  if (firstFrames.f !== undefined && firstFrames.f <= 3000) prompt++;
  console.log(`round ${round}: publisher estimate kbps per second (* = f encoding): ${timeline.join(' ')}`);
  const text = await (await fetch(node.url + '/metrics')).text();
  console.log(`round ${round}: node drops ${text.split('\n').filter((l) => /drop/.test(l) && !l.startsWith('#') && !/ 0\.0$/.test(l)).join(' | ') || 'none'}`);
  await pub.browser.close();
  await sub.browser.close();
}
console.log(`order ${order}: layer f sent within 3 s of the join in ${prompt} of ${rounds} rounds`);
await node.stop();
