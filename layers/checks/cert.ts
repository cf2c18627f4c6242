import tls from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { daysUntil } from './types.ts';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** Subject alternative names, e.g. `DNS:example.com`, `IP Address:127.0.0.1`. */
  san: string[];
  valid_from: string;
  expires_at: string;
  days_remaining: number;
  serial_number: string;
  fingerprint256: string;
  self_signed: boolean;
}

function dn(fields: PeerCertificate['subject'] | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** Common name if any, else the whole distinguished name. */
export function displayName(fields: PeerCertificate['subject'] | undefined): string {
  const cn = fields?.CN;
  if (typeof cn === 'string' && cn !== '') return cn;
  if (Array.isArray(cn) && cn[0]) return cn[0];
  const o = fields?.O;
  if (typeof o === 'string' && o !== '') return o;
  return dn(fields);
}

export function summarizeCertificate(cert: PeerCertificate, now = new Date()): CertificateSummary | null {
  if (!cert || Object.keys(cert).length === 0) return null;
  const validFrom = new Date(cert.valid_from);
  const validTo = new Date(cert.valid_to);
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer),
    san: cert.subjectaltname ? cert.subjectaltname.split(', ').filter((s) => s !== '') : [],
    valid_from: Number.isNaN(validFrom.getTime()) ? cert.valid_from : validFrom.toISOString(),
    expires_at: Number.isNaN(validTo.getTime()) ? cert.valid_to : validTo.toISOString(),
    days_remaining: daysUntil(validTo, now),
    serial_number: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    self_signed: dn(cert.subject) === dn(cert.issuer),
  };
}

const contexts = new Map<string, tls.SecureContext>();

/**
 * A secure context trusting the system roots plus `extraCa` (PEM); cached, since parsing the
 * root store for every connection would dominate the probe's CPU.
 */
export function secureContextWith(extraCa: readonly string[] | undefined): tls.SecureContext | undefined {
  if (!extraCa || extraCa.length === 0) return undefined;
  const key = extraCa.join('\n');
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: [...tls.rootCertificates, ...extraCa] });
    if (contexts.size > 16) contexts.clear();
    contexts.set(key, ctx);
  }
  return ctx;
}

/** Human wording for OpenSSL verification codes. */
export function describeTlsError(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return 'certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'certificate is not yet valid';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'self-signed certificate';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'certificate issuer is not trusted';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'certificate does not match the host name';
    case 'CERT_REVOKED':
      return 'certificate has been revoked';
    default:
      return code ? `${fallback} (${code})` : fallback;
  }
}
