import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { resolveTarget } from './resolve.ts';
import { checkText } from './texts.ts';
import { errorCode, errorText, roundMs, type ErrorKind, type NetworkOptions } from './types.ts';

export interface UdpProbeOptions extends NetworkOptions {
  /** Default 3 s: how long silence is awaited before answering `open|filtered`. */
  timeoutMs?: number;
  /** Datagram to send (UTF-8); empty by default. Many services answer only a valid request. */
  payload?: string;
}

export type UdpState = 'open' | 'closed' | 'open|filtered' | 'error';

export interface UdpResult {
  host: string;
  port: number;
  resolved_ip: string | null;
  /** True only when the port answered. */
  is_open: boolean;
  /** True when nothing came back: the port may be open and silent, or filtered. */
  is_filtered: boolean;
  state: UdpState;
  response_time: number;
  /** Size of the reply, when there was one. */
  response_size: number | null;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

/**
 * UDP port check (spec 4.6) over a connected socket: a reply means open, an ICMP port-unreachable
 * (ECONNREFUSED on the connected socket) means closed, silence means `open|filtered`.
 */
export async function probeUdp(host: string, port: number, opts: UdpProbeOptions): Promise<UdpResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const base = { host, port, checked_at: new Date().toISOString() };
  const fail = (kind: ErrorKind, message: string, ip: string | null = null): UdpResult => ({
    ...base,
    resolved_ip: ip,
    is_open: false,
    is_filtered: false,
    state: 'error',
    response_time: roundMs(performance.now() - started),
    response_size: null,
    error_kind: kind,
    error_message: message,
  });
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('invalid', checkText('port_range'));
  const target = await resolveTarget(host, opts, timeoutMs);
  if (!target.ok) return fail(target.failure.kind, target.failure.message);
  const remaining = Math.max(1, timeoutMs - (performance.now() - started));

  return new Promise<UdpResult>((resolve) => {
    const socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4');
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (r: UdpResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(r);
    };
    const outcome = (state: UdpState, size: number | null, kind: ErrorKind | null, message: string | null): UdpResult => ({
      ...base,
      resolved_ip: target.address,
      is_open: state === 'open',
      is_filtered: state === 'open|filtered',
      state,
      response_time: roundMs(performance.now() - started),
      response_size: size,
      error_kind: kind,
      error_message: message,
    });
    socket.on('message', (msg) => finish(outcome('open', msg.length, null, null)));
    socket.on('error', (err) => {
      if (errorCode(err) === 'ECONNREFUSED') {
        finish(outcome('closed', null, 'refused', checkText('udp_closed', { port })));
      } else {
        finish(fail('network', errorText(err), target.address));
      }
    });
    // A failed connect (no route, a broadcast address) is handed to this callback, not to 'error'.
    socket.connect(port, target.address, (connectErr?: Error) => {
      if (connectErr) {
        finish(fail('network', errorText(connectErr), target.address));
        return;
      }
      socket.send(Buffer.from(opts.payload ?? '', 'utf8'), (err) => {
        if (err) {
          if (errorCode(err) === 'ECONNREFUSED') finish(outcome('closed', null, 'refused', checkText('udp_closed', { port })));
          else finish(fail('network', errorText(err), target.address));
          return;
        }
        timer = setTimeout(
          () => finish(outcome('open|filtered', null, null, checkText('udp_open_filtered', { ms: timeoutMs }))),
          remaining,
        );
      });
    });
  });
}
