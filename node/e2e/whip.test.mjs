// Issue 13: WHIP and WHEP across a two-node cluster. Debian's simple-whip-client (GStreamer
// webrtcbin) publishes on node A and a Chromium member on node B decodes it; a Chromium WHEP
// viewer on node A decodes that member's camera; the WHIP client's DELETE sends peerLeft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, launchChromium, joinPage, waitFor, decodesAll, received } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const clusterPorts = [5811, 5812];
const members = clusterPorts.map((p) => `127.0.0.1:${p}`).join(',');
const nodes = [];
let browser;
let whip;

before(async () => {
  for (let i = 0; i < 2; i++) {
    nodes.push(await startNode({
      RELAYCAST_NODE_ID: `whip-${'ab'[i]}`,
      RELAYCAST_CLUSTER: 'true',
      RELAYCAST_CLUSTER_HOST: '127.0.0.1',
      RELAYCAST_CLUSTER_PORT: String(clusterPorts[i]),
      RELAYCAST_CLUSTER_MEMBERS: members,
      // libnice (in whip-client) never uses loopback: the node is reached on the namespace's veth
      // address, and Chromium connects that way too (BROWSERS.md).
      RELAYCAST_MEDIA_HOST: '0.0.0.0',
      RELAYCAST_ADVERTISED_IP: '10.77.0.1',
      RELAYCAST_DRAIN_SECONDS: '2',
    }));
  }
  browser = await launchChromium();
});

after(async () => {
  if (whip && whip.exitCode === null) whip.kill('SIGKILL');
  if (browser) await browser.close();
  for (const n of nodes) await n.kill();
});

/** Starts simple-whip-client (no STUN/TURN, so it talks to nothing but the node) publishing test audio and video. */
function startWhipClient(url) {
  const audio = 'audiotestsrc is-live=true wave=red-noise ! audioconvert ! audioresample ! queue ! opusenc '
    + '! rtpopuspay pt=100 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=100';
  const video = 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=160,height=120,framerate=10/1 '
    + '! videoconvert ! queue ! vp8enc deadline=1 ! rtpvp8pay pt=96 ! queue '
    + '! application/x-rtp,media=video,encoding-name=VP8,payload=96';
  const proc = spawn(path.join(here, 'whip-client.sh'), ['-u', url, '-l', '4', '-o', '-A', audio, '-V', video],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = [];
  proc.stdout.on('data', (d) => out.push(d.toString()));
  proc.stderr.on('data', (d) => out.push(d.toString()));
  proc.log = () => out.join('');
  proc.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return proc;
}

async function roomMembers(node, room) {
  const { rooms } = await (await fetch(node.url + '/api/rooms')).json();
  const r = rooms.find((x) => x.roomId === room);
  return r ? r.peers : [];
}

test('WHIP and WHEP across two nodes', async (t) => {
  const room = 'whip-' + Date.now();
  const [a, b] = nodes;
  const member = await joinPage(browser, b, room, 'member-on-b');

  let whipPeerId;
  await t.test('simple-whip-client publishes on node A; a Chromium member on node B decodes it', async () => {
    const started = Date.now();
    whip = startWhipClient(`${a.url}/whip/${room}`);
    // Generous: this includes whip-client's start (GStreamer loads its plugins), not only the node's work.
    const whipPeer = await waitFor('the WHIP member in /api/rooms', 30_000, async () =>
      (await roomMembers(b, room)).find((p) => p.name === 'whip' && p.nodeId === 'whip-a'));
    whipPeerId = whipPeer.peerId;
    const joinedAt = Date.now();
    await waitFor('peerJoined for the WHIP member', 15_000, async () => (await received(member, 'peerJoined')) >= 1);
    await waitFor(`member decoding the WHIP publisher ${whipPeerId}`, 20_000, () => decodesAll(member, [whipPeerId]))
      .catch((e) => { throw new Error(e.message + '\nwhip-client:\n' + whip.log() + '\nnode A:\n' + a.log().slice(-3000)); });
    t.diagnostic(`Chromium on node B decoding GStreamer's WHIP publish on node A ${Date.now() - joinedAt} ms after it`
      + ` became a member (${joinedAt - started} ms after whip-client started)`);
  });

  await t.test('a Chromium WHEP viewer on node A decodes the member camera from node B', async () => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(a.url + '/health');
    const started = Date.now();
    const res = await page.evaluate(async (url) => {
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: [] });
      window.pc = pc;
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.addTransceiver('audio', { direction: 'recvonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
      const body = await r.text();
      if (r.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: body });
      return { status: r.status, location: r.headers.get('Location'), etag: r.headers.get('ETag'), body };
    }, `${a.url}/whep/${room}/${member.peerId}`);
    assert.equal(res.status, 201, res.body);
    assert.match(res.location, new RegExp(`^/whep/${room}/${member.peerId}/[0-9a-f]{16}$`));
    assert.ok(res.etag);
    assert.equal(res.body.split('a=sendonly').length - 1, 2, 'both camera and microphone are in the answer:\n' + res.body);
    const decoded = () => page.evaluate(async () => {
      let frames = 0; let audio = 0; let videoBytes = 0;
      (await window.pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') { frames += s.framesDecoded || 0; videoBytes += s.bytesReceived || 0; }
        if (s.type === 'inbound-rtp' && s.kind === 'audio') audio += s.bytesReceived || 0;
      });
      return { frames, audio, videoBytes, state: window.pc.connectionState };
    });
    await waitFor('WHEP viewer decoding the camera', 30_000, async () => {
      const s = await decoded();
      return s.frames > 5 && s.audio > 500 && s;
    }).catch((e) => { throw new Error(e.message + '\nnode A:\n' + a.log().slice(-4000)); });
    t.diagnostic(`WHEP viewer on node A decoding a camera published on node B ${Date.now() - started} ms after its POST`);
    assert.equal((await roomMembers(a, room)).length, 2, 'the viewer is no member');
    const del = await page.evaluate(async (u) => (await fetch(u, { method: 'DELETE' })).status, a.url + res.location);
    assert.equal(del, 200);
    await context.close();
  });

  await t.test('whip-client stops with a DELETE: the member gets peerLeft within 5 s', async () => {
    const leftBefore = await received(member, 'peerLeft');
    const stoppedAt = Date.now();
    whip.kill('SIGINT'); // whip-client DELETEs its resource on shutdown
    await waitFor('peerLeft for the WHIP member', 5_000, async () =>
      (await received(member, 'peerLeft')) > leftBefore
      && member.page.evaluate((id) => !document.getElementById('tile-' + id), whipPeerId));
    t.diagnostic(`peerLeft reached node B ${Date.now() - stoppedAt} ms after whip-client was stopped`);
    await whip.exited;
    assert.match(a.log(), new RegExp(`WHIP /whip/${room}/${whipPeerId} deleted`), 'ended by DELETE, not by a transport timeout');
    assert.equal(member.errors.length, 0, member.errors.join('\n'));
  });
});
