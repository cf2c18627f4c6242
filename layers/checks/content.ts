import { probeHttp, type HttpProbeOptions } from './http.ts';
import { checkText } from './texts.ts';
import type { ErrorKind } from './types.ts';

export interface ContentProbeOptions extends Omit<HttpProbeOptions, 'captureBody'> {
  /** Default true: the expected text must appear with the same case. */
  caseSensitive?: boolean;
}

export interface ContentResult {
  url: string;
  final_url: string;
  /** The page answered with an accepted status. */
  is_available: boolean;
  /** The expected text appears in the (decoded) response body. */
  content_found: boolean;
  expected_content: string;
  status_code: number | null;
  response_time: number;
  body_size: number;
  error_kind: ErrorKind | null;
  error_message: string | null;
  checked_at: string;
}

/** Content verification (spec 4.8): fetch the page and look for the expected string in its body. */
export async function probeContent(url: string, expected: string, opts: ContentProbeOptions): Promise<ContentResult> {
  const res = await probeHttp(url, { ...opts, captureBody: true });
  const body = res.body ?? '';
  const found =
    res.body !== undefined &&
    (opts.caseSensitive === false ? body.toLowerCase().includes(expected.toLowerCase()) : body.includes(expected));
  let kind = res.error_kind;
  let message = res.error_message;
  if (kind === null && !found) {
    kind = 'content_missing';
    message = checkText('content_not_found', { expected: JSON.stringify(expected.length > 100 ? `${expected.slice(0, 100)}…` : expected) });
  }
  return {
    url: res.url,
    final_url: res.final_url,
    is_available: res.is_available,
    content_found: found,
    expected_content: expected,
    status_code: res.status_code,
    response_time: res.response_time,
    body_size: res.body_size,
    error_kind: kind,
    error_message: message,
    checked_at: res.checked_at,
  };
}
