import type * as z from 'zod';
import { probeApi, type ApiCheckResult } from './api-check.ts';
import { probeContent, type ContentResult } from './content.ts';
import { probeDns, type DnsResult } from './dns.ts';
import { probeDomain, type DomainResult } from './domain.ts';
import { probeHttp, type HttpResult } from './http.ts';
import { toolSchemas, ToolInputError, TOOL_NAMES, type ToolName } from './schemas.ts';
import { probeSecurityHeaders, type SecurityHeadersResult } from './security-headers.ts';
import { probeSsl, type SslResult } from './ssl.ts';
import { probeTcp, type TcpResult } from './tcp.ts';
import { checkText } from './texts.ts';
import type { ProbeCache } from './types.ts';
import { probeUdp, type UdpResult } from './udp.ts';

export { probeApi, evaluateAssertion } from './api-check.ts';
export { probeContent } from './content.ts';
export { detectContentChange, fingerprintContent, extractText, isValidSelector } from './content-change.ts';
export { probeDns } from './dns.ts';
export { probeDomain, registeredDomain } from './domain.ts';
export { probeHttp } from './http.ts';
export { checkKeywords, keywordsSchema } from './keywords.ts';
export { probeSecurityHeaders, evaluateSecurityHeaders, SECURITY_HEADER_WEIGHTS } from './security-headers.ts';
export { probeSsl } from './ssl.ts';
export { checkAddress, validateTargetUrl, validateTargetHost, blockedMessage } from './ssrf.ts';
export { resolveTarget } from './resolve.ts';
export { probeTcp } from './tcp.ts';
export { probeUdp } from './udp.ts';
export { toolSchemas, ToolInputError, TOOL_NAMES, type ToolName } from './schemas.ts';
export type { ErrorKind, ProbeCache } from './types.ts';
export type { ApiCheckResult, ContentResult, DnsResult, DomainResult, HttpResult, SecurityHeadersResult, SslResult, TcpResult, UdpResult };
export type { HttpProbeOptions } from './http.ts';
export type { KeywordResult } from './keywords.ts';
export type { ContentChangeResult } from './content-change.ts';

/** Operator policy and configuration handed to every tool run (from Config, never from the user). */
export interface ToolEnv {
  allowPrivateTargets: boolean;
  /** `host[:port]` resolvers for the DNS tool and for resolving targets; system resolvers when absent. */
  dnsServers?: string[];
  rdapBootstrapUrl?: string;
  /** `host[:port]` asked first for WHOIS. */
  whoisServer?: string;
  /** Caches domain-expiry answers (a day). */
  cache?: ProbeCache;
  /** Extra trusted CA certificates (PEM) for TLS verification. */
  extraCa?: string[];
}

export type ToolResult =
  | HttpResult
  | TcpResult
  | UdpResult
  | DnsResult
  | ContentResult
  | SecurityHeadersResult
  | ApiCheckResult
  | SslResult
  | DomainResult;

export const isToolName = (name: string): name is ToolName => (TOOL_NAMES as string[]).includes(name);

function parse<S extends z.ZodType>(name: ToolName, schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const errors = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    throw new ToolInputError(checkText('tool_input_invalid', { tool: name, errors: errors.map((e) => `${e.field}: ${e.message}`).join('; ') }), errors);
  }
  return r.data;
}

/**
 * Runs one tool of the tools API: validates the body with the tool's schema (throwing ToolInputError,
 * which the API maps to 400) and returns the probe's JSON result. A failing target is a result, not a throw.
 */
export async function runTool(name: string, input: unknown, env: ToolEnv): Promise<ToolResult> {
  if (!isToolName(name)) throw new ToolInputError(checkText('tool_unknown', { name }), [{ field: 'tool', message: checkText('tool_one_of', { names: TOOL_NAMES.join(', ') }) }]);
  const net = { allowPrivateTargets: env.allowPrivateTargets, dnsServers: env.dnsServers };
  const ca = env.extraCa;
  switch (name) {
    case 'http': {
      const i = parse('http', toolSchemas['http'], input);
      return probeHttp(i.url, { ...net, ca, method: i.method, headers: i.headers, timeoutMs: i.timeout * 1000 });
    }
    case 'tcp': {
      const i = parse('tcp', toolSchemas['tcp'], input);
      return probeTcp(i.host, i.port, { ...net, timeoutMs: i.timeout * 1000 });
    }
    case 'udp': {
      const i = parse('udp', toolSchemas['udp'], input);
      return probeUdp(i.host, i.port, { ...net, timeoutMs: i.timeout * 1000, payload: i.payload });
    }
    case 'dns': {
      const i = parse('dns', toolSchemas['dns'], input);
      return probeDns(i.domain, i.record_type, { dnsServers: env.dnsServers });
    }
    case 'content': {
      const i = parse('content', toolSchemas['content'], input);
      return probeContent(i.url, i.expected_content, { ...net, ca, timeoutMs: i.timeout * 1000 });
    }
    case 'security-headers': {
      const i = parse('security-headers', toolSchemas['security-headers'], input);
      return probeSecurityHeaders(i.url, { ...net, ca, timeoutMs: 10_000 });
    }
    case 'api': {
      const i = parse('api', toolSchemas['api'], input);
      const headers = { ...(i.headers ?? {}) };
      let body: string | undefined;
      if (typeof i.body === 'string') body = i.body;
      else if (i.body !== undefined) {
        body = JSON.stringify(i.body);
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      }
      return probeApi(i.url, {
        ...net,
        ca,
        method: i.method,
        headers,
        body,
        timeoutMs: i.timeout * 1000,
        expectedStatus: i.expected_status,
        assertions: i.assertions,
      });
    }
    case 'ssl': {
      const i = parse('ssl', toolSchemas['ssl'], input);
      return probeSsl(i.host, { ...net, ca, port: i.port });
    }
    case 'domain': {
      const i = parse('domain', toolSchemas['domain'], input);
      return probeDomain(i.domain, {
        ...net,
        rdapBootstrapUrl: env.rdapBootstrapUrl,
        whoisServer: env.whoisServer,
        cache: env.cache,
      });
    }
  }
}
