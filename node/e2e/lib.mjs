// Shared helpers for the end-to-end tests: start packaged nodes, drive real Chromium.
// Everything here must run inside the private network namespace made by run.sh: the browsers
// and nodes then cannot send a packet anywhere but that namespace's loopback (BROWSERS.md).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NODE_JAR = process.env.RELAYCAST_JAR || path.resolve(here, '../target/relaycast-node.jar');

if (!process.env.RELAYCAST_E2E_NETNS) {
  throw new Error('e2e tests must run inside the namespace run.sh creates (node/e2e/run.sh)');
}

let nextPort = 3100;
let nextMediaPort = 42000;

/** Starts a packaged node with extra env settings and waits until /ready answers 200. */
export async function startNode(env = {}) {
  const httpPort = env.RELAYCAST_HTTP_PORT || String(nextPort++);
  const mediaPort = env.RELAYCAST_MEDIA_PORT || String(nextMediaPort);
  nextMediaPort += 10;
  const fullEnv = {
    ...process.env,
    RELAYCAST_HTTP_HOST: '127.0.0.1',
    RELAYCAST_HTTP_PORT: httpPort,
    RELAYCAST_MEDIA_HOST: '127.0.0.1',
    RELAYCAST_MEDIA_PORT: mediaPort,
    RELAYCAST_ADVERTISED_IP: '127.0.0.1',
    ...env,
  };
  const proc = spawn('java', ['-Xmx512m', '-jar', NODE_JAR], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const collect = (d) => { output.push(d.toString()); if (process.env.E2E_VERBOSE) process.stderr.write(d); };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  // A node bound to every address is reached on loopback (Chromium's resolver rule allows only that).
  const host = fullEnv.RELAYCAST_HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : fullEnv.RELAYCAST_HTTP_HOST;
  const url = `http://${host}:${httpPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(url + '/ready').catch(() => null);
    if (res && res.status === 200) break;
    if (proc.exitCode !== null) throw new Error('node exited during start:\n' + output.join(''));
    if (Date.now() > deadline) throw new Error('node not ready within 60 s:\n' + output.join(''));
    await sleep(200);
  }
  return {
    proc, url, httpPort, output, exited,
    log: () => output.join(''),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      return exited;
    },
  };
}

/** Reads one Prometheus sample sum over every series of a metric whose labels include `match`. */
export async function metricSum(node, name, match = '') {
  const text = await (await fetch(node.url + '/metrics')).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + '{') && line.includes(match)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Tests whose publishers must reach their top simulcast layer launch every browser before
 * anyone joins. A Chromium start is a burst of new processes on this machine's two cores; one
 * that lands in a publisher's first second kept the node's media worker off the CPU for 50-75 ms
 * (perf sched: runqueue delay, not work), so the node read the publisher's initial bandwidth
 * probe in one batch and its transport-cc feedback gave the probe's packets arrival times a few
 * microseconds apart. libwebrtc discards a probe received at more than twice the rate it was
 * sent, and the publisher then ramps from its 300 kbit/s start at about 8 %/s: layer f came
 * 20-30 s late in 3 of 8 joins (node/e2e/publisher-ramp.mjs), 0 of 8 with the browsers launched
 * first. On a real deployment no browser starts on the node's CPU.
 *
 * Launches Debian's Chromium with exactly the flags BROWSERS.md requires (`executablePath` may be
 * a wrapper that runs it inside another namespace made by the test, see simulcast.test.mjs). Playwright gives every
 * launch a fresh, empty temporary profile (its own --user-data-dir), which is what BROWSERS.md asks.
 */
export async function launchChromium(executablePath = '/usr/lib/chromium/chromium') {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
}

/** Opens the demo page in a fresh browser context and joins `room` as `name`. */
export async function joinPage(browser, node, room, name) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${node.url}/?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}&autojoin&w=160&h=120&fps=10`);
  await page.waitForFunction(() => window.relaycast && window.relaycast.state.peerId, null, { timeout: 15_000 });
  const peerId = await page.evaluate(() => window.relaycast.state.peerId);
  return { page, context, name, peerId, errors, joinedAt: Date.now() };
}

/** Per remote peer: {framesDecoded, audioBytes, videoBytes} from the page's RTCPeerConnection. */
export async function stats(peer) {
  return peer.page.evaluate(() => window.relaycast.stats());
}

/** Server messages of a type the page has handled, in order. */
export async function received(peer, type) {
  return peer.page.evaluate((t) => window.relaycast.events.filter((e) => e.kind === 'recv' && e.detail === t).length, type);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the value. */
export async function waitFor(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

/** True when `peer` has decoded at least one video frame from every peer id in `from`. */
export async function firstFramesFromAll(peer, from) {
  const s = await stats(peer);
  return from.every((id) => s[id] && s[id].framesDecoded > 0) && s;
}

/** True when `peer` decodes video from every peer id in `from` (framesDecoded above `min` each) and hears them. */
export async function decodesAll(peer, from, baseline = {}) {
  const s = await stats(peer);
  return from.every((id) => s[id]
    && s[id].framesDecoded > ((baseline[id] && baseline[id].framesDecoded) || 0) + 5
    && s[id].audioBytes > ((baseline[id] && baseline[id].audioBytes) || 0) + 500) && s;
}

/**
 * Gives the page `window.rcCanvasCamera(width, height, fps)`: a video track of a moving,
 * detailed picture (so every simulcast layer has a real bit rate), because this Chromium's fake
 * camera gives 640x480 whatever is asked and libwebrtc sends three layers only from 960x540 up
 * (CHECKED.md). Call before the page loads.
 */
export async function installCanvasCamera(page) {
  await page.addInitScript(() => {
    window.rcCanvasCamera = (width, height, fps) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      let frame = 0;
      setInterval(() => {
        frame++;
        for (let y = 0; y < height; y += 80) {
          for (let x = 0; x < width; x += 80) {
            g.fillStyle = `hsl(${(x + y + frame * 3) % 360},60%,${35 + ((x + y) % 30)}%)`;
            g.fillRect(x, y, 80, 80);
          }
        }
        g.fillStyle = '#fff';
        g.font = '120px sans-serif';
        g.fillText(String(frame), 100 + (frame * 13) % (width - 380), height / 2);
      }, Math.round(1000 / fps));
      return canvas.captureStream(fps).getVideoTracks()[0];
    };
  });
}

/**
 * Joins `room` over PROTOCOL.md from `page` (a page of the node, with installCanvasCamera) with no
 * client library, as outside clients do: publishing the 1280x720 canvas in three simulcast layers
 * (rid q/h/f, scaleResolutionDownBy 4/2/1) at 15 fps, or receiving only. Leaves `window.pc`,
 * `window.ws` and `window.st` (the `layer` messages, `error` messages, and the id of the remote
 * video track) in the page.
 */
export async function joinSimulcastOverProtocol(page, { url, room, publish = false }) {
  await page.evaluate(async ({ publish, url, room }) => {
    const st = window.st = { layers: [], errors: [] };
    const pc = window.pc = new RTCPeerConnection();
    pc.ontrack = (e) => { if (e.track.kind === 'video') st.trackId = e.track.id; };
    if (publish) {
      // 15 fps: three layers of software VP8 for several browsers is already most of two cores.
      const track = window.rcCanvasCamera(1280, 720, 15);
      pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: [
        { rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] });
    } else {
      pc.addTransceiver('video', { direction: 'recvonly' });
    }
    const ws = window.ws = new WebSocket(url);
    let chain = Promise.resolve();
    ws.onmessage = (e) => {
      chain = chain.then(async () => {
        const m = JSON.parse(e.data);
        if (m.type === 'welcome') {
          await pc.setLocalDescription();
          ws.send(JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }));
        } else if (m.type === 'answer') {
          await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        } else if (m.type === 'offer') {
          await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
          await pc.setLocalDescription();
          ws.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription.sdp }));
        } else if (m.type === 'layer') {
          st.layers.push({ rid: m.rid, at: Date.now() });
        } else if (m.type === 'error') {
          st.errors.push(m);
        }
      });
    };
    await new Promise((resolve) => { ws.onopen = resolve; });
    ws.send(JSON.stringify({ type: 'join', roomId: room }));
  }, { publish, url, room });
}
