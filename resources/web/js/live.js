// Live views over WebSocket with reconnection and a polling fallback.
//
// A connection counts as working once it has delivered a message or stayed open for
// `healthyAfterMs`, and each one that closes earlier counts as a failure. After
// `failuresBeforePolling` failures in a row the feed polls the REST API instead and reports the
// mode "polling", while it retries the WebSocket every `socketRetryWhilePollingMs`. While the
// server cannot be reached at all (a restart), the feed only retries, in mode "reconnecting".

import { api } from './api.js';

const retryDelaysMs = [1000, 2000, 4000, 8000, 15000];
const failuresBeforePolling = 3;
const healthyAfterMs = 3000;
const socketRetryWhilePollingMs = 15000;

// Close codes of the server's WebSocket endpoints.
export const closeCodes = { normal: 1000, goingAway: 1001, policy: 1008, unknownRun: 4404 };

async function socketUrl(path) {
  const { token } = await api.get('/auth/token');
  const url = new URL(path, window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.href;
}

class LiveFeed {
  constructor(path, pollIntervalMs) {
    this.path = path;
    this.pollIntervalMs = pollIntervalMs;
    this.mode = 'connecting';
    this.failures = 0;
    this.stopped = false;
    this.socket = null;
    this.timers = new Set();
    this.pollTimer = null;
    this.listeners = new Set();
    this.modeListeners = new Set();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Calls `listener(mode)` now and on every change: connecting, live, reconnecting, polling, done.
  onMode(listener) {
    this.modeListeners.add(listener);
    listener(this.mode);
    return () => this.modeListeners.delete(listener);
  }

  emit(message) {
    for (const listener of this.listeners) listener(message);
  }

  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    for (const listener of this.modeListeners) listener(mode);
  }

  start() {
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopPolling();
    if (this.socket) this.socket.close(closeCodes.normal);
    this.socket = null;
  }

  later(callback, delayMs) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) callback();
    }, delayMs);
    this.timers.add(timer);
  }

  async connect() {
    if (this.stopped) return;
    let url;
    try {
      url = await socketUrl(this.path);
    } catch (error) {
      this.serverUnreachable(error);
      return;
    }
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      // A browser or extension without WebSocket support: poll at once.
      this.failures = failuresBeforePolling;
      this.connectionFailed();
      return;
    }
    if (this.stopped) {
      socket.close(closeCodes.normal);
      return;
    }
    this.watch(socket);
  }

  watch(socket) {
    this.socket = socket;
    this.unreachableAttempts = 0;
    let healthy = false;
    const markHealthy = () => {
      if (healthy || this.socket !== socket) return;
      healthy = true;
      const wasDown = this.mode === 'reconnecting' || this.mode === 'polling';
      this.failures = 0;
      this.stopPolling();
      this.setMode('live');
      if (wasDown) this.onRecovered();
    };
    socket.addEventListener('open', () => this.later(markHealthy, healthyAfterMs));
    socket.addEventListener('message', (event) => {
      markHealthy();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.handleMessage(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped || this.handleClose(event)) return;
      if (!healthy) this.failures += 1;
      else this.failures = 1;
      this.connectionFailed();
    });
  }

  // The token request failed, so the server itself is down or restarting. Polling would fail
  // the same way, so keep retrying the socket without counting it as a WebSocket failure.
  serverUnreachable(error) {
    // 401: the session ended, and the API client has already sent the user to the login page.
    if (error?.status === 401 || this.stopped) return;
    if (this.mode !== 'polling') this.setMode('reconnecting');
    this.unreachableAttempts = (this.unreachableAttempts ?? 0) + 1;
    const delay = Math.min(1000 * 2 ** (this.unreachableAttempts - 1), 5000);
    this.later(() => this.connect(), delay);
  }

  connectionFailed() {
    if (this.stopped) return;
    if (this.failures >= failuresBeforePolling) {
      this.startPolling();
      this.later(() => this.connect(), socketRetryWhilePollingMs);
      return;
    }
    if (this.mode !== 'polling') this.setMode('reconnecting');
    const delay = retryDelaysMs[Math.min(Math.max(this.failures - 1, 0), retryDelaysMs.length - 1)];
    this.later(() => this.connect(), delay);
  }

  startPolling() {
    this.setMode('polling');
    if (this.pollTimer) return;
    const tick = async () => {
      if (this.stopped || this.mode !== 'polling') return;
      try {
        await this.poll();
      } catch {
        // The next tick tries again, and the notice already shows that updates are degraded.
      }
      if (this.mode === 'polling' && !this.stopped) this.pollTimer = setTimeout(tick, this.pollIntervalMs);
    };
    this.pollTimer = setTimeout(tick, 0);
  }

  stopPolling() {
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  // Subclass hooks.
  handleMessage() {}
  handleClose() {
    return false;
  }
  onRecovered() {}
  async poll() {}
}

// Every job's start, progress and end, from /api/ws/status. Subscribers also get
// {type: "refresh"} when they should reload from REST: after a reconnect (to catch up on missed
// events) and on every polling tick.
export class StatusFeed extends LiveFeed {
  constructor() {
    super('/api/ws/status', 5000);
  }

  handleMessage(message) {
    this.emit(message);
  }

  handleClose(event) {
    if (event.code !== closeCodes.policy) return false;
    // The server rejected the token, so the session may have ended (logout elsewhere, password
    // change). /auth/me sends the user to the login page if so, else this reconnects with a new token.
    api.get('/auth/me').then(() => this.later(() => this.connect(), 0), () => {});
    return true;
  }

  onRecovered() {
    this.emit({ type: 'refresh' });
  }

  async poll() {
    this.emit({ type: 'refresh' });
  }
}

// One run's log lines and status, from /api/ws/logs/:run_id. The server first replays every
// stored line, so lines are deduplicated by id after a reconnect. Subscribers get
// {type: "log"}, {type: "status"} and {type: "not_found"}.
export class RunLogFeed extends LiveFeed {
  constructor(runId) {
    super(`/api/ws/logs/${runId}`, 2000);
    this.runId = runId;
    this.lastId = 0;
    this.finished = false;
  }

  handleMessage(message) {
    if (message.type === 'log') this.acceptLine(message);
    else if (message.type === 'status') this.acceptStatus(message);
  }

  acceptLine(entry) {
    if (entry.id !== undefined && entry.id <= this.lastId) return;
    if (entry.id !== undefined) this.lastId = entry.id;
    this.emit({ ...entry, type: 'log' });
  }

  acceptStatus(message) {
    this.emit({ ...message, type: 'status' });
    if (message.status && !['pending', 'running'].includes(message.status)) this.finished = true;
  }

  handleClose(event) {
    if (event.code === closeCodes.unknownRun) {
      this.emit({ type: 'not_found' });
      this.setMode('done');
      return true;
    }
    if (event.code === closeCodes.normal && this.finished) {
      this.setMode('done');
      return true;
    }
    return false;
  }

  async poll() {
    for (;;) {
      const lines = await api.get(`/runs/${this.runId}/logs`, { query: { after_id: this.lastId, limit: 1000 } });
      for (const line of lines) this.acceptLine(line);
      if (lines.length < 1000) break;
    }
    const run = await api.get(`/runs/${this.runId}`);
    this.acceptStatus(run);
    if (this.finished) {
      this.stopPolling();
      this.stop();
      this.setMode('done');
    }
  }
}
