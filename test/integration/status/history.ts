import { expect } from 'vitest';
import type { TestApp } from '../../support/app.ts';

// Check histories for the status tests, loaded through the history import API (issue 19).

export interface ImportedResult {
  checked_at: string;
  is_available: boolean;
  status_code: number | null;
  response_time: number | null;
  error_message: string | null;
}

/** YYYY-MM-DD of the UTC day `offset` days from `now`'s. */
export function utcDay(now: Date, offset: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** One result at every whole UTC hour from `start` to `end`; `isUp(at)` decides each. */
export function hourlyHistory(start: Date, end: Date, isUp: (at: Date) => boolean, error = 'HTTP 503', responseTime = 120): ImportedResult[] {
  const out: ImportedResult[] = [];
  for (let t = Math.ceil(start.getTime() / 3_600_000) * 3_600_000; t <= end.getTime(); t += 3_600_000) {
    const at = new Date(t);
    const up = isUp(at);
    out.push({ checked_at: at.toISOString(), is_available: up, status_code: up ? 200 : 503, response_time: up ? responseTime : null, error_message: up ? null : error });
  }
  return out;
}

export async function importHistory(app: TestApp, token: string, projectId: number, results: ImportedResult[]): Promise<void> {
  for (let i = 0; i < results.length; i += 8_000) {
    const r = await app.request('POST', `/api/v1/projects/${projectId}/results/import`, { token, body: { results: results.slice(i, i + 8_000) } });
    expect(r.status, r.text).toBeLessThan(300);
  }
}
