import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { describeTlsError, displayName, secureContextWith } from './cert.ts';
import { bareHost, resolveTarget } from './resolve.ts';
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
  valid_from: string | null;
  expires_at: string | null;
  days_remaining: number | null;
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
  if (!Number.isInteger(port) || port < 1 || port > 65535) return failed('invalid', 'port must be 1-65535');
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
          failed(connected ? 'tls' : 'connect_timeout', connected ? `TLS handshake not complete within ${timeoutMs} ms` : `could not connect within ${timeoutMs} ms`, target.address),
        ),
      Math.max(1, timeoutMs - (performance.now() - started)),
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('error', (err) => {
      const f = classifySocketError(err);
      if (connected && f.kind !== 'refused') {
        finish(failed('tls', `TLS handshake failed: ${describeTlsError(errorCode(err), errorText(err))}`, target.address));
      } else {
        finish(failed(f.kind, f.message, target.address));
      }
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const now = opts.now ?? new Date();
      const authErr = socket.authorizationError ? String(socket.authorizationError) : null;
      if (!cert || Object.keys(cert).length === 0) {
        finish(failed('tls', 'the server sent no certificate', target.address));
        return;
      }
      const validFrom = new Date(cert.valid_from);
      const validTo = new Date(cert.valid_to);
      const days = daysUntil(validTo, now);
      // Node's verification uses the real clock; an injected clock must judge the dates itself.
      let reason: string | null = socket.authorized ? null : describeTlsError(authErr ?? undefined, authErr ?? 'not trusted');
      if (reason === null && validTo.getTime() <= now.getTime()) reason = 'certificate has expired';
      if (reason === null && validFrom.getTime() > now.getTime()) reason = 'certificate is not yet valid';
      const warning = days <= warningDays;
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
        expires_at: validTo.toISOString(),
        days_remaining: days,
        serial_number: cert.serialNumber,
        fingerprint256: cert.fingerprint256,
        tls_version: socket.getProtocol() ?? null,
        warning,
        warning_message: !warning
          ? null
          : days < 0
            ? `certificate expired ${-days} day(s) ago`
            : `certificate expires in ${days} day(s) (warning at ${warningDays})`,
        response_time: roundMs(performance.now() - started),
        error_kind: reason === null ? null : 'tls',
        error_message: reason === null ? null : `certificate is not valid: ${reason}`,
      });
    });
  });
}
