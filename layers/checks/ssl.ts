import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { analyseChain, describeTlsError, displayName, secureContextWith, type ChainAnalysis, type ChainCertificate } from './cert.ts';
import { bareHost, resolveTarget } from './resolve.ts';
import { checkText } from './texts.ts';
import { classifySocketError, daysUntil, errorCode, errorText, roundMs, type ErrorKind, type NetworkOptions } from './types.ts';

export interface SslProbeOptions extends NetworkOptions {
  port?: number;
  /** Default 10 s. */
  timeoutMs?: number;
  /** `warning` is set when days_remaining <= this. Default 30. */
  warningDays?: number;
  /** Extra trusted CA certificates (PEM). */
  ca?: string[];
  /** For tests and fixed clocks. */
  now?: Date;
}

export interface SslResult {
  host: string;
  port: number;
  resolved_ip: string | null;
  /** Chain trusted, host name matches, and within its validity dates. */
  is_valid: boolean;
  /** Raw chain verification outcome, as reported by OpenSSL/Node. */
  authorized: boolean;
  authorization_error: string | null;
  /** Human reason the certificate is invalid, or null. */
  invalid_reason: string | null;
  issuer: string | null;
  issuer_dn: string | null;
  subject: string | null;
  subject_dn: string | null;
  san: string[];
  /** The leaf's start of validity. */
  valid_from: string | null;
  /** The earliest expiry among the certificates the server sent that are on the verified path. */
  expires_at: string | null;
  days_remaining: number | null;
  /** Which certificate `expires_at` is: the leaf, or an intermediate (or a root the server sent). */
  expiring_certificate: { position: ChainCertificate['position']; subject: string; depth: number } | null;
  leaf_expires_at: string | null;
  leaf_days_remaining: number | null;
  /** The verified path, leaf first, ending at the trusted root when one was reached. */
  chain: ChainCertificate[];
  /**
   * What is wrong with the chain: `missing_intermediate` (the server sent only its leaf), `untrusted_issuer`,
   * `untrusted_root`, `self_signed`, `expired_intermediate`, or null.
   */
  chain_problem: ChainProblem | null;
  serial_number: string | null;
  fingerprint256: string | null;
  tls_version: string | null;
  /** True when days_remaining <= warning_days (or already expired). */
  warning: boolean;
  warning_days: number;
  warning_message: string | null;
  response_time: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

export type ChainProblem = 'missing_intermediate' | 'untrusted_issuer' | 'untrusted_root' | 'self_signed' | 'expired_intermediate' | 'intermediate_not_yet_valid';

const ISSUER_NOT_FOUND = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);
const describe = (c: ChainCertificate) =>
  c.position === 'leaf'
    ? checkText('cert_word')
    : c.position === 'root'
      ? checkText('cert_root', { subject: c.subject })
      : checkText('cert_intermediate', { subject: c.subject });

/** Why a chain is not valid, in words and as a class; null when nothing is wrong with it. */
function judgeChain(
  authorized: boolean,
  authErr: string | null,
  chain: ChainAnalysis | null,
  counted: ChainCertificate[],
  now: Date,
): { reason: string; problem: ChainProblem | null } | null {
  const expired = counted.find((c) => new Date(c.expires_at).getTime() <= now.getTime());
  const early = counted.find((c) => new Date(c.valid_from).getTime() > now.getTime());
  const dateReason = (c: ChainCertificate, what: 'expired' | 'not yet valid') =>
    c.position === 'leaf'
      ? { reason: what === 'expired' ? checkText('cert_expired') : checkText('cert_not_yet_valid'), problem: null }
      : {
          reason:
            what === 'expired'
              ? checkText('cert_chain_expired', { certificate: describe(c), date: c.expires_at.slice(0, 10) })
              : checkText('cert_chain_early', { certificate: describe(c), date: c.valid_from.slice(0, 10) }),
          problem: what === 'expired' ? ('expired_intermediate' as const) : ('intermediate_not_yet_valid' as const),
        };
  if (!authorized) {
    if (authErr === 'CERT_HAS_EXPIRED' && expired) return dateReason(expired, 'expired');
    if (authErr === 'CERT_NOT_YET_VALID' && early) return dateReason(early, 'not yet valid');
    if (authErr === 'DEPTH_ZERO_SELF_SIGNED_CERT') return { reason: checkText('cert_self_signed'), problem: 'self_signed' };
    if (authErr === 'SELF_SIGNED_CERT_IN_CHAIN' || (chain?.endsAtUntrustedRoot && authErr && ISSUER_NOT_FOUND.has(authErr))) {
      const root = chain?.path.at(-1)?.subject ?? 'unknown';
      return { reason: checkText('cert_untrusted_root', { root }), problem: 'untrusted_root' };
    }
    if (authErr && ISSUER_NOT_FOUND.has(authErr) && chain) {
      // Public CAs never sign leaves with their roots, and their leaves say where the issuer is published:
      // a leaf alone with that pointer is a server that forgot its intermediate.
      if (chain.leafOnly && chain.issuerFetchable) {
        return {
          reason: checkText('cert_missing_intermediate', { issuer: chain.lastIssuer }),
          problem: 'missing_intermediate',
        };
      }
      return { reason: checkText('cert_issuer_named_untrusted', { issuer: chain.lastIssuer }), problem: 'untrusted_issuer' };
    }
    return { reason: describeTlsError(authErr ?? undefined, authErr ?? 'not trusted'), problem: null };
  }
  // Node's verification uses the real clock; an injected clock must judge the dates itself.
  if (expired) return dateReason(expired, 'expired');
  if (early) return dateReason(early, 'not yet valid');
  return null;
}

const dnString = (fields: tls.PeerCertificate['subject'] | undefined) =>
  fields
    ? Object.entries(fields)
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
        .join(', ')
    : null;

/**
 * SSL certificate check (spec 4.3). A certificate that is expired, self-signed or for another host is
 * reported as invalid (`error_kind` 'tls') with its reason AND its dates, never as a bare failure.
 */
export async function probeSsl(host: string, opts: SslProbeOptions): Promise<SslResult> {
  const started = performance.now();
  const port = opts.port ?? 443;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const warningDays = opts.warningDays ?? 30;
  const name = bareHost(host.trim());
  const base: SslResult = {
    host: name,
    port,
    resolved_ip: null,
    is_valid: false,
    authorized: false,
    authorization_error: null,
    invalid_reason: null,
    issuer: null,
    issuer_dn: null,
    subject: null,
    subject_dn: null,
    san: [],
    valid_from: null,
    expires_at: null,
    days_remaining: null,
    expiring_certificate: null,
    leaf_expires_at: null,
    leaf_days_remaining: null,
    chain: [],
    chain_problem: null,
    serial_number: null,
    fingerprint256: null,
    tls_version: null,
    warning: false,
    warning_days: warningDays,
    warning_message: null,
    response_time: 0,
    error_kind: null,
    error_message: null,
    checked_at: new Date().toISOString(),
  };
  const failed = (kind: ErrorKind, message: string, ip: string | null = null): SslResult => ({
    ...base,
    resolved_ip: ip,
    response_time: roundMs(performance.now() - started),
    error_kind: kind,
    error_message: message,
  });
  if (!Number.isInteger(port) || port < 1 || port > 65535) return failed('invalid', checkText('port_range'));
  const target = await resolveTarget(name, opts, timeoutMs);
  if (!target.ok) return failed(target.failure.kind, target.failure.message);

  return new Promise<SslResult>((resolve) => {
    let connected = false;
    const socket = tls.connect({
      host: target.address,
      port,
      servername: net.isIP(name) ? undefined : name,
      secureContext: secureContextWith(opts.ca),
      // We report on bad certificates rather than refuse them.
      rejectUnauthorized: false,
    });
    const finish = (r: SslResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        finish(
          failed(connected ? 'tls' : 'connect_timeout', connected ? checkText('tls_not_complete', { ms: timeoutMs }) : checkText('connect_not_within', { ms: timeoutMs }), target.address),
        ),
      Math.max(1, timeoutMs - (performance.now() - started)),
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('error', (err) => {
      const f = classifySocketError(err);
      if (connected && f.kind !== 'refused') {
        finish(failed('tls', checkText('tls_failed', { reason: describeTlsError(errorCode(err), errorText(err)) }), target.address));
      } else {
        finish(failed(f.kind, f.message, target.address));
      }
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(true);
      const now = opts.now ?? new Date();
      const authErr = socket.authorizationError ? String(socket.authorizationError) : null;
      if (!cert || Object.keys(cert).length === 0) {
        finish(failed('tls', checkText('cert_none'), target.address));
        return;
      }
      const validFrom = new Date(cert.valid_from);
      const validTo = new Date(cert.valid_to);
      const leafDays = daysUntil(validTo, now);
      const chain = analyseChain(cert, opts.ca, now);
      // The trusted root from the local store is the client's business; everything the server sent on the path counts.
      const counted = chain ? chain.path.filter((c) => c.sent || c.depth === 0) : [];
      const earliest = counted.reduce<ChainCertificate | undefined>((a, c) => (!a || c.expires_at < a.expires_at ? c : a), undefined);
      const days = earliest ? earliest.days_remaining : leafDays;
      const judged = judgeChain(socket.authorized, authErr, chain, counted, now);
      const reason = judged?.reason ?? null;
      const warning = days <= warningDays;
      const which = earliest && earliest.position !== 'leaf' ? describe(earliest) : checkText('cert_word');
      finish({
        ...base,
        resolved_ip: target.address,
        is_valid: reason === null,
        authorized: socket.authorized,
        authorization_error: authErr,
        invalid_reason: reason,
        issuer: displayName(cert.issuer),
        issuer_dn: dnString(cert.issuer),
        subject: displayName(cert.subject),
        subject_dn: dnString(cert.subject),
        san: cert.subjectaltname ? cert.subjectaltname.split(', ') : [],
        valid_from: validFrom.toISOString(),
        expires_at: earliest?.expires_at ?? validTo.toISOString(),
        days_remaining: days,
        expiring_certificate: earliest ? { position: earliest.position, subject: earliest.subject, depth: earliest.depth } : null,
        leaf_expires_at: validTo.toISOString(),
        leaf_days_remaining: leafDays,
        chain: chain?.path ?? [],
        chain_problem: judged?.problem ?? null,
        serial_number: cert.serialNumber,
        fingerprint256: cert.fingerprint256,
        tls_version: socket.getProtocol() ?? null,
        warning,
        warning_message: !warning
          ? null
          : days < 0
            ? checkText('cert_expired_ago', { certificate: which, days: -days })
            : checkText('cert_expires_in', { certificate: which, days, warning: warningDays }),
        response_time: roundMs(performance.now() - started),
        error_kind: reason === null ? null : 'tls',
        error_message: reason === null ? null : checkText('cert_invalid', { reason }),
      });
    });
  });
}
