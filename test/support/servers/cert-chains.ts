import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Certificate chains for the SSL probe's chain tests: a root, intermediates with chosen lifetimes and
// a leaf for localhost/127.0.0.1, generated per process (ECDSA P-256).

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: string;
  keyPem: string;
}

let serial = 1;

async function issue(o: {
  subject: string;
  issuer?: Issued;
  /** Reuse a key pair (a cross-signed copy of a CA keeps the CA's key). */
  keys?: CryptoKeyPair;
  from: number;
  to: number;
  ca: boolean;
  aia?: string;
}): Promise<Issued> {
  const keys = o.keys ?? ((await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(o.ca, undefined, true),
    new x509.KeyUsagesExtension(o.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (o.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(o.issuer.keys.publicKey));
  if (!o.ca) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
    extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }]));
  }
  if (o.aia) extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: [new x509.GeneralName('url', o.aia)] }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: o.subject,
    issuer: o.issuer ? o.issuer.cert.subject : o.subject,
    notBefore: new Date(o.from),
    notAfter: new Date(o.to),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: o.issuer ? o.issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return { cert, keys, pem: `${cert.toString('pem').trim()}\n`, keyPem: `${keyPem.trim()}\n` };
}

export interface ChainServerMaterial {
  /** PEM key and the PEM chain the server sends, leaf first. */
  key: string;
  cert: string;
}

export interface TestChains {
  /** The root to trust (`ca`). */
  root: string;
  /** leaf (299 days) + intermediate expiring in 19 days. */
  shortIntermediate: ChainServerMaterial;
  /** leaf (99 days) + intermediate that expired 5 days ago. */
  expiredIntermediate: ChainServerMaterial;
  /** Only the leaf, whose intermediate is not sent; the leaf names where to fetch it (AIA). */
  leafWithoutIntermediate: ChainServerMaterial;
  /** leaf + intermediate + an expired copy of the root cross-signed by an old root nobody trusts. */
  expiredCrossSign: ChainServerMaterial;
  /** leaf + intermediate under a root that is not trusted (the root is not sent). */
  untrustedRoot: ChainServerMaterial;
  names: { shortIntermediate: string; expiredIntermediate: string; intermediate: string };
}

let cached: Promise<TestChains> | undefined;

export function testChains(): Promise<TestChains> {
  cached ??= (async () => {
    const now = Date.now();
    const root = await issue({ subject: 'CN=Py_Monitor Chain Root, O=Py_Monitor Tests', from: now - 3 * 365 * DAY, to: now + 10 * 365 * DAY, ca: true });
    const intermediate = await issue({ subject: 'CN=Py_Monitor Intermediate R1', issuer: root, from: now - 365 * DAY, to: now + 3 * 365 * DAY, ca: true });
    const short = await issue({ subject: 'CN=Py_Monitor Intermediate Short', issuer: root, from: now - 365 * DAY, to: now + 19 * DAY + 3_600_000, ca: true });
    const expiredInt = await issue({ subject: 'CN=Py_Monitor Intermediate Expired', issuer: root, from: now - 400 * DAY, to: now - 5 * DAY, ca: true });
    const oldRoot = await issue({ subject: 'CN=Py_Monitor Legacy Root', from: now - 20 * 365 * DAY, to: now + 365 * DAY, ca: true });
    const crossSigned = await issue({ subject: root.cert.subject, keys: root.keys, issuer: oldRoot, from: now - 5 * 365 * DAY, to: now - 30 * DAY, ca: true });
    const otherRoot = await issue({ subject: 'CN=Untrusted Private Root', from: now - 365 * DAY, to: now + 5 * 365 * DAY, ca: true });
    const otherInt = await issue({ subject: 'CN=Untrusted Private Intermediate', issuer: otherRoot, from: now - 365 * DAY, to: now + 3 * 365 * DAY, ca: true });

    const leafUnder = (issuer: Issued, days: number, aia?: string) =>
      issue({ subject: 'CN=localhost', issuer, from: now - DAY, to: now + days * DAY + 3_600_000, ca: false, ...(aia ? { aia } : {}) });
    const [l1, l2, l3, l4, l5] = await Promise.all([
      leafUnder(short, 299),
      leafUnder(expiredInt, 99),
      leafUnder(intermediate, 200, 'http://ca.example.test/r1.der'),
      leafUnder(intermediate, 200),
      leafUnder(otherInt, 200),
    ]);
    return {
      root: root.pem,
      shortIntermediate: { key: l1.keyPem, cert: l1.pem + short.pem },
      expiredIntermediate: { key: l2.keyPem, cert: l2.pem + expiredInt.pem },
      leafWithoutIntermediate: { key: l3.keyPem, cert: l3.pem },
      expiredCrossSign: { key: l4.keyPem, cert: l4.pem + intermediate.pem + crossSigned.pem },
      untrustedRoot: { key: l5.keyPem, cert: l5.pem + otherInt.pem },
      names: { shortIntermediate: 'Py_Monitor Intermediate Short', expiredIntermediate: 'Py_Monitor Intermediate Expired', intermediate: 'Py_Monitor Intermediate R1' },
    };
  })();
  return cached;
}
