// The Relaycast demo page, built on the client library (/relaycast.js) and nothing else.
// URL parameters: room, name, token (a JWT), autojoin (skip the pre-join screen), w, h, fps (the
// camera's capture size and rate), nodes (comma-separated node URLs to use and fail over between),
// simulcast (publish the camera in three layers; captures 1280x720 unless w and h say otherwise),
// camera=off and mic=off (join with that source muted: the pre-join checkboxes unticked).
import { Relaycast, listDevices } from './relaycast.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const capture = {
  width: Number(params.get('w')) || 640,
  height: Number(params.get('h')) || 480,
  frameRate: Number(params.get('fps')) || 30,
};
/** The capture size: libwebrtc sends three simulcast layers only from 960x540 up (CHECKED.md), so 1280x720 then. */
function captureSize() {
  if (!$('join-simulcast').checked || params.get('w') || params.get('h')) return capture;
  return { ...capture, width: 1280, height: 720 };
}
const state = { peerId: null, roomId: null, nodeId: null, rc: null, preview: null, serverSpeaker: false, speaker: null };
const events = [];
// The current RTCPeerConnection, for tests that inspect transceivers.
Object.defineProperty(state, 'pc', { get: () => (state.rc ? state.rc.pc : null), enumerable: true });
// For end-to-end tests and curious users: window.relaycast.stats(), .events, .client().
window.relaycast = { state, stats: remoteStats, events, client: () => state.rc };

const tiles = new Map(); // peerId -> {fig, video, stream, name, cameraTrackId, screens: Map(trackId -> fig)}
let statsTimer = null;
let quietTicks = new Map();

// ------------------------------------------------------------------ pre-join

if (params.get('room')) $('room').value = params.get('room');
if (params.get('name')) $('name').value = params.get('name');
$('join-form').addEventListener('submit', (ev) => { ev.preventDefault(); join(); });
$('camera-select').addEventListener('change', () => startPreview());
$('mic-select').addEventListener('change', () => startPreview());
if (params.has('simulcast') && params.get('simulcast') !== '0' && params.get('simulcast') !== 'false') $('join-simulcast').checked = true;
$('join-simulcast').addEventListener('change', () => startPreview());
if (params.get('camera') === 'off') $('join-camera').checked = false;
if (params.get('mic') === 'off') $('join-mic').checked = false;
$('join-camera').addEventListener('change', () => { const v = previewTrack('video'); if (v) v.enabled = $('join-camera').checked; });
$('leave').addEventListener('click', () => leave());
$('mute').addEventListener('click', () => toggle('microphone', $('mute'), 'Mute', 'Unmute'));
$('camera').addEventListener('click', () => toggle('camera', $('camera'), 'Camera off', 'Camera on'));
$('share').addEventListener('click', () => toggleShare());
$('invite').addEventListener('click', () => copyInvite());

startPreview().then(() => { if (params.has('autojoin')) join(); });

function previewTrack(kind) {
  return state.preview ? state.preview.getTracks().find((t) => t.kind === kind && t.readyState === 'live') : null;
}

async function startPreview() {
  stopPreview();
  const cam = $('camera-select').value;
  const mic = $('mic-select').value;
  const video = { ...captureSize(), ...(cam ? { deviceId: { exact: cam } } : {}) };
  const audio = mic ? { deviceId: { exact: mic } } : true;
  try {
    state.preview = await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (e) {
    try {
      state.preview = await navigator.mediaDevices.getUserMedia({ audio });
    } catch (e2) {
      state.preview = null;
    }
    note('preview', e.message);
  }
  $('preview-video').srcObject = state.preview;
  $('preview-note').hidden = !!previewTrack('video');
  if (!state.preview) $('preview-note').textContent = 'No camera or microphone available: you will join to watch and listen.';
  await fillDevices();
}

function stopPreview() {
  if (state.preview) state.preview.getTracks().forEach((t) => t.stop());
  state.preview = null;
}

async function fillDevices() {
  try {
    const { cameras, microphones } = await listDevices();
    fill($('camera-select'), cameras, previewTrack('video'));
    fill($('mic-select'), microphones, previewTrack('audio'));
  } catch (e) {
    note('devices', e.message);
  }
}

function fill(select, devices, current) {
  const chosen = current ? current.getSettings().deviceId : select.value;
  select.replaceChildren(...devices.map((d, i) => new Option(d.label || `device ${i + 1}`, d.deviceId)));
  if (!devices.length) select.append(new Option('none', ''));
  if (chosen) select.value = chosen;
}

// ------------------------------------------------------------------ joining and leaving

async function join() {
  showError('');
  $('join').disabled = true;
  const room = $('room').value.trim();
  const nodes = params.get('nodes') ? params.get('nodes').split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const rc = new Relaycast({ room, name: $('name').value.trim() || undefined, token: params.get('token') || undefined, urls: nodes, log: events });
  state.rc = rc;
  wire(rc);
  const camera = previewTrack('video');
  const mic = previewTrack('audio');
  // The preview's tracks are published as they are: no second camera prompt.
  state.preview = null;
  if (camera) {
    await rc.publishCamera({ track: camera, simulcast: $('join-simulcast').checked });
    if (!$('join-camera').checked) rc.setMuted('camera', true);
  }
  if (mic) {
    await rc.publishMicrophone({ track: mic });
    if (!$('join-mic').checked) rc.setMuted('microphone', true);
  }
  $('local-video').srcObject = camera ? new MediaStream([camera]) : null;
  $('tile-local').classList.toggle('novideo', !camera);
  setText('signaling-state', 'connecting');
  try {
    await rc.join();
  } catch (e) {
    // Refused (unauthorized, room full, ...) or never reached: back to the pre-join screen, no reload needed.
    if (state.rc === rc) backToPrejoin(describe(e.code, e.message));
  }
}

function wire(rc) {
  rc.on('state', ({ state: s, reason }) => {
    if (state.rc !== rc) return;
    setText('signaling-state', s === 'joined' ? 'open' : s);
    if (s === 'reconnecting') banner(`Connection lost (${reason}). Reconnecting…`);
    if (s === 'closed') setText('media-state', 'closed');
  });
  rc.on('joined', ({ peerId, roomId, nodeId, reconnected }) => {
    state.peerId = peerId; state.roomId = roomId; state.nodeId = nodeId;
    setText('room-state', `${roomId} as ${peerId} on ${nodeId}`);
    $('prejoin').hidden = true;
    $('call').hidden = false;
    $('join').disabled = false;
    banner(reconnected ? `Reconnected (node ${nodeId}).` : '', reconnected ? 4000 : 0);
    updateControls();
    if (!statsTimer) statsTimer = setInterval(refreshBadges, 1000);
  });
  rc.on('media', ({ state: s }) => setText('media-state', s));
  rc.on('peerJoined', (p) => addTile(p.peerId, p.name));
  rc.on('peerLeft', (p) => removeTile(p.peerId));
  rc.on('track', (t) => onTrack(t));
  rc.on('trackEnded', (t) => onTrackEnded(t));
  rc.on('trackMuted', ({ peerId, kind, muted, trackId }) => {
    const tile = tiles.get(peerId);
    if (!tile) return;
    if (kind === 'audio') tile.fig.querySelector('.name').dataset.muted = muted ? '(muted)' : '';
    if (kind === 'video' && trackId === tile.cameraTrackId) tile.fig.classList.toggle('novideo', muted);
  });
  rc.on('speaker', ({ peerId }) => { state.serverSpeaker = true; highlight(peerId); });
  rc.on('layer', ({ trackId, rid }) => showLayer(trackId, rid));
  rc.on('local', () => updateControls());
  rc.on('error', ({ code, message, fatal }) => {
    if (state.rc !== rc) return;
    if (fatal) backToPrejoin(describe(code, message));
    else if (code === 'overloaded') banner('This node is draining or full: moving to another node…');
    else showError(describe(code, message));
  });
}

function describe(code, message) {
  switch (code) {
    case 'room_full': return `This room is full: ${message}. Try again later or pick another room.`;
    case 'unauthorized': return `Not allowed to join: ${message}. Check the invite link or token.`;
    case 'forbidden': return `Your token does not allow this: ${message}.`;
    default: return code ? `${code}: ${message}` : `Could not join: ${message}`;
  }
}

function leave() {
  if (state.rc) state.rc.leave();
  backToPrejoin('');
}

function backToPrejoin(error) {
  const rc = state.rc;
  state.rc = null;
  if (rc && rc.state !== 'closed') rc.leave();
  clearInterval(statsTimer);
  statsTimer = null;
  for (const id of [...tiles.keys()]) removeTile(id);
  state.peerId = null;
  state.speaker = null;
  $('call').hidden = true;
  $('prejoin').hidden = false;
  $('join').disabled = false;
  $('local-video').srcObject = null;
  setText('room-state', '-');
  setText('signaling-state', 'closed');
  setText('media-state', 'closed');
  banner('');
  showError(error);
  startPreview();
}

// ------------------------------------------------------------------ controls

function toggle(source, button, on, off) {
  const rc = state.rc;
  if (!rc || !rc.local.has(source)) return;
  rc.setMuted(source, !rc.isMuted(source));
  updateControls();
}

async function toggleShare() {
  const rc = state.rc;
  if (!rc) return;
  if (rc.local.has('screen')) {
    rc.unpublish('screen');
    return;
  }
  try {
    await rc.publishScreen();
  } catch (e) {
    showError('Screen sharing is not available: ' + e.message);
  }
}

function updateControls() {
  const rc = state.rc;
  if (!rc) return;
  const set = (button, source, pressedText, text) => {
    const has = rc.local.has(source);
    const pressed = has && rc.isMuted(source);
    button.disabled = !has;
    button.setAttribute('aria-pressed', String(pressed));
    button.textContent = pressed ? pressedText : text;
  };
  set($('mute'), 'microphone', 'Unmute', 'Mute');
  set($('camera'), 'camera', 'Camera on', 'Camera off');
  const sharing = rc.local.has('screen');
  $('share').setAttribute('aria-pressed', String(sharing));
  $('share').textContent = sharing ? 'Stop sharing' : 'Share screen';
  const cam = rc.local.get('camera');
  $('tile-local').classList.toggle('novideo', !cam || cam.muted);
  $('tile-local').querySelector('.name').dataset.muted = rc.isMuted('microphone') ? '(muted)' : '';
  const screen = rc.local.get('screen');
  let fig = $('tile-local-screen');
  if (screen && !fig) {
    fig = makeTile('tile-local-screen', 'Your screen');
    fig.classList.add('screen', 'local');
    fig.querySelector('video').muted = true;
    $('tiles').append(fig);
  }
  if (fig && !screen) fig.remove();
  if (fig && screen) fig.querySelector('video').srcObject = new MediaStream([screen.track]);
  layout();
}

async function copyInvite() {
  const url = new URL(location.pathname, location.origin);
  url.searchParams.set('room', state.roomId || $('room').value);
  try {
    await navigator.clipboard.writeText(url.href);
    banner('Invite link copied: ' + url.href, 4000);
  } catch (e) {
    banner('Invite link: ' + url.href, 10000);
  }
}

// ------------------------------------------------------------------ tiles

function makeTile(id, name) {
  const fig = document.createElement('figure');
  fig.className = 'tile';
  fig.id = id;
  const video = document.createElement('video');
  video.autoplay = true; video.playsInline = true;
  const avatar = document.createElement('div');
  avatar.className = 'avatar';
  avatar.textContent = (name || '?').trim().charAt(0).toUpperCase() || '?';
  const cap = document.createElement('figcaption');
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  const badge = document.createElement('span');
  badge.className = 'badge';
  // The layer this client receives (from the node's `layer` messages) and the decoded size.
  const layer = document.createElement('span');
  layer.className = 'layer';
  cap.append(label, layer, badge);
  fig.append(video, avatar, cap);
  // A layer switch changes the decoded size: show it when it happens, not at the next refresh.
  video.addEventListener('resize', () => refreshLayers());
  return fig;
}

function addTile(peerId, name) {
  if (tiles.has(peerId)) return tiles.get(peerId);
  const fig = makeTile('tile-' + peerId, name || peerId);
  fig.dataset.peerId = peerId;
  fig.classList.add('novideo');
  $('tiles').append(fig);
  const tile = { fig, video: fig.querySelector('video'), stream: new MediaStream(), name, cameraTrackId: null, screens: new Map() };
  tile.video.srcObject = tile.stream;
  tiles.set(peerId, tile);
  layout();
  return tile;
}

function removeTile(peerId) {
  const tile = tiles.get(peerId);
  if (!tile) return;
  tile.fig.remove();
  for (const fig of tile.screens.values()) fig.remove();
  tiles.delete(peerId);
  if (state.speaker === peerId) state.speaker = null;
  layout();
}

function onTrack({ peerId, trackId, kind, track }) {
  const tile = tiles.get(peerId) || addTile(peerId, peerId);
  if (kind === 'audio') {
    for (const t of tile.stream.getAudioTracks()) tile.stream.removeTrack(t);
    tile.stream.addTrack(track);
    tile.fig.querySelector('.name').dataset.muted = '';
  } else if (!tile.cameraTrackId || tile.cameraTrackId === trackId) {
    // The first video track of a member is its camera; any other is a screen share.
    tile.cameraTrackId = trackId;
    for (const t of tile.stream.getVideoTracks()) tile.stream.removeTrack(t);
    tile.stream.addTrack(track);
    tile.fig.classList.toggle('novideo', track.muted);
    tile.fig.dataset.cameraTrack = trackId;
  } else {
    const fig = makeTile(`screen-${peerId}-${trackId}`, `${tile.name || peerId} (screen)`);
    fig.classList.add('screen');
    fig.dataset.peerId = peerId;
    fig.dataset.trackId = trackId;
    fig.querySelector('video').srcObject = new MediaStream([track]);
    fig.querySelector('video').muted = true;
    tile.screens.set(trackId, fig);
    tile.fig.after(fig);
  }
  // A fresh srcObject assignment restarts playback after tracks change.
  tile.video.srcObject = tile.stream;
  layout();
}

function onTrackEnded({ peerId, trackId, kind }) {
  const tile = tiles.get(peerId);
  if (!tile) return;
  if (tile.screens.has(trackId)) {
    tile.screens.get(trackId).remove();
    tile.screens.delete(trackId);
  } else {
    for (const t of tile.stream.getTracks()) if (t.kind === kind) tile.stream.removeTrack(t);
    if (kind === 'audio') tile.fig.querySelector('.name').dataset.muted = '(muted)';
    if (kind === 'video' && tile.cameraTrackId === trackId) {
      tile.cameraTrackId = null;
      tile.fig.classList.add('novideo');
    }
  }
  layout();
}

function layout() {
  const n = $('tiles').children.length;
  const cols = Math.ceil(Math.sqrt(n));
  $('tiles').style.setProperty('--cols', String(cols));
  $('tiles').style.setProperty('--rows', String(Math.max(1, Math.ceil(n / cols))));
  $('tiles').dataset.count = String(n);
}

/** The fig showing a remote video track: a member's camera tile or one of its screen tiles. */
function figOfTrack(trackId) {
  for (const tile of tiles.values()) {
    if (tile.cameraTrackId === trackId) return tile.fig;
    if (tile.screens.has(trackId)) return tile.screens.get(trackId);
  }
  return null;
}

function showLayer(trackId, rid) {
  const fig = figOfTrack(trackId);
  if (fig) fig.dataset.layer = rid === null ? 'single' : rid;
  refreshLayers();
}

/** Each remote video tile's layer (rid) and decoded size (videoWidth x videoHeight), refreshed with the badges. */
function refreshLayers() {
  const rc = state.rc;
  const figs = [];
  for (const tile of tiles.values()) figs.push([tile.fig, tile.cameraTrackId], ...[...tile.screens].map(([id, f]) => [f, id]));
  for (const [fig, trackId] of figs) {
    const video = fig.querySelector('video');
    const el = fig.querySelector('.layer');
    if (!trackId) { el.textContent = ''; delete fig.dataset.decoded; continue; }
    const rid = rc && rc.layers.has(trackId) ? rc.layers.get(trackId) : undefined;
    fig.dataset.layer = rid === undefined ? '' : rid === null ? 'single' : rid;
    const size = video.videoWidth ? `${video.videoWidth}x${video.videoHeight}` : '';
    fig.dataset.decoded = size;
    const name = rid === undefined ? '' : rid === null ? '' : rid === 'paused' ? 'paused' : `layer ${rid}`;
    el.textContent = [name, size].filter(Boolean).join(' · ');
  }
}

function highlight(peerId) {
  state.speaker = peerId;
  for (const [id, tile] of tiles) tile.fig.classList.toggle('speaking', id === peerId);
}

// ------------------------------------------------------------------ quality badges

async function refreshBadges() {
  const rc = state.rc;
  if (!rc || !rc.pc) return;
  let s;
  try { s = await rc.stats(); } catch (e) { return; }
  for (const [peerId, tile] of tiles) {
    const rows = s.remote.filter((r) => r.peerId === peerId);
    const video = rows.find((r) => r.trackId === tile.cameraTrackId);
    const audio = rows.find((r) => r.kind === 'audio');
    tile.fig.querySelector('.badge').textContent = badgeText(video || audio, s.rttMs);
    tile.fig.querySelector('.badge').classList.toggle('bad', !!(video || audio) && ((video || audio).lossPercent > 5 || (s.rttMs || 0) > 300));
    for (const [trackId, fig] of tile.screens) {
      fig.querySelector('.badge').textContent = badgeText(rows.find((r) => r.trackId === trackId), s.rttMs);
    }
  }
  refreshLayers();
  const cam = s.local.find((l) => l.source === 'camera');
  $('local-badge').textContent = cam && cam.kbps !== null ? `${cam.width || '?'}x${cam.height || '?'} · ${cam.kbps} kbps up` : '';
  if (!state.serverSpeaker) estimateSpeaker(s.remote);
}

function badgeText(r, rttMs) {
  if (!r) return '';
  const size = r.kind === 'video' && r.width ? `${r.width}x${r.height}` : r.kind;
  const kbps = r.kbps === null ? '…' : `${r.kbps} kbps`;
  const loss = `${r.lossPercent.toFixed(1)}% loss`;
  const rtt = rttMs === null ? '' : ` · ${rttMs} ms`;
  return `${size} · ${kbps} · ${loss}${rtt}`;
}

/**
 * Until the node sends dominantSpeaker (PROTOCOL.md), the loudest member by received audio level
 * is highlighted, after it stayed the loudest for two seconds (no flicker on every syllable).
 */
function estimateSpeaker(remote) {
  let best = null;
  for (const r of remote) {
    if (r.kind === 'audio' && r.audioLevel !== null && r.audioLevel > 0.01 && (!best || r.audioLevel > best.audioLevel)) best = r;
  }
  const id = best ? best.peerId : null;
  for (const key of [...quietTicks.keys()]) if (key !== id) quietTicks.delete(key);
  quietTicks.set(id, (quietTicks.get(id) || 0) + 1);
  if (quietTicks.get(id) >= 2 && state.speaker !== id) highlight(id);
}

// ------------------------------------------------------------------ helpers

function setText(id, text) { $(id).textContent = text; }

function showError(text) {
  const e = $('error');
  e.textContent = text || '';
  e.hidden = !text;
}

let bannerTimer = null;
function banner(text, hideAfterMs = 0) {
  const b = $('banner');
  b.textContent = text || '';
  b.hidden = !text;
  clearTimeout(bannerTimer);
  if (text && hideAfterMs) bannerTimer = setTimeout(() => { b.hidden = true; }, hideAfterMs);
}

function note(kind, detail) {
  events.push({ t: Date.now(), kind, detail });
}

/** Per remote peer: video frames decoded and audio/video bytes received (used by the e2e tests). */
async function remoteStats() {
  const out = {};
  if (!state.rc) return out;
  const s = await state.rc.stats();
  for (const r of s.remote) {
    const o = out[r.peerId] || (out[r.peerId] = { framesDecoded: 0, audioBytes: 0, videoBytes: 0, videoTracks: 0 });
    if (r.kind === 'video') { o.framesDecoded += r.framesDecoded; o.videoBytes += r.bytesReceived; o.videoTracks++; }
    if (r.kind === 'audio') o.audioBytes += r.bytesReceived;
  }
  return out;
}
