import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { describeTlsError, secureContextWith, summarizeCertificate, type CertificateSummary } from './cert.ts';
import { bareHost, literalTarget, resolveTarget, type ResolvedTarget } from './resolve.ts';
import { checkText } from './texts.ts';
import { classifySocketError, errorCode, errorText, type Failure, type NetworkOptions } from './types.ts';

// The SSRF-safe connection every outbound HTTP exchange uses (the HTTP probe, webhooks and the other
// notification providers): resolve, check the address, connect to exactly that address, time the phases.

export interface TlsSummary {
  version: string | null;
  cipher: string | null;
  authorized: boolean;
  authorization_error: string | null;
  certificate: CertificateSummary | null;
}

export interface ConnectOptions extends NetworkOptions {
  /** Extra trusted CA certificates (PEM), on top of the system roots. */
  ca?: string[] | undefined;
}

export class ProbeFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Per-hop measurements, written by the connector and the request. */
export interface Hop {
  start: number;
  dnsEnd?: number;
  connectEnd?: number;
  tlsEnd?: number;
  headersAt?: number;
  bodyEnd?: number;
  resolvedIp?: string;
  tls?: TlsSummary;
  failure?: Failure;
  /** Destroyed when the hop ends, however it ends, so no connection outlives its check. */
  socket?: net.Socket;
  /** Set at the deadline: a lookup still in flight must not open a connection afterwards. */
  cancelled?: boolean;
}


export const now = () => performance.now();

export type Connected = (err: Error | null, socket: net.Socket | null) => void;

/**
 * Opens one fresh connection for one hop: resolves the name itself, applies the SSRF policy to the
 * address, connects to exactly that address (TLS with SNI for the name) and records phase times.
 */
export function connectHop(url: URL, hop: Hop, opts: ConnectOptions, deadline: number, callback: Connected): void {
  // The stopwatch starts with the network work (the lookup), not with local set-up of the client.
  hop.start = now();
  let settled = false;
  let socket: net.Socket | tls.TLSSocket | undefined;
  const done = (err: Error | null, failure?: Failure) => {
    if (settled) return;
    settled = true;
    if (err) {
      if (failure) hop.failure = failure;
      socket?.destroy();
      callback(err, null);
    } else if (socket) {
      callback(null, socket);
    }
  };
  // The deadline is enforced by fetchHop, which destroys this hop's socket.
  const host = bareHost(url.hostname);
  const open = (target: ResolvedTarget) => {
    if (settled || hop.cancelled) return;
    hop.dnsEnd = now();
    if (!target.ok) {
      done(new ProbeFailure(target.failure), target.failure);
      return;
    }
    hop.resolvedIp = target.address;
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    if (url.protocol === 'https:') {
      const s = tls.connect({
        host: target.address,
        port,
        servername: net.isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        secureContext: secureContextWith(opts.ca),
        // Verified below ourselves, so a bad certificate is still summarised in the result.
        rejectUnauthorized: false,
      });
      socket = s;
      hop.socket = s;
      s.once('connect', () => {
        hop.connectEnd = now();
      });
      s.once('secureConnect', () => {
        hop.tlsEnd = now();
        const authErr = s.authorizationError ? String(s.authorizationError) : null;
        const cipher = s.getCipher();
        hop.tls = {
          version: s.getProtocol() ?? null,
          cipher: cipher?.name ?? null,
          authorized: s.authorized,
          authorization_error: authErr,
          certificate: summarizeCertificate(s.getPeerCertificate()),
        };
        if (!s.authorized) {
          const failure: Failure = {
            kind: 'tls',
            message: checkText('tls_rejected', { reason: describeTlsError(authErr ?? undefined, authErr ?? 'not trusted') }),
          };
          done(new ProbeFailure(failure), failure);
          return;
        }
        done(null);
      });
    } else {
      socket = net.connect({ host: target.address, port });
      hop.socket = socket;
      socket.once('connect', () => {
        hop.connectEnd = now();
        done(null);
      });
    }
    socket.setNoDelay(true);
    socket.once('error', (err) => {
      const code = errorCode(err);
      const tlsPhase = url.protocol === 'https:' && hop.connectEnd !== undefined && hop.tlsEnd === undefined;
      const failure: Failure =
        tlsPhase && code !== 'ECONNRESET'
          ? { kind: 'tls', message: checkText('tls_failed', { reason: describeTlsError(code, errorText(err)) }) }
          : tlsPhase
            ? { kind: 'tls', message: checkText('tls_reset') }
            : classifySocketError(err);
      done(err, failure);
    });
  };
  // An allowed IP literal is connected at once: no promise turn in which other checks' work could
  // run between the stopwatch's start and the SYN. Names (and refused literals) go through the lookup.
  const literal = literalTarget(host, opts);
  if (literal?.ok) {
    open(literal);
    return;
  }
  resolveTarget(host, opts, Math.max(1, deadline - now())).then(open, (err: unknown) => {
    const failure: Failure = { kind: 'dns', message: errorText(err) };
    done(new ProbeFailure(failure), failure);
  });
}
