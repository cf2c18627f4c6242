import { describe, expect, it } from 'vitest';
import { checkHost } from '../../../layers/checks/browser/address-policy.ts';
import { cumulativeLayoutShift, performanceGrade, totalBlockingTime } from '../../../layers/checks/browser/metrics.ts';

describe('metric arithmetic', () => {
  it('takes the largest session window for CLS (1 s gap, 5 s cap)', () => {
    expect(cumulativeLayoutShift([])).toBe(0);
    // Two windows: 0.1 + 0.1 (within 1 s), then a lone 0.15 after a 2 s gap.
    expect(cumulativeLayoutShift([[100, 0.1], [900, 0.1], [2900, 0.15]])).toBeCloseTo(0.2);
    // Shifts every 900 ms keep one window open, but only for 5 s.
    const steady = Array.from({ length: 10 }, (_, i) => [i * 900, 0.01] as const);
    expect(cumulativeLayoutShift(steady)).toBeCloseTo(0.06);
  });

  it('sums the part of each long task beyond 50 ms, after FCP and before the settle point', () => {
    expect(totalBlockingTime([[1000, 250]], 500, 5000)).toBe(200);
    expect(totalBlockingTime([[1000, 40]], 500, 5000)).toBe(0);
    // A task straddling FCP only counts after FCP; one straddling the end only before it.
    expect(totalBlockingTime([[400, 200]], 500, 5000)).toBe(50);
    expect(totalBlockingTime([[4900, 300]], 500, 5000)).toBe(50);
    expect(totalBlockingTime([[100, 300]], 500, 5000)).toBe(0);
  });

  it('grades with Web Vitals thresholds', () => {
    const good = { largest_contentful_paint: 1200, total_blocking_time: 50, cumulative_layout_shift: 0, first_contentful_paint: 800, time_to_first_byte: 100 };
    expect(performanceGrade(good)).toBe('A');
    expect(performanceGrade({ ...good, total_blocking_time: 600, largest_contentful_paint: 4000 })).toBe('C');
    const poor = { largest_contentful_paint: 9000, total_blocking_time: 2000, cumulative_layout_shift: 0.6, first_contentful_paint: 7000, time_to_first_byte: 4000 };
    expect(performanceGrade(poor)).toBe('F');
    expect(performanceGrade({ largest_contentful_paint: null, total_blocking_time: null, cumulative_layout_shift: null, first_contentful_paint: null, time_to_first_byte: null })).toBeNull();
  });
});

describe('host policy', () => {
  const resolveTo = (addresses: string[]) => async () => addresses;

  it('refuses a name when any of its addresses is refused', async () => {
    const verdict = await checkHost('mixed.example.com', { allowPrivateTargets: false }, resolveTo(['93.184.216.34', '10.0.0.5']));
    expect(verdict).toMatchObject({ allowed: false, unresolvable: false });
  });

  it('always refuses the metadata addresses, even when private targets are allowed', async () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', 'fe80::1', '::ffff:169.254.169.254']) {
      const verdict = await checkHost('meta.example.com', { allowPrivateTargets: true }, resolveTo([address]));
      expect(verdict.allowed, address).toBe(false);
    }
  });

  it('reports names that do not resolve as unresolvable', async () => {
    const verdict = await checkHost('nowhere.example.com', { allowPrivateTargets: true }, async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    });
    expect(verdict).toEqual({ allowed: false, unresolvable: true, reason: 'cannot resolve nowhere.example.com: ENOTFOUND' });
  });
});
