// @ts-check
// Live updates over the WebSocket (spec 11): subscribe to projects, hear `status` and `alert`, reconnect
// with backoff. Locally the socket is same-origin /ws/{user_id}; on AWS its URL is in /frontend/config.json.

/**
 * @typedef {{ type: 'status', project_id: number, checked_at: string, is_available: boolean,
 *   status_code: number | null, response_time: number | null, error_message: string | null }} StatusMessage
 * @typedef {{ type: 'alert', project_id?: number | null, title?: string, message?: string,
 *   severity?: string, alert_type?: string }} AlertMessage
 */

/** @returns {Promise<string | null>} the deployment's WebSocket URL, or null for same-origin */
async function configuredWsUrl() {
  try {
    const r = await fetch(new URL('../../config.json', import.meta.url), { cache: 'no-store' });
    if (!r.ok) return null;
    const c = /** @type {unknown} */ (await r.json());
    const ws = c && typeof c === 'object' ? /** @type {Record<string, unknown>} */ (c)['wsUrl'] : null;
    return typeof ws === 'string' && /^wss?:\/\//.test(ws) ? ws : null;
  } catch {
    return null;
  }
}

/** @param {number} userId @param {string} token */
async function wsUrl(userId, token) {
  const configured = await configuredWsUrl();
  if (configured) {
    const u = new URL(configured);
    u.searchParams.set('user_id', String(userId));
    u.searchParams.set('token', token);
    return u.toString();
  }
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws/${encodeURIComponent(userId)}?token=${encodeURIComponent(token)}`;
}

/**
 * @param {{
 *   userId: number,
 *   token: () => string | null,
 *   projectIds: () => Iterable<number>,
 *   onStatus: (m: StatusMessage) => void,
 *   onAlert: (m: AlertMessage) => void,
 *   onState: (connected: boolean) => void,
 * }} opts
 */
export function connectLive(opts) {
  /** @type {WebSocket | null} */
  let socket = null;
  let retry = 0;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let pingTimer;
  let closed = false;

  const subscribeAll = () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const id of opts.projectIds()) socket.send(JSON.stringify({ type: 'subscribe', project_id: id }));
  };

  const scheduleReconnect = () => {
    if (closed) return;
    setTimeout(connect, Math.min(30_000, 1000 * 2 ** retry++));
  };

  async function connect() {
    const token = opts.token();
    if (!token || closed) return;
    let ws;
    try {
      ws = new WebSocket(await wsUrl(opts.userId, token));
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.addEventListener('open', () => {
      retry = 0;
      opts.onState(true);
      subscribeAll();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), 25_000);
    });
    ws.addEventListener('message', (ev) => {
      let m;
      try {
        m = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (m && m.type === 'status' && typeof m.project_id === 'number') opts.onStatus(m);
      else if (m && m.type === 'alert') opts.onAlert(m);
    });
    ws.addEventListener('close', () => {
      clearInterval(pingTimer);
      opts.onState(false);
      if (socket === ws) socket = null;
      scheduleReconnect();
    });
  }

  connect();
  return {
    /** Subscribes projects that appeared after the socket opened. */
    resubscribe: subscribeAll,
    close() {
      closed = true;
      socket?.close();
    },
  };
}
