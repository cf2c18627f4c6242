import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import { checkText } from './texts.ts';
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
      return checkText('cert_expired');
    case 'CERT_NOT_YET_VALID':
      return checkText('cert_not_yet_valid');
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return checkText('cert_self_signed');
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return checkText('cert_issuer_untrusted');
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return checkText('cert_host_mismatch');
    case 'CERT_REVOKED':
      return checkText('cert_revoked');
    default:
      return code ? checkText('os_error', { error: fallback, code }) : fallback;
  }
}

// ---- the verified chain -------------------------------------------------------------------------

export type ChainPosition = 'leaf' | 'intermediate' | 'root';

export interface ChainCertificate {
  depth: number;
  position: ChainPosition;
  /** Common name if any, else the organisation or the whole name. */
  subject: string;
  issuer: string;
  valid_from: string;
  expires_at: string;
  days_remaining: number;
  /** Sent by the server (a trust anchor taken from the local store is not). */
  sent: boolean;
  /** The trusted root the path ends at. */
  trust_anchor: boolean;
}

export interface ChainAnalysis {
  /** The path from the leaf towards a trusted root, as a verifier builds it (trusted roots first). */
  path: ChainCertificate[];
  /** The path reached a trusted root. */
  anchored: boolean;
  /** The server sent only its leaf. */
  leafOnly: boolean;
  /** The last certificate of the path names where its issuer can be fetched (AIA CA Issuers). */
  issuerFetchable: boolean;
  /** Display name of the issuer of the last certificate of the path. */
  lastIssuer: string;
  /** The path ends at a self-issued certificate that is not trusted. */
  endsAtUntrustedRoot: boolean;
}

const anchorSets = new Map<string, { certs: X509Certificate[]; fingerprints: Set<string> }>();

/** Trusted roots as X509Certificate objects: Node's store plus `extraCa`, parsed once per set. */
function trustAnchors(extraCa: readonly string[] | undefined) {
  const key = (extraCa ?? []).join('\n');
  let set = anchorSets.get(key);
  if (!set) {
    const certs: X509Certificate[] = [];
    for (const pem of [...tls.rootCertificates, ...(extraCa ?? [])]) {
      for (const one of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
        try {
          certs.push(new X509Certificate(one));
        } catch {
          // A CA the operator passed that does not parse cannot anchor anything.
        }
      }
    }
    set = { certs, fingerprints: new Set(certs.map((c) => c.fingerprint256)) };
    if (anchorSets.size > 16) anchorSets.clear();
    anchorSets.set(key, set);
  }
  return set;
}

const nameOf = (dn: string): string => /^CN=(.+)$/m.exec(dn)?.[1] ?? /^O=(.+)$/m.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
const issues = (cert: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

/**
 * Rebuilds the verified path from what the server sent: from the leaf, a trusted root that signed the
 * current certificate ends the path (as OpenSSL's trusted-first search does), else a sent certificate
 * that signed it continues it. Sent certificates off the path (an expired cross-sign) do not count.
 */
export function analyseChain(peer: DetailedPeerCertificate, extraCa: readonly string[] | undefined, now: Date): ChainAnalysis | null {
  const sent: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c?.raw && !seen.has(c.fingerprint256) && sent.length < 16; c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    try {
      sent.push(new X509Certificate(c.raw));
    } catch {
      break;
    }
  }
  const leaf = sent[0];
  if (!leaf) return null;
  const anchors = trustAnchors(extraCa);
  // Node appends roots from the store to the chain it reports; those were not sent.
  const storeOnly = (c: X509Certificate) => anchors.fingerprints.has(c.fingerprint256) && c !== leaf && issues(c, c);
  const path: Array<{ cert: X509Certificate; anchor: boolean }> = [{ cert: leaf, anchor: false }];
  let current = leaf;
  let anchored = false;
  for (let depth = 0; depth < 10; depth++) {
    const anchor = anchors.certs.find((a) => issues(current, a));
    if (anchor) {
      anchored = true;
      if (anchor.fingerprint256 !== current.fingerprint256) path.push({ cert: anchor, anchor: true });
      break;
    }
    if (issues(current, current)) break;
    const next = sent.find((c) => !path.some((p) => p.cert === c) && issues(current, c));
    if (!next) break;
    path.push({ cert: next, anchor: false });
    current = next;
  }
  const last = path[path.length - 1]?.cert ?? leaf;
  const sentFingerprints = new Set(sent.filter((c) => !storeOnly(c)).map((c) => c.fingerprint256));
  return {
    path: path.map(({ cert, anchor }, depth) => {
      const validTo = new Date(cert.validTo);
      return {
        depth,
        position: depth === 0 ? 'leaf' : anchor || issues(cert, cert) ? 'root' : 'intermediate',
        subject: nameOf(cert.subject),
        issuer: nameOf(cert.issuer),
        valid_from: new Date(cert.validFrom).toISOString(),
        expires_at: validTo.toISOString(),
        days_remaining: daysUntil(validTo, now),
        sent: sentFingerprints.has(cert.fingerprint256),
        trust_anchor: anchor,
      };
    }),
    anchored,
    leafOnly: sentFingerprints.size === 1,
    issuerFetchable: /CA Issuers - URI:/i.test(last.infoAccess ?? ''),
    lastIssuer: nameOf(last.issuer),
    endsAtUntrustedRoot: !anchored && path.length > 1 && issues(last, last),
  };
}
