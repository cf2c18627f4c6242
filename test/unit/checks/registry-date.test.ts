import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRdapAnswer, readWhoisAnswer } from '../../../layers/checks/registry-answer.ts';
import { dateConventionFor, orderFromHint, parseRegistryDate, type DateConvention } from '../../../layers/checks/registry-date.ts';
import { registryFixtures, scoreFixtures } from '../../fixtures/registry-answers.ts';

const dayFirst: DateConvention = { order: 'dmy' };
const monthFirst: DateConvention = { order: 'mdy' };
const iso = (s: string, c: DateConvention = {}) => {
  const r = parseRegistryDate(s, c);
  return r.ok ? r.date.toISOString() : `no date: ${r.reason}`;
};

describe('registry date formats', () => {
  it.each([
    ['4.7.2014', '2014-07-04T00:00:00.000Z'],
    ['04.07.2014 13:05:09', '2014-07-04T13:05:09.000Z'],
    ['03/08/2014', '2014-08-03T00:00:00.000Z'],
    ['11-07-2020', '2020-07-11T00:00:00.000Z'],
    ['03/08/14', '2014-08-03T00:00:00.000Z'],
    ['20140822', '2014-08-22T00:00:00.000Z'],
    ['20140822103243', '2014-08-22T10:32:43.000Z'],
    ['2014.08.22', '2014-08-22T00:00:00.000Z'],
    ['2014.08.22 13:00:00', '2014-08-22T13:00:00.000Z'],
    ['2014/08/22', '2014-08-22T00:00:00.000Z'],
    ['2014. 08. 22.', '2014-08-22T00:00:00.000Z'],
    ['2014-Aug-22', '2014-08-22T00:00:00.000Z'],
    ['2014-Aug-22.', '2014-08-22T00:00:00.000Z'],
    ['26-Mar-2014 06:48:27 UTC', '2014-03-26T06:48:27.000Z'],
    ['28th April 2014', '2014-04-28T00:00:00.000Z'],
    ['1st March 2014', '2014-03-01T00:00:00.000Z'],
    ['August 22 2014', '2014-08-22T00:00:00.000Z'],
    ['Aug 22, 2014', '2014-08-22T00:00:00.000Z'],
    ['Mon Apr 25 23:59:59 GMT 2016', '2016-04-25T23:59:59.000Z'],
    ['Mon Apr 25 23:59:59 2016', '2016-04-25T23:59:59.000Z'],
    ['2020-06-14-T10:32:43Z', '2020-06-14T10:32:43.000Z'],
    ['2014-08-22T10:32:43Z', '2014-08-22T10:32:43.000Z'],
    ['2014-08-22T10:32:43.123456Z', '2014-08-22T10:32:43.123Z'],
    ['2014-08-22T10:32:43+03', '2014-08-22T07:32:43.000Z'],
    ['2014-08-22T10:32:43+0300', '2014-08-22T07:32:43.000Z'],
    ['2014-08-22T10:32:43-05:30', '2014-08-22T16:02:43.000Z'],
    ['2014-08-22 10:32:43 UTC', '2014-08-22T10:32:43.000Z'],
    ['2014-08-22 10:32:43 GMT', '2014-08-22T10:32:43.000Z'],
    ['2014-08-22 10:32:43 EAT', '2014-08-22T07:32:43.000Z'],
    ['2014-08-22 10:32:43 WAT', '2014-08-22T09:32:43.000Z'],
    ['2014-08-22 10:32:43 CLST', '2014-08-22T13:32:43.000Z'],
    ['2014-08-22 10:32:43 (UTC+8)', '2014-08-22T02:32:43.000Z'],
    ['2014-08-22 10:32:43 GMT+03:00', '2014-08-22T07:32:43.000Z'],
    ['2014-08-22 (YYYY-MM-DD)', '2014-08-22T00:00:00.000Z'],
  ])('reads %s (day first where numeric)', (text, expected) => {
    expect(iso(text, dayFirst)).toBe(expected);
  });

  it('keeps the time of day, and reads a zone-less time as UTC', () => {
    expect(parseRegistryDate('2026-08-22 23:30:00')).toEqual({ ok: true, date: new Date('2026-08-22T23:30:00Z'), hasTime: true });
    expect(parseRegistryDate('2026-08-22')).toEqual({ ok: true, date: new Date('2026-08-22T00:00:00Z'), hasTime: false });
  });

  it('reads a date without a time as that calendar day, whatever zone is printed with it', () => {
    expect(iso('2026-08-22 (UTC+8)')).toBe('2026-08-22T00:00:00.000Z');
  });

  it('decides day-first or month-first by the registry convention', () => {
    expect(iso('03/08/2014', dayFirst)).toBe('2014-08-03T00:00:00.000Z');
    expect(iso('03/08/2014', monthFirst)).toBe('2014-03-08T00:00:00.000Z');
    expect(dateConventionFor('example.co.uk')).toEqual(dayFirst);
    expect(dateConventionFor('example.fi')).toEqual(dayFirst);
    expect(dateConventionFor('example.us')).toEqual(monthFirst);
    expect(dateConventionFor('example.com')).toEqual({});
  });

  it('takes the only possible reading when the day is over 12, whatever the convention', () => {
    expect(iso('13/08/2014')).toBe('2014-08-13T00:00:00.000Z');
    expect(iso('08/13/2014')).toBe('2014-08-13T00:00:00.000Z');
    expect(iso('08/13/2014', dayFirst)).toBe('2014-08-13T00:00:00.000Z');
    expect(iso('05/05/2014')).toBe('2014-05-05T00:00:00.000Z');
  });

  it('gives no date, with a reason, when day and month could swap and the convention is unknown', () => {
    const r = parseRegistryDate('03/08/2014', dateConventionFor('example.com'));
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.reason).toContain('ambiguous');
    // Dots are day first wherever they are written.
    expect(iso('03.08.2014')).toBe('2014-08-03T00:00:00.000Z');
  });

  it('takes the day/month order from a format hint printed with the date, over the convention', () => {
    expect(iso('03/08/2027 (MM/DD/YYYY)')).toBe('2027-03-08T00:00:00.000Z');
    expect(iso('03/08/2027 (MM/DD/YYYY)', dayFirst)).toBe('2027-03-08T00:00:00.000Z');
    expect(iso('03-08-2027 (dd-mm-yyyy)', monthFirst)).toBe('2027-08-03T00:00:00.000Z');
    // A year-first hint says nothing about an all-numeric date with the year last.
    expect(iso('03/08/2027 (YYYY-MM-DD)')).toContain('ambiguous');
    expect(orderFromHint('(dd/mm/yyyy)')).toBe('dmy');
    expect(orderFromHint('MM.DD.YY')).toBe('mdy');
    expect(orderFromHint('(YYYY-MM-DD)')).toBeUndefined();
    expect(orderFromHint('(dd/dd/yyyy)')).toBeUndefined();
  });

  it('gives no date for a two-digit year when the order is unknown, since the first number may be the year', () => {
    expect(iso('27/08/03')).toContain('two-digit year');
    expect(iso('03/08/27')).toContain('ambiguous');
    expect(iso('27/08/03', dayFirst)).toBe('2003-08-27T00:00:00.000Z');
    expect(iso('08/27/03', monthFirst)).toBe('2003-08-27T00:00:00.000Z');
    expect(iso('27.08.03')).toBe('2003-08-27T00:00:00.000Z');
  });

  it('refuses what is not a date instead of guessing', () => {
    for (const s of ['never', '2026-02-30', '31/31/2020', '2014-08-22 10:00 XYZ', '', '1 year', '2014-13-01']) {
      expect(parseRegistryDate(s, dayFirst).ok, s).toBe(false);
    }
  });
});

describe('registry answers written in each registry layout', () => {
  it('reads every fixture with a published expiry right, gives none a wrong date, and gives ambiguous ones none', async () => {
    const fixtures = registryFixtures();
    expect(fixtures.length).toBeGreaterThan(300);
    const report = await scoreFixtures(fixtures, async (f) => {
      const facts = f.source === 'whois' ? readWhoisAnswer(f.answer, f.domain) : readRdapAnswer(JSON.parse(f.answer) as unknown, f.domain);
      if ('ok' in facts && !facts.ok) return { expires: null, reason: facts.reason };
      return { expires: facts.expires?.toISOString() ?? null, reason: facts.expiryProblem };
    });
    expect(report.wrong).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.right).toBe(report.withDate);
    expect(report.refused).toBe(report.total - report.withDate);
    expect(report.refused).toBeGreaterThan(0);
  });

  it('reads the registrar of every fixture that names one', () => {
    for (const f of registryFixtures()) {
      if (f.registrar === null) continue;
      const facts = f.source === 'whois' ? readWhoisAnswer(f.answer, f.domain) : readRdapAnswer(JSON.parse(f.answer) as unknown, f.domain);
      expect('ok' in facts && !facts.ok ? null : facts.registrar, f.id).toBe(f.registrar);
    }
  });

  it.each(['America/Los_Angeles', 'Asia/Kathmandu', 'Pacific/Kiritimati'])('reads the same instants in a process whose TZ is %s', (tz) => {
    const script = fileURLToPath(new URL('../../support/child/read-registry-fixtures.ts', import.meta.url));
    const raw = execFileSync(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    const child = JSON.parse(raw) as { offset: number; out: Record<string, string | null> };
    // The child really runs in another zone.
    expect(child.offset).not.toBe(0);
    for (const f of registryFixtures()) expect(child.out[f.id], f.id).toBe(f.expires);
    expect(child.out['date:2014-08-22 10:32:43']).toBe('2014-08-22T10:32:43.000Z');
    expect(child.out['date:26-Mar-2014 06:48:27']).toBe('2014-03-26T06:48:27.000Z');
    expect(child.out['date:Mon Apr 25 23:59:59 2016']).toBe('2016-04-25T23:59:59.000Z');
    expect(child.out['date:4.7.2014']).toBe('2014-07-04T00:00:00.000Z');
    expect(child.out['date:2014-08-22']).toBe('2014-08-22T00:00:00.000Z');
  });
});
