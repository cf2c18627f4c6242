import { describe, expect, it } from 'vitest';
import { checkText } from '../../../layers/checks/texts.ts';
import { translateErrorMessages, translateMessage } from '../../../layers/i18n.ts';

// The router writes the probes' stored errors of any answer in the reader's language: only the probe's
// own words, never what the probed site sent, and without copying what does not change.

const refused = checkText('tcp_closed', { port: 443 });
const korean = '포트 443이(가) 닫혀 있습니다(연결 거부)';

describe('translateErrorMessages', () => {
  it('translates every error_message of plain objects and arrays of them, nested too', () => {
    const answer = { items: [{ id: 1, error_message: refused }, { id: 2, error_message: null }], last: { result: { error_message: refused } } };
    const out = translateErrorMessages(answer, 'ko');
    expect(out).toEqual({ items: [{ id: 1, error_message: korean }, { id: 2, error_message: null }], last: { result: { error_message: korean } } });
    expect(answer.items[0]!.error_message).toBe(refused);
    expect(out.items[1]).toBe(answer.items[1]);
    expect(translateErrorMessages(answer, 'en')).toBe(answer);
  });

  it("leaves the probed site's data as it came: bodies, records, values and a response's headers", () => {
    const answer = {
      result: { error_message: refused, details: { headers: { error_message: refused }, body: { error_message: refused }, response_headers: { error_message: refused } } },
      assertions: [{ actual: { error_message: refused }, expected: { error_message: refused } }],
      series: [1, 2, 3],
    };
    const out = translateErrorMessages(answer, 'ko');
    expect(out.result.error_message).toBe(korean);
    expect(out.result.details).toBe(answer.result.details);
    expect(out.assertions).toBe(answer.assertions);
    expect(out.series).toBe(answer.series);
  });

  it('gives the same translation again from what it has already made, and keeps unknown text as it is', () => {
    expect(translateMessage(refused, 'ko')).toBe(korean);
    expect(translateMessage(refused, 'ko')).toBe(korean);
    expect(translateMessage(korean, 'ko')).toBe(korean);
    expect(translateMessage('Service Unavailable', 'ko')).toBe('Service Unavailable');
  });
});
