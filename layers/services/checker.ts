import { probeHttp } from '../checks/http.ts';
import { maskUrlPassword } from '../model/secrets.ts';
import { probeSsl } from '../checks/ssl.ts';
import { fingerprintContent } from '../checks/content-change.ts';
import { checkKeywords } from '../checks/keywords.ts';
import type { Queue, Logger } from '../platform/ports.ts';
import type { CheckMessage, ResultMessageInput } from './messages.ts';

/** What the checker needs: it runs outside the VPC on AWS, so no database, only queues. */
export interface CheckerContext {
  queue: Queue;
  log: Logger;
  allowPrivateTargets: boolean;
  dnsServers?: string[] | undefined;
  /** Domain-expiry probe options. */
  rdapBootstrapUrl?: string | undefined;
  whoisServer?: string | undefined;
}

type HttpCheck = Extract<CheckMessage, { kind: 'http' }>;

/** Runs one scheduled HTTP check, with content-change and keyword checks from the same response. */
export async function runHttpCheck(c: CheckerContext, m: HttpCheck): Promise<ResultMessageInput> {
  const started = new Date();
  const t = m.target;
  const wantBody = t.content_change_detection || (t.keyword_monitoring && t.keywords.length > 0);
  const r = await probeHttp(t.url, {
    allowPrivateTargets: c.allowPrivateTargets,
    ...(c.dnsServers ? { dnsServers: c.dnsServers } : {}),
    headers: t.custom_headers,
    timeoutMs: t.timeout * 1000,
    ...(t.time_limit ? { timeLimitMs: t.time_limit } : {}),
    // retry_count is the number of tries (spec 5: 1-5, default 3); the probe counts extra attempts.
    retryCount: Math.max(0, t.retry_count - 1),
    captureBody: wantBody,
  });
  let contentHash: string | null = null;
  let keywords: { found: string[]; missing: string[] } | null = null;
  if (wantBody && r.body !== undefined && r.status_code !== null) {
    if (t.content_change_detection) {
      try {
        contentHash = fingerprintContent(r.body, t.content_selector).hash;
      } catch (err) {
        c.log.warn('content selector rejected', { project_id: m.project_id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (t.keyword_monitoring && t.keywords.length > 0) {
      const k = checkKeywords(r.body, t.keywords, t.keyword_alert_on_found);
      keywords = { found: k.found, missing: k.missing };
    }
  }
  const { body: _body, headers: _headers, ...details } = r;
  return {
    type: 'http_result',
    project_id: m.project_id,
    due_at: m.due_at.toISOString(),
    started_at: started.toISOString(),
    cycle: m.cycle,
    result: {
      is_available: r.is_available,
      status_code: r.status_code,
      response_time: r.response_time,
      error_kind: r.error_kind,
      error_message: r.error_message,
      checked_at: r.checked_at,
      details: {
        resolved_ip: details.resolved_ip,
        // Shown in the logs to every reader: never a password of the project URL.
        final_url: maskUrlPassword(details.final_url),
        redirect_count: details.redirect_count,
        timings: details.timings,
        body_size: details.body_size,
        attempts: details.attempts,
        tls_version: details.tls?.version ?? null,
      },
    },
    content_hash: contentHash,
    content_selector: t.content_selector,
    keywords,
  };
}

type ExpiryCheck = Extract<CheckMessage, { kind: 'ssl' | 'domain' }>;

export async function runExpiryCheck(c: CheckerContext, m: ExpiryCheck): Promise<ResultMessageInput> {
  const host = new URL(m.url).hostname;
  if (m.kind === 'ssl') {
    const port = Number(new URL(m.url).port || 443);
    const r = await probeSsl(host, { allowPrivateTargets: c.allowPrivateTargets, port, ...(c.dnsServers ? { dnsServers: c.dnsServers } : {}) });
    return {
      type: 'expiry_result',
      kind: 'ssl',
      project_id: m.project_id,
      result: {
        is_valid: r.error_kind && !r.expires_at ? null : r.is_valid,
        expires_at: r.expires_at,
        days_remaining: r.days_remaining,
        issuer: r.issuer,
        error_message: r.invalid_reason ?? r.error_message,
        details: { subject: r.subject, san: r.san, valid_from: r.valid_from, authorization_error: r.authorization_error, expiring_certificate: r.expiring_certificate, chain_problem: r.chain_problem },
      },
    };
  }
  const { probeDomain } = await import('../checks/domain.ts');
  const r = await probeDomain(host, {
    allowPrivateTargets: c.allowPrivateTargets,
    ...(c.rdapBootstrapUrl ? { rdapBootstrapUrl: c.rdapBootstrapUrl } : {}),
    ...(c.whoisServer ? { whoisServer: c.whoisServer } : {}),
  });
  return {
    type: 'expiry_result',
    kind: 'domain',
    project_id: m.project_id,
    result: {
      is_valid: r.expires_at ? (r.days_remaining ?? 0) >= 0 : null,
      expires_at: r.expires_at,
      days_remaining: r.days_remaining,
      issuer: null,
      error_message: r.error_message,
      details: { domain: r.domain, registrar: r.registrar, source: r.source },
    },
  };
}

export async function runCheck(c: CheckerContext, m: CheckMessage): Promise<ResultMessageInput> {
  return m.kind === 'http' ? runHttpCheck(c, m) : runExpiryCheck(c, m);
}

/** One check from the check queue: probes, and hands the result to the results queue. */
export async function checkAndReport(c: CheckerContext, m: CheckMessage): Promise<void> {
  await c.queue.send('results', [{ body: await runCheck(c, m) }]);
}
