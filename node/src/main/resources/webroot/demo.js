// Relaycast demo client: PROTOCOL.md version 1 in plain browser JavaScript.
//
// Negotiation follows the W3C "perfect negotiation" pattern with the client polite: when a
// server offer arrives while our own offer is outstanding, we roll ours back, answer theirs, and
// offer again afterwards. Signaling messages are handled strictly in arrival order (one promise
// chain), because Chromium answers a server offer only after the previous exchange is applied.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  ws: null, pc: null, peerId: null, roomId: null, local: null,
  peers: new Map(),          // peerId -> {name, tile, stream}
  queue: Promise.resolve(),  // in-order handling of server messages
  makingOffer: false, offerPending: false, reofferNeeded: false,
};
// Exposed for end-to-end tests and curious users (window.relaycast.stats()).
window.relaycast = { state, stats: remoteStats, events: [] };

function setText(id, text) { $(id).textContent = text; }
function showError(text) { const e = $('error'); e.textContent = text; e.hidden = !text; }
function log(kind, detail) {
  window.relaycast.events.push({ t: Date.now(), kind, detail });
  console.log('[relaycast]', kind, detail ?? '');
}

$('join-form').addEventListener('submit', (ev) => { ev.preventDefault(); join(); });
$('leave').addEventListener('click', () => leave());
const params = new URLSearchParams(location.search);
if (params.get('room')) $('room').value = params.get('room');
if (params.get('name')) $('name').value = params.get('name');
if (params.has('autojoin')) join();

async function join() {
  showError('');
  $('join').disabled = true;
  try {
    const width = Number(params.get('w')) || 640;
    const height = Number(params.get('h')) || 480;
    const frameRate = Number(params.get('fps')) || 30;
    state.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width, height, frameRate } });
  } catch (e) {
    showError('camera/microphone unavailable: ' + e.message + ' (joining receive-only)');
    state.local = null;
  }
  if (state.local) {
    $('local-video').srcObject = state.local;
    $('tile-local').hidden = false;
  }
  const url = new URL('/ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (params.get('token')) url.searchParams.set('token', params.get('token'));
  const ws = new WebSocket(url);
  state.ws = ws;
  setText('signaling-state', 'connecting');
  ws.onopen = () => {
    setText('signaling-state', 'open');
    const msg = { type: 'join', roomId: $('room').value.trim() };
    const name = $('name').value.trim();
    if (name) msg.name = name;
    send(msg);
  };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (e) { log('bad-frame', ev.data); return; }
    state.queue = state.queue.then(() => handle(msg)).catch((e) => {
      log('handler-error', String(e));
      showError('negotiation failed: ' + e.message);
    });
  };
  ws.onclose = (ev) => {
    if (state.ws !== ws) return;
    state.ws = null;
    setText('signaling-state', 'closed (' + ev.code + (ev.reason ? ' ' + ev.reason : '') + ')');
    teardown();
  };
  ws.onerror = () => showError('signaling connection failed');
}

function send(msg) {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(msg));
}

async function handle(msg) {
  log('recv', msg.type);
  switch (msg.type) {
    case 'welcome':
      state.peerId = msg.peerId; state.roomId = msg.roomId;
      setText('room-state', msg.roomId + ' as ' + msg.peerId + ' on ' + msg.nodeId);
      $('leave').disabled = false;
      for (const p of msg.peers) addPeer(p);
      await startMedia();
      break;
    case 'peerJoined': addPeer(msg.peer); break;
    case 'peerLeft': removePeer(msg.peerId); break;
    case 'answer':
      state.offerPending = false;
      await state.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
      if (state.reofferNeeded) await offer();
      break;
    case 'offer': await onServerOffer(msg.sdp); break;
    case 'iceCandidate':
      if (msg.candidate) await state.pc.addIceCandidate(msg.candidate).catch((e) => log('candidate-error', e.message));
      break;
    case 'pong': break;
    case 'error':
      showError(msg.code + ': ' + msg.message);
      // An error before welcome refuses the join (bad_request, unauthorized, room_full,
      // overloaded): close this socket; its close handler resets the page so Join works again.
      if (!state.peerId && state.ws) state.ws.close(1000, 'join refused');
      break;
    default: log('unknown', msg);
  }
}

async function startMedia() {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: [] });
  state.pc = pc;
  pc.onicecandidate = (ev) => send({ type: 'iceCandidate', candidate: ev.candidate ? ev.candidate.toJSON() : null });
  pc.onconnectionstatechange = () => setText('media-state', pc.connectionState);
  pc.ontrack = (ev) => {
    const publisher = ev.streams[0] ? ev.streams[0].id : null;
    log('track', { publisher, kind: ev.track.kind, mid: ev.transceiver.mid });
    if (!publisher) return;
    const peer = state.peers.get(publisher) || addPeer({ peerId: publisher, name: publisher });
    if (!peer.stream.getTracks().includes(ev.track)) peer.stream.addTrack(ev.track);
    ev.track.onended = () => peer.stream.removeTrack(ev.track);
    ev.streams[0].onremovetrack = (e) => peer.stream.removeTrack(e.track);
    peer.video.srcObject = peer.stream;
  };
  if (state.local) {
    for (const track of state.local.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [state.local] });
  } else {
    pc.addTransceiver('audio', { direction: 'recvonly' });
  }
  await offer();
}

async function offer() {
  const pc = state.pc;
  state.reofferNeeded = false;
  state.makingOffer = true;
  try {
    await pc.setLocalDescription(await pc.createOffer());
    state.offerPending = true;
    send({ type: 'offer', sdp: pc.localDescription.sdp });
  } finally {
    state.makingOffer = false;
  }
}

async function onServerOffer(sdp) {
  const pc = state.pc;
  if (pc.signalingState === 'have-local-offer') {
    // Glare: the server is impolite and ignores our offer; roll back and offer again later.
    log('glare', 'rolling back our offer');
    await pc.setLocalDescription({ type: 'rollback' });
    state.offerPending = false;
    state.reofferNeeded = true;
  }
  await pc.setRemoteDescription({ type: 'offer', sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  send({ type: 'answer', sdp: pc.localDescription.sdp });
  if (state.reofferNeeded) await offer();
}

function addPeer(p) {
  if (state.peers.has(p.peerId)) return state.peers.get(p.peerId);
  const fig = document.createElement('figure');
  fig.className = 'tile';
  fig.id = 'tile-' + p.peerId;
  fig.dataset.peerId = p.peerId;
  const video = document.createElement('video');
  video.autoplay = true; video.playsInline = true;
  const cap = document.createElement('figcaption');
  cap.textContent = p.name || p.peerId;
  fig.append(video, cap);
  $('tiles').append(fig);
  const peer = { name: p.name, tile: fig, video, stream: new MediaStream() };
  state.peers.set(p.peerId, peer);
  return peer;
}

function removePeer(peerId) {
  const peer = state.peers.get(peerId);
  if (!peer) return;
  peer.tile.remove();
  state.peers.delete(peerId);
}

function leave() {
  send({ type: 'leave' });
  $('leave').disabled = true;
}

function teardown() {
  if (state.pc) state.pc.close();
  state.pc = null;
  for (const id of [...state.peers.keys()]) removePeer(id);
  if (state.local) state.local.getTracks().forEach((t) => t.stop());
  state.local = null;
  $('tile-local').hidden = true;
  $('join').disabled = false;
  $('leave').disabled = true;
  setText('media-state', 'closed');
  setText('room-state', '-');
  state.peerId = null; state.roomId = null;
  state.makingOffer = false; state.offerPending = false; state.reofferNeeded = false;
}

// Per remote peer: video frames decoded and audio bytes received (used by the e2e tests).
async function remoteStats() {
  const out = {};
  if (!state.pc) return out;
  const report = await state.pc.getStats();
  const trackToPeer = new Map();
  for (const tr of state.pc.getTransceivers()) {
    const track = tr.receiver.track;
    for (const [peerId, peer] of state.peers) {
      if (peer.stream.getTracks().includes(track)) trackToPeer.set(tr.mid, peerId);
    }
  }
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    const peerId = trackToPeer.get(s.mid);
    if (!peerId) return;
    const o = out[peerId] || (out[peerId] = { framesDecoded: 0, audioBytes: 0, videoBytes: 0 });
    if (s.kind === 'video') { o.framesDecoded += s.framesDecoded || 0; o.videoBytes += s.bytesReceived || 0; }
    if (s.kind === 'audio') o.audioBytes += s.bytesReceived || 0;
  });
  return out;
}
