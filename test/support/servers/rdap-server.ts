import type http from 'node:http';
import { startHttpServer, type TestHttpServer } from './http-server.ts';

export interface RdapDomain {
  expires: string;
  registered?: string;
  registrar?: string;
}

export interface TestRdapServer extends TestHttpServer {
  /** URL of the IANA-format bootstrap file served by this server. */
  bootstrapUrl: string;
  /** Base URL that the bootstrap lists for `tlds`. */
  baseUrl: string;
  setDomain(domain: string, answer: RdapDomain | 'error'): void;
  /** Answers the domain with a redirect to `location` (RFC 7480 5.2). */
  setRedirect(domain: string, location: string, status?: number): void;
  /** Answers the domain with this exact RDAP document. */
  setDocument(domain: string, document: unknown): void;
}

/** An RDAP JSON answer for a domain, shaped like a registry's (RFC 9083). */
export function rdapDomainDocument(domain: string, d: RdapDomain): unknown {
  return {
    objectClassName: 'domain',
    rdapConformance: ['rdap_level_0'],
    ldhName: domain.toUpperCase(),
    events: [
      { eventAction: 'registration', eventDate: d.registered ?? '2001-02-03T04:05:06Z' },
      { eventAction: 'expiration', eventDate: d.expires },
      { eventAction: 'last update of RDAP database', eventDate: '2026-01-01T00:00:00Z' },
    ],
    entities: [
      {
        objectClassName: 'entity',
        handle: '9999',
        roles: ['registrar'],
        vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', d.registrar ?? 'Example Registrar, Inc.']]],
      },
    ],
    status: ['client transfer prohibited'],
  };
}

/**
 * An RDAP service plus its bootstrap file on 127.0.0.1: the bootstrap maps `tlds` to this server,
 * `/rdap/domain/<name>` answers from the canned domains (404 for others).
 */
export async function startRdapServer(tlds: string[], domains: Record<string, RdapDomain> = {}): Promise<TestRdapServer> {
  const answers = new Map<string, RdapDomain | 'error' | { redirect: string; status: number } | { document: unknown }>(Object.entries(domains));
  let base = '';
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/bootstrap.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: '1.0', publication: '2026-01-01T00:00:00Z', description: 'test', services: [[tlds, [`${base}/rdap/`]]] }));
      return;
    }
    const m = /^\/rdap\/domain\/(.+)$/.exec(path);
    const name = m ? decodeURIComponent(m[1] ?? '').toLowerCase() : undefined;
    const answer = name ? answers.get(name) : undefined;
    if (answer === 'error') {
      res.writeHead(503).end();
    } else if (answer && 'redirect' in answer) {
      res.writeHead(answer.status, { location: answer.redirect }).end();
    } else if (answer && 'document' in answer) {
      res.writeHead(200, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify(answer.document));
    } else if (name && answer) {
      res.writeHead(200, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify(rdapDomainDocument(name, answer)));
    } else {
      res.writeHead(404, { 'content-type': 'application/rdap+json' });
      res.end(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
    }
  };
  const server = await startHttpServer(handler);
  base = server.url;
  return {
    ...server,
    bootstrapUrl: `${server.url}/bootstrap.json`,
    baseUrl: `${server.url}/rdap/`,
    setDomain: (domain, answer) => answers.set(domain.toLowerCase(), answer),
    setRedirect: (domain, location, status = 302) => answers.set(domain.toLowerCase(), { redirect: location, status }),
    setDocument: (domain, document) => answers.set(domain.toLowerCase(), { document }),
  };
}
