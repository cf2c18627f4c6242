import type { HttpResultMessage } from '../../layers/services/recorder.ts';

/** A live HTTP result of `projectId` checked (and due) at `at`: up with `rt` ms, or failed with HTTP 503. */
export function httpResultMessage(projectId: number, at: number, up: boolean, rt: number, errorMessage = 'HTTP 503'): HttpResultMessage {
  const d = new Date(at);
  return {
    type: 'http_result',
    project_id: projectId,
    due_at: d,
    job_id: null,
    started_at: d,
    cycle: null,
    result: { is_available: up, status_code: up ? 200 : 503, response_time: rt, error_kind: up ? null : 'http_status', error_message: up ? null : errorMessage, checked_at: d, details: {} },
    content_hash: null,
    keywords: null,
  };
}
