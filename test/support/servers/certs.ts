import { generate } from 'selfsigned';

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** The test CA: pass `ca.cert` as an extra trusted CA to make `valid` verify. */
  ca: KeyAndCert;
  /** Signed by the CA for localhost, 127.0.0.1 and secure.example.test; valid for 200 days. */
  valid: KeyAndCert;
  /** Signed by the CA, valid but expiring in 10 days. */
  expiringSoon: KeyAndCert;
  /** Signed by the CA, expired 30 days ago. */
  expired: KeyAndCert;
  /** Self-signed for localhost and 127.0.0.1. */
  selfSigned: KeyAndCert;
  /** Signed by the CA for other.example only: a host-name mismatch on 127.0.0.1. */
  wrongHost: KeyAndCert;
}

const DAY = 86_400_000;

const leafExtensions = (names: string[], ips: string[]) => [
  { name: 'basicConstraints' as const, cA: false },
  { name: 'keyUsage' as const, digitalSignature: true, keyEncipherment: true },
  { name: 'extKeyUsage' as const, serverAuth: true },
  {
    name: 'subjectAltName' as const,
    altNames: [...names.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
  },
];

async function leaf(
  cn: string,
  names: string[],
  ips: string[],
  from: Date,
  to: Date,
  ca: KeyAndCert | undefined,
): Promise<KeyAndCert> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: from,
    notAfterDate: to,
    extensions: leafExtensions(names, ips),
    ...(ca ? { ca } : {}),
  });
  return { key: pems.private, cert: pems.cert };
}

let cached: Promise<TestCertificates> | undefined;

/** Generates (once per process) a test CA and leaf certificates for every TLS case. */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= (async () => {
    const now = Date.now();
    const caPems = await generate([{ name: 'commonName', value: 'Py_Monitor Test CA' }, { name: 'organizationName', value: 'Py_Monitor Tests' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 2 * 365 * DAY),
      notAfterDate: new Date(now + 5 * 365 * DAY),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const ca = { key: caPems.private, cert: caPems.cert };
    const local = ['localhost', 'secure.example.test'];
    const ips = ['127.0.0.1'];
    const [valid, expiringSoon, expired, selfSigned, wrongHost] = await Promise.all([
      leaf('localhost', local, ips, new Date(now - DAY), new Date(now + 200 * DAY), ca),
      leaf('localhost', local, ips, new Date(now - 80 * DAY), new Date(now + 10 * DAY + 3_600_000), ca),
      leaf('localhost', local, ips, new Date(now - 400 * DAY), new Date(now - 30 * DAY), ca),
      leaf('localhost', local, ips, new Date(now - DAY), new Date(now + 200 * DAY), undefined),
      leaf('other.example', ['other.example'], [], new Date(now - DAY), new Date(now + 200 * DAY), ca),
    ]);
    return { ca, valid, expiringSoon, expired, selfSigned, wrongHost };
  })();
  return cached;
}
