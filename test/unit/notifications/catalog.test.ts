import { describe, expect, it } from 'vitest';
import { catalogs, fill } from '../../../layers/services/notifications/catalog/index.ts';

describe('message catalogs fill templates in the reader language', () => {
  it('picks an exact-count variant before the plural category', () => {
    const m = catalogs.en.status_error.summary;
    expect(fill('en', m, { n: 1 })).toBe('The latest check failed, so the site is considered down.');
    expect(fill('en', m, { n: 1200 })).toBe('1,200 consecutive checks failed, so the site is considered down.');
    expect(fill('ko', catalogs.ko.status_error.summary, { n: 2 })).toBe('연속 2회 점검에 실패하여 장애로 판단했습니다.');
  });

  it('uses English plural forms and Korean counters', () => {
    expect(fill('en', catalogs.en.common.days, { n: 1 })).toBe('1 day');
    expect(fill('en', catalogs.en.common.days, { n: 2 })).toBe('2 days');
    expect(fill('ko', catalogs.ko.common.days, { n: 1 })).toBe('1일');
  });

  it('leaves an unknown placeholder visible instead of dropping it', () => {
    expect(fill('en', 'a {missing} b', {})).toBe('a {missing} b');
  });

  it('has the same messages in every language', () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      typeof o === 'object' && o !== null ? Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`))) : [];
    const strip = (k: string) => k.replace(/\.(=\d+|one|other)$/, '');
    expect(new Set(keys(catalogs.ko).map(strip))).toEqual(new Set(keys(catalogs.en).map(strip)));
  });
});
