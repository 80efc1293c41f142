// relaycast.js: the browser client library of Relaycast, served by every node at /relaycast.js.
// An ES module with no dependencies that speaks PROTOCOL.md version 1 (docs/client.md is its API).
//
// - One RTCPeerConnection per connection, BUNDLE, rtcp-mux. The client offers first; the node
//   offers when the tracks we receive change. Glare follows W3C "perfect negotiation" with the
//   client polite: a node offer that meets our own rolls ours back, is answered, and ours is sent
//   again. Signaling messages are handled strictly in order (one promise chain), because Chromium
//   answers a node offer only after the previous exchange is applied (CHECKED.md).
// - Reconnection: when the socket closes, the keep-alive goes unanswered, the media transport
//   fails, or the node says `overloaded` (draining), the client rejoins with exponential backoff,
//   trying the next node of `urls` each time, and republishes its local tracks.

const PROTOCOL_CLOSE_UNAUTHORIZED = 4401;
// Refusals of the join (before the welcome): retrying the same join cannot succeed. A bad_request
// before the welcome is a join the node refused as malformed (room id or name out of PROTOCOL.md's rules).
const FATAL_CODES = new Set(['unauthorized', 'room_full', 'forbidden', 'bad_request']);

/** A tiny event emitter: on(type, fn) returns a function that unsubscribes. */
class Emitter {
  #handlers = new Map();

  on(type, fn) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) {
    const set = this.#handlers.get(type);
    if (set) set.delete(fn);
  }

  emit(type, detail) {
    for (const fn of [...(this.#handlers.get(type) || [])]) {
      try { fn(detail); } catch (e) { console.error('[relaycast] handler for', type, 'threw', e); }
    }
  }
}

/**
 * A connection to a Relaycast room.
 *
 * Events (rc.on(name, fn)): state {state, reason}, joined {peerId, roomId, nodeId, peers},
 * peerJoined {peerId, name}, peerLeft {peerId, name}, track {peerId, trackId, kind, track, stream},
 * trackEnded {peerId, trackId, kind}, trackMuted {peerId, trackId, kind, muted},
 * speaker {peerId} (also emitted as dominantSpeaker {peerId}), layer {trackId, rid},
 * error {code, message, fatal}, local {source, track}.
 */

/** The simulcast layers a camera is sent in when asked (PROTOCOL.md: up to three rids): quarter, half, full size. */
export const SIMULCAST_ENCODINGS = Object.freeze([
  Object.freeze({ rid: 'q', scaleResolutionDownBy: 4 }),
  Object.freeze({ rid: 'h', scaleResolutionDownBy: 2 }),
  Object.freeze({ rid: 'f' }),
]);

export class Relaycast extends Emitter {
  /**
   * @param {object} options
   * @param {string} options.room        room id (1-128 of [A-Za-z0-9_.-])
   * @param {string} [options.name]      display name
   * @param {string|function} [options.token] a JWT, or a (possibly async) function returning one, asked at each (re)join
   * @param {string[]} [options.urls]    node base URLs (http(s)://host:port/) to use in turn; default: this page's origin
   * @param {boolean} [options.reconnect=true]
   * @param {number} [options.backoffMs=250] first reconnect delay; doubles up to maxBackoffMs
   * @param {number} [options.maxBackoffMs=5000]
   * @param {number} [options.keepAliveMs=10000] ping interval; no message for 3 intervals means the node is gone
   *   (generous: a busy node or a throttled background tab must not look dead; a killed node closes the socket at once)
   * @param {RTCIceServer[]} [options.iceServers=[]]
   * @param {Array} [options.log]        an array to append {t, kind, detail} notes to (kept across instances by the caller)
   * @param {boolean} [options.simulcast=false] send the camera in three layers (SIMULCAST_ENCODINGS); publishCamera's
   *   own `simulcast` overrides it. libwebrtc sends all three only for captures of at least 960x540.
   */
  constructor(options) {
    super();
    if (!options || !options.room) throw new Error('Relaycast: options.room is required');
    this.options = {
      reconnect: true, backoffMs: 250, maxBackoffMs: 5000, keepAliveMs: 10000, iceServers: [], simulcast: false,
      ...options,
    };
    this.urls = (options.urls && options.urls.length ? options.urls : [globalThis.location ? location.origin : ''])
      .map((u) => String(u));
    this.state = 'idle';
    this.peerId = null;
    this.nodeId = null;
    this.roomId = options.room;
    this.peers = new Map();          // peerId -> {peerId, name, tracks: Map(trackId -> {trackId, kind, track, stream, mid})}
    this.local = new Map();          // source ('camera'|'microphone'|'screen') -> {source, track, muted}
    this.localStream = new MediaStream();
    this.speaker = null;
    this.layers = new Map();         // trackId -> rid
    this.pc = null;
    this.ws = null;
    this.log = options.log || [];    // recent {t, kind, detail}, for debugging and tests
    this._selfIds = new Set();       // our peer ids of earlier connections: their ghosts are not peers
    this._prefs = new Map();         // trackId -> preferences, re-sent after a reconnect
    this._urlIndex = 0;
    this._attempt = 0;
    this._wanted = false;
    this._queue = Promise.resolve();
    this._offerPending = false;
    this._reofferNeeded = false;
    this._timers = new Set();
    this._lastPrevStats = new Map();
  }

  // ------------------------------------------------------------------ public API

  /** Joins the room; resolves with the welcome on the first join, rejects on a fatal refusal. */
  join() {
    if (this._wanted) return this._joinPromise;
    this._wanted = true;
    this._joinPromise = new Promise((resolve, reject) => { this._joinResolve = resolve; this._joinReject = reject; });
    this._connect();
    return this._joinPromise;
  }

  /** Leaves the room for good (others get peerLeft). Local tracks are stopped unless keepTracks. */
  leave({ keepTracks = false } = {}) {
    this._wanted = false;
    this._send({ type: 'leave' });
    const ws = this.ws;
    this._teardown('left');
    if (ws) setTimeout(() => { try { ws.close(1000, 'left'); } catch (e) { /* already closed */ } }, 500);
    if (!keepTracks) for (const source of [...this.local.keys()]) this.unpublish(source);
    this._setState('closed', 'left');
  }

  /**
   * Publishes the camera: getUserMedia video constraints (deviceId, width, height, frameRate) or {track};
   * `simulcast: true` (or the constructor's option) sends it in the three layers of SIMULCAST_ENCODINGS.
   */
  async publishCamera(constraints = {}) {
    const { simulcast = this.options.simulcast, ...rest } = constraints;
    const track = rest.track || (await navigator.mediaDevices.getUserMedia({ video: videoConstraints(rest) })).getVideoTracks()[0];
    return this._publish('camera', track, { simulcast: !!simulcast });
  }

  /** Publishes the microphone: getUserMedia audio constraints (deviceId, ...) or {track}. */
  async publishMicrophone(constraints = {}) {
    const { track: given, ...audio } = constraints;
    const track = given || (await navigator.mediaDevices.getUserMedia({ audio: Object.keys(audio).length ? audio : true })).getAudioTracks()[0];
    return this._publish('microphone', track);
  }

  /** Publishes a screen (getDisplayMedia, or {track}) as a second video track; it ends when the user stops sharing. */
  async publishScreen(options = {}) {
    const track = options.track || (await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false })).getVideoTracks()[0];
    track.addEventListener('ended', () => { if (this.local.get('screen')?.track === track) this.unpublish('screen'); });
    return this._publish('screen', track);
  }

  /** Stops publishing a source; its track is stopped. */
  unpublish(source) {
    const entry = this.local.get(source);
    if (!entry) return;
    this.local.delete(source);
    this.localStream.removeTrack(entry.track);
    entry.track.stop();
    const tr = this._transceiverOf(entry.track);
    if (tr) {
      tr.sender.replaceTrack(null).catch(() => {});
      tr.direction = 'inactive';
      this._renegotiate();
    }
    this.emit('local', { source, track: null });
  }

  /**
   * Mutes or unmutes a published source. A muted source sends nothing: its m-line turns inactive,
   * so the node stops forwarding it and the others see their copy of the track muted.
   */
  setMuted(source, muted) {
    const entry = this.local.get(source);
    if (!entry || entry.muted === muted) return;
    entry.muted = muted;
    entry.track.enabled = !muted;
    const tr = this._transceiverOf(entry.track);
    if (tr) {
      tr.direction = muted ? 'inactive' : 'sendonly';
      this._renegotiate();
    }
    this.emit('local', { source, track: entry.track, muted });
  }

  isMuted(source) {
    return !!this.local.get(source)?.muted;
  }

  /** Replaces a published source's track (another camera or microphone) without renegotiation. */
  async replaceTrack(source, track) {
    const entry = this.local.get(source);
    if (!entry) return this._publish(source, track);
    const tr = this._transceiverOf(entry.track);
    this.localStream.removeTrack(entry.track);
    entry.track.stop();
    entry.track = track;
    track.enabled = !entry.muted;
    this.localStream.addTrack(track);
    if (tr) await tr.sender.replaceTrack(track);
    this.emit('local', { source, track, muted: entry.muted });
    return track;
  }

  /**
   * PROTOCOL.md setPreferences for one remote track (its trackId from the `track` event): `maxHeight`
   * (pixels, 0 pauses), `maxFps`, `paused`. Omitted fields keep their value. Kept and re-sent after a
   * reconnect and when the track comes back. The node answers with `layer` events.
   */
  setPreferences(trackId, prefs = {}) {
    if (!trackId) throw new Error('setPreferences: a trackId is required');
    const clean = {};
    for (const k of ['maxHeight', 'maxFps', 'paused']) if (prefs[k] !== undefined) clean[k] = prefs[k];
    prefs = clean;
    const merged = { ...(this._prefs.get(trackId) || {}), ...prefs };
    this._prefs.set(trackId, merged);
    this._send({ type: 'setPreferences', trackId, ...prefs });
  }

  /**
   * A getStats summary: per remote track {peerId, trackId, kind, width, height, fps, kbps,
   * packetsLost, lossPercent, jitterMs, framesDecoded, bytesReceived}, per local source
   * {source, kind, width, height, fps, kbps}, and rttMs of the media path. Rates are over the
   * time since the previous call.
   */
  async stats() {
    const out = { rttMs: null, remote: [], local: [], nodeId: this.nodeId };
    const pc = this.pc;
    if (!pc) return out;
    const report = await pc.getStats();
    const now = performance.now();
    const byMid = new Map();
    for (const tr of pc.getTransceivers()) if (tr.mid !== null) byMid.set(tr.mid, tr);
    // RTT of the media path: the selected ICE pair's (consent checks), else any RTCP-based estimate.
    let selected = null;
    report.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) selected = s.selectedCandidatePairId; });
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && (s.id === selected || (!selected && s.nominated))
          && s.currentRoundTripTime !== undefined) {
        out.rttMs = Math.round(s.currentRoundTripTime * 1000);
      }
    });
    if (out.rttMs === null) {
      report.forEach((s) => {
        if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) out.rttMs = Math.round(s.roundTripTime * 1000);
      });
    }
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        const info = this._remoteByMid(s.mid);
        if (!info) return;
        const lost = s.packetsLost || 0;
        const got = s.packetsReceived || 0;
        const prev = this._lastPrevStats.get('in:' + s.mid);
        const rate = prev && prev.id === info.trackId ? rates(prev, s, now, lost, got) : null;
        // Rates are over at least the last second, however often stats() is called.
        if (!prev || prev.id !== info.trackId || now - prev.t >= 1000) {
          this._lastPrevStats.set('in:' + s.mid, { id: info.trackId, t: now, bytes: s.bytesReceived || 0, lost, got, frames: s.framesDecoded || 0 });
        }
        out.remote.push({
          peerId: info.peerId, trackId: info.trackId, kind: s.kind, mid: s.mid,
          width: s.frameWidth || null, height: s.frameHeight || null,
          fps: s.framesPerSecond ?? (rate ? rate.fps : null),
          kbps: rate ? rate.kbps : null,
          packetsLost: lost,
          lossPercent: rate ? rate.lossPercent : (got + lost > 0 ? (100 * lost) / (got + lost) : 0),
          jitterMs: s.jitter !== undefined ? Math.round(s.jitter * 1000) : null,
          framesDecoded: s.framesDecoded || 0,
          freezeCount: s.freezeCount ?? null,
          rid: s.kind === 'video' ? (this.layers.has(info.trackId) ? this.layers.get(info.trackId) : undefined) : undefined,
          bytesReceived: s.bytesReceived || 0,
          audioLevel: s.audioLevel ?? null,
          rttMs: out.rttMs,
        });
      } else if (s.type === 'outbound-rtp') {
        const tr = byMid.get(s.mid);
        const source = tr && [...this.local.values()].find((e) => e.track === tr.sender.track)?.source;
        if (!source) return;
        const prev = this._lastPrevStats.get('out:' + s.mid);
        const kbps = prev ? Math.round((8 * ((s.bytesSent || 0) - prev.bytes)) / Math.max(1, now - prev.t)) : null;
        if (!prev || now - prev.t >= 1000) this._lastPrevStats.set('out:' + s.mid, { t: now, bytes: s.bytesSent || 0 });
        const entry = out.local.find((e) => e.source === source);
        const row = { source, kind: s.kind, width: s.frameWidth || null, height: s.frameHeight || null, fps: s.framesPerSecond || null, kbps };
        // With simulcast a source has several outbound-rtp: report the largest layer, sum the rates.
        if (!entry) out.local.push(row);
        else {
          entry.kbps = (entry.kbps || 0) + (kbps || 0);
          if ((row.height || 0) > (entry.height || 0)) Object.assign(entry, { width: row.width, height: row.height, fps: row.fps });
        }
      }
    });
    return out;
  }

  // ------------------------------------------------------------------ connection

  _connect() {
    const base = this.urls[this._urlIndex % this.urls.length];
    let url;
    try {
      url = new URL('ws', base.endsWith('/') ? base : base + '/');
    } catch (e) {
      this._fatal('bad_request', `bad node URL ${base}`);
      return;
    }
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this._setState(this._everJoined ? 'reconnecting' : 'connecting', base);
    let ws;
    try {
      ws = new WebSocket(url);
    } catch (e) {
      this._lost(null, 'cannot open ' + url + ': ' + e.message);
      return;
    }
    this.ws = ws;
    this._welcomed = false;
    this._lastRecv = Date.now();
    ws.onopen = async () => {
      let token = this.options.token;
      try {
        if (typeof token === 'function') token = await token();
      } catch (e) {
        this._fatal('unauthorized', 'the token function failed: ' + e.message);
        return;
      }
      if (ws !== this.ws) return;
      const join = { type: 'join', roomId: this.roomId };
      if (this.options.name) join.name = this.options.name;
      if (token) join.token = token;
      this._send(join);
      this._startKeepAlive(ws);
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this._lastRecv = Date.now();
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { this._note('bad-frame', String(ev.data).slice(0, 80)); return; }
      this._queue = this._queue.then(() => this._handle(msg)).catch((e) => {
        this._note('handler-error', String(e));
        this.emit('error', { code: 'client', message: 'negotiation failed: ' + e.message, fatal: false });
        // A client whose negotiation broke starts over on a fresh connection.
        this._lost(ws, 'negotiation failed: ' + e.message);
      });
    };
    ws.onclose = (ev) => {
      if (ev.code === PROTOCOL_CLOSE_UNAUTHORIZED) {
        this._fatal('unauthorized', ev.reason || 'unauthorized');
        return;
      }
      this._lost(ws, `signaling closed (${ev.code}${ev.reason ? ' ' + ev.reason : ''})`);
    };
    ws.onerror = () => { /* onclose follows with the code */ };
  }

  _startKeepAlive(ws) {
    const interval = this.options.keepAliveMs;
    const id = setInterval(() => {
      if (ws !== this.ws) { clearInterval(id); this._timers.delete(id); return; }
      if (Date.now() - this._lastRecv > 3 * interval) {
        this._lost(ws, 'the node stopped answering');
        return;
      }
      this._send({ type: 'ping' });
    }, interval);
    this._timers.add(id);
  }

  /** The connection is gone: clean up and, unless we left, rejoin (to the next node) after a backoff. */
  _lost(ws, reason) {
    if (ws !== this.ws && ws !== null) return;
    this._note('lost', reason);
    this._teardown(reason);
    if (!this._wanted || !this.options.reconnect) {
      this._setState('closed', reason);
      if (this._joinReject && !this._everJoined) this._joinReject(new Error(reason));
      return;
    }
    const delay = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** this._attempt) * (0.75 + Math.random() / 2);
    this._attempt++;
    this._urlIndex++;
    this._setState('reconnecting', reason);
    const id = setTimeout(() => { this._timers.delete(id); if (this._wanted && !this.ws) this._connect(); }, delay);
    this._timers.add(id);
  }

  _fatal(code, message) {
    this._wanted = false;
    this.emit('error', { code, message, fatal: true });
    const ws = this.ws;
    this._teardown(message);
    if (ws) try { ws.close(1000); } catch (e) { /* closed */ }
    this._setState('closed', message);
    if (this._joinReject) this._joinReject(Object.assign(new Error(message), { code }));
    this._joinResolve = this._joinReject = null;
  }

  /** Drops the socket and the peer connection; remote tracks end (they come back on the next connection). */
  _teardown(reason) {
    for (const id of this._timers) { clearTimeout(id); clearInterval(id); }
    this._timers.clear();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        try { ws.close(1000, reason ? String(reason).slice(0, 100) : undefined); } catch (e) { /* closed */ }
      }
    }
    if (this.pc) {
      const pc = this.pc;
      this.pc = null;
      pc.ontrack = pc.onicecandidate = pc.onconnectionstatechange = null;
      pc.close();
    }
    for (const peer of this.peers.values()) {
      for (const t of [...peer.tracks.values()]) this._trackEnded(peer, t);
    }
    this._queue = Promise.resolve();
    this._offerPending = false;
    this._reofferNeeded = false;
    this._lastPrevStats.clear();
    if (!this._wanted) {
      for (const id of [...this.peers.keys()]) this._removePeer(id);
    }
  }

  _send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  _setState(state, reason) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', { state, reason });
  }

  _note(kind, detail) {
    this.log.push({ t: Date.now(), kind, detail });
    if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
  }

  // ------------------------------------------------------------------ server messages

  async _handle(msg) {
    this._note('recv', msg.type);
    switch (msg.type) {
      case 'welcome': return this._onWelcome(msg);
      case 'peerJoined': if (!this._selfIds.has(msg.peer.peerId)) this._addPeer(msg.peer); return undefined;
      case 'peerLeft': this._removePeer(msg.peerId); return undefined;
      case 'answer':
        if (!this.pc) return undefined;
        this._offerPending = false;
        await this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        if (this._reofferNeeded) await this._offer();
        return undefined;
      case 'offer': return this._onServerOffer(msg.sdp);
      case 'iceCandidate':
        if (msg.candidate && this.pc) await this.pc.addIceCandidate(msg.candidate).catch((e) => this._note('candidate-error', e.message));
        return undefined;
      case 'pong': return undefined;
      case 'dominantSpeaker':
        this.speaker = msg.peerId ?? null;
        this.emit('speaker', { peerId: this.speaker });
        this.emit('dominantSpeaker', { peerId: this.speaker });
        return undefined;
      case 'layer':
        this.layers.set(msg.trackId, msg.rid ?? null);
        this.emit('layer', { trackId: msg.trackId, rid: msg.rid ?? null });
        return undefined;
      case 'error': return this._onError(msg);
      default:
        this._note('unknown', msg.type);
        return undefined;
    }
  }

  _onError(msg) {
    if (msg.code === 'overloaded') {
      // A draining or full node: go elsewhere, republishing there.
      this.emit('error', { code: msg.code, message: msg.message, fatal: false });
      this._lost(this.ws, 'overloaded: ' + msg.message);
    } else if (FATAL_CODES.has(msg.code) && !this._welcomed) {
      this._fatal(msg.code, msg.message);
    } else {
      this.emit('error', { code: msg.code, message: msg.message, fatal: false });
    }
  }

  async _onWelcome(msg) {
    this._welcomed = true;
    this.peerId = msg.peerId;
    this.nodeId = msg.nodeId;
    this.roomId = msg.roomId;
    this._selfIds.add(msg.peerId);
    this._attempt = 0;
    const present = new Set();
    for (const p of msg.peers) {
      if (this._selfIds.has(p.peerId)) continue; // our own ghost from before a reconnect, until the node notices
      present.add(p.peerId);
    }
    for (const id of [...this.peers.keys()]) if (!present.has(id)) this._removePeer(id);
    for (const p of msg.peers) if (present.has(p.peerId)) this._addPeer(p);
    const first = !this._everJoined;
    this._everJoined = true;
    this._setState('joined', msg.nodeId);
    this.emit('joined', { peerId: msg.peerId, roomId: msg.roomId, nodeId: msg.nodeId, peers: [...this.peers.values()].map(({ peerId, name }) => ({ peerId, name })), reconnected: !first });
    if (this._joinResolve) { this._joinResolve(msg); this._joinResolve = this._joinReject = null; }
    await this._startMedia();
  }

  _addPeer(p) {
    if (this.peers.has(p.peerId)) return this.peers.get(p.peerId);
    const peer = { peerId: p.peerId, name: p.name || p.peerId, tracks: new Map() };
    this.peers.set(p.peerId, peer);
    this.emit('peerJoined', { peerId: peer.peerId, name: peer.name });
    return peer;
  }

  _removePeer(peerId) {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    for (const t of [...peer.tracks.values()]) this._trackEnded(peer, t);
    this.peers.delete(peerId);
    if (this.speaker === peerId) { this.speaker = null; this.emit('speaker', { peerId: null }); this.emit('dominantSpeaker', { peerId: null }); }
    this.emit('peerLeft', { peerId, name: peer.name });
  }

  // ------------------------------------------------------------------ media

  async _startMedia() {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require', iceServers: this.options.iceServers });
    this.pc = pc;
    pc.onicecandidate = (ev) => this._send({ type: 'iceCandidate', candidate: ev.candidate ? ev.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => {
      this.emit('media', { state: pc.connectionState });
      if (pc.connectionState === 'failed' && pc === this.pc) this._lost(this.ws, 'media transport failed');
    };
    pc.ontrack = (ev) => this._onTrack(ev);
    for (const entry of this.local.values()) {
      pc.addTransceiver(entry.track, this._sendInit(entry, entry.muted ? 'inactive' : 'sendonly'));
    }
    if (this.local.size === 0) pc.addTransceiver('audio', { direction: 'recvonly' });
    await this._offer();
  }

  async _offer() {
    const pc = this.pc;
    if (!pc) return;
    this._reofferNeeded = false;
    await pc.setLocalDescription(await pc.createOffer());
    this._offerPending = true;
    this._send({ type: 'offer', sdp: pc.localDescription.sdp });
  }

  async _onServerOffer(sdp) {
    const pc = this.pc;
    if (!pc) return;
    if (pc.signalingState === 'have-local-offer') {
      // Glare: the node is impolite and ignores our offer; roll ours back and send it again after.
      this._note('glare', 'rolling back our offer');
      await pc.setLocalDescription({ type: 'rollback' });
      this._offerPending = false;
      this._reofferNeeded = true;
    }
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    this._send({ type: 'answer', sdp: pc.localDescription.sdp });
    this._syncRemoteTracks();
    if (this._reofferNeeded) await this._offer();
  }

  /** Our own tracks changed: offer now if nothing is in flight, else right after. */
  _renegotiate() {
    if (!this.pc) return;
    this._queue = this._queue.then(async () => {
      if (!this.pc) return;
      if (this.pc.signalingState !== 'stable' || this._offerPending) {
        this._reofferNeeded = true;
        return;
      }
      await this._offer();
    }).catch((e) => this._note('renegotiate-error', String(e)));
  }

  /** addTransceiver's init for a local source: with simulcast, a video track gets the three rid layers. */
  _sendInit(entry, direction) {
    const init = { direction, streams: [this.localStream] };
    if (entry.simulcast && entry.track.kind === 'video') init.sendEncodings = SIMULCAST_ENCODINGS.map((e) => ({ ...e }));
    return init;
  }

  async _publish(source, track, { simulcast = false } = {}) {
    const old = this.local.get(source);
    if (old) return this.replaceTrack(source, track);
    const entry = { source, track, muted: false, simulcast };
    this.local.set(source, entry);
    this.localStream.addTrack(track);
    if (this.pc) {
      // Reuse one of our inactive m-lines of that kind before adding a new one (not for simulcast:
      // the rids of an m-line are fixed when it is first negotiated).
      const free = !entry.simulcast && this.pc.getTransceivers().find((t) => !t.stopped && t.direction === 'inactive' && t.sender.track === null
        && t.receiver.track && t.receiver.track.kind === track.kind && t.currentDirection !== 'recvonly');
      if (free) {
        await free.sender.replaceTrack(track);
        free.sender.setStreams(this.localStream);
        free.direction = 'sendonly';
      } else {
        this.pc.addTransceiver(track, this._sendInit(entry, 'sendonly'));
      }
      this._renegotiate();
    }
    this.emit('local', { source, track, muted: false });
    return track;
  }

  _transceiverOf(track) {
    return this.pc ? this.pc.getTransceivers().find((t) => t.sender.track === track) : null;
  }

  /** PROTOCOL.md: the trackId is the second token of a=msid of the node's m-line (mid) for it. */
  _msidOf(mid) {
    const sdp = this.pc && this.pc.remoteDescription ? this.pc.remoteDescription.sdp : '';
    let inSection = false;
    let msid = null;
    let direction = null;
    for (const line of sdp.split(/\r?\n/)) {
      if (line.startsWith('m=')) {
        if (inSection) break;
        msid = null; direction = null;
      } else if (line === 'a=mid:' + mid) {
        inSection = true;
      } else if (line.startsWith('a=msid:')) {
        msid = line.slice(7).split(' ');
      } else if (/^a=(sendonly|recvonly|sendrecv|inactive)$/.test(line)) {
        direction = line.slice(2);
      }
    }
    return inSection && msid && msid.length === 2 && direction === 'sendonly' ? { streamId: msid[0], trackId: msid[1] } : null;
  }

  _onTrack(ev) {
    const mid = ev.transceiver.mid;
    const ids = this._msidOf(mid);
    const streamId = ev.streams[0] ? ev.streams[0].id : ids && ids.streamId;
    if (!streamId || this._selfIds.has(streamId)) return;
    const trackId = ids ? ids.trackId : ev.track.id;
    const peer = this.peers.get(streamId) || this._addPeer({ peerId: streamId, name: streamId });
    const existing = [...peer.tracks.values()].find((t) => t.mid === mid);
    if (existing && existing.trackId === trackId) return;
    if (existing) this._trackEnded(peer, existing);
    const stream = new MediaStream([ev.track]);
    const info = { peerId: peer.peerId, trackId, kind: ev.track.kind, track: ev.track, stream, mid };
    peer.tracks.set(trackId, info);
    ev.track.onmute = () => this.emit('trackMuted', { peerId: peer.peerId, trackId, kind: info.kind, muted: true });
    ev.track.onunmute = () => this.emit('trackMuted', { peerId: peer.peerId, trackId, kind: info.kind, muted: false });
    this.emit('track', info);
    const prefs = this._prefs.get(trackId);
    if (prefs) this._send({ type: 'setPreferences', trackId, ...prefs });
  }

  /** After each node offer: m-lines that went inactive end their tracks; reused ones carry new ones. */
  _syncRemoteTracks() {
    if (!this.pc) return;
    for (const peer of this.peers.values()) {
      for (const t of [...peer.tracks.values()]) {
        const ids = this._msidOf(t.mid);
        if (!ids) {
          // The m-line went inactive: the publisher muted or unpublished it (the track is muted now).
          this.emit('trackMuted', { peerId: peer.peerId, trackId: t.trackId, kind: t.kind, muted: true });
        }
        if (!ids || ids.trackId !== t.trackId) this._trackEnded(peer, t);
      }
    }
    for (const tr of this.pc.getTransceivers()) {
      if (!tr.mid || !tr.receiver.track) continue;
      const ids = this._msidOf(tr.mid);
      if (!ids || this._selfIds.has(ids.streamId)) continue;
      const peer = this.peers.get(ids.streamId);
      if (peer && !peer.tracks.has(ids.trackId)) {
        // An m-line reused for a new track fires no new track event in every browser: synthesize it.
        this._onTrack({ transceiver: tr, track: tr.receiver.track, streams: [] });
      }
    }
  }

  _trackEnded(peer, t) {
    if (peer.tracks.get(t.trackId) !== t) return;
    peer.tracks.delete(t.trackId);
    t.track.onmute = t.track.onunmute = null;
    this.emit('trackEnded', { peerId: peer.peerId, trackId: t.trackId, kind: t.kind });
  }

  _remoteByMid(mid) {
    for (const peer of this.peers.values()) {
      for (const t of peer.tracks.values()) if (t.mid === mid) return t;
    }
    return null;
  }
}

function videoConstraints(c) {
  const v = {};
  for (const k of ['deviceId', 'width', 'height', 'frameRate', 'facingMode']) if (c[k] !== undefined && c[k] !== null && c[k] !== '') v[k] = c[k];
  if (typeof v.deviceId === 'string') v.deviceId = { exact: v.deviceId };
  return Object.keys(v).length ? v : true;
}

function rates(prev, s, now, lost, got) {
  const dt = Math.max(1, now - prev.t);
  const dLost = Math.max(0, lost - prev.lost);
  const dGot = Math.max(0, got - prev.got);
  return {
    kbps: Math.round((8 * ((s.bytesReceived || 0) - prev.bytes)) / dt),
    fps: Math.round((1000 * ((s.framesDecoded || 0) - prev.frames)) / dt),
    lossPercent: dLost + dGot > 0 ? (100 * dLost) / (dLost + dGot) : 0,
  };
}

/** Lists cameras and microphones (labels appear once the page has media permission). */
export async function listDevices() {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
  };
}
