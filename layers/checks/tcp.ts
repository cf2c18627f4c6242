import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { resolveTarget } from './resolve.ts';
import { checkText } from './texts.ts';
import { classifySocketError, roundMs, type ErrorKind, type NetworkOptions } from './types.ts';

export interface TcpProbeOptions extends NetworkOptions {
  /** Default 5 s. */
  timeoutMs?: number;
}

export type TcpState = 'open' | 'closed' | 'filtered' | 'error';

export interface TcpResult {
  host: string;
  port: number;
  resolved_ip: string | null;
  is_open: boolean;
  /** `filtered`: no answer at all within the timeout (a firewall dropping packets). */
  state: TcpState;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

/** TCP port check (spec 4.5): a completed handshake means open; the connection is closed at once. */
export async function probeTcp(host: string, port: number, opts: TcpProbeOptions): Promise<TcpResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const base = { host, port, checked_at: new Date().toISOString() };
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { ...base, resolved_ip: null, is_open: false, state: 'error', response_time: 0, error_kind: 'invalid', error_message: checkText('port_range') };
  }
  const target = await resolveTarget(host, opts, timeoutMs);
  if (!target.ok) {
    return {
      ...base,
      resolved_ip: null,
      is_open: false,
      state: 'error',
      response_time: roundMs(performance.now() - started),
      error_kind: target.failure.kind,
      error_message: target.failure.message,
    };
  }
  const remaining = Math.max(1, timeoutMs - (performance.now() - started));
  return new Promise<TcpResult>((resolve) => {
    const socket = net.connect({ host: target.address, port });
    const finish = (state: TcpState, kind: ErrorKind | null, message: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        ...base,
        resolved_ip: target.address,
        is_open: state === 'open',
        state,
        response_time: roundMs(performance.now() - started),
        error_kind: kind,
        error_message: message,
      });
    };
    const timer = setTimeout(
      () => finish('filtered', 'connect_timeout', checkText('tcp_no_answer', { address: target.address, port, ms: timeoutMs })),
      remaining,
    );
    socket.once('connect', () => finish('open', null, null));
    socket.once('error', (err) => {
      const f = classifySocketError(err);
      finish(f.kind === 'refused' ? 'closed' : 'error', f.kind, f.kind === 'refused' ? checkText('tcp_closed', { port }) : f.message);
    });
  });
}
