import { describe, expect, it } from 'vitest';
import { browserWork } from '../../../layers/services/scheduler.ts';
import { deepCheckCadences, type DeepCheckCadence } from '../../../layers/model/project.ts';

// The one rule of which browser work a check cycle brings (spec 6.1, issue 13.4).
const deepCycles = (cadence: DeepCheckCadence, interval: number, cycles: number) =>
  Array.from({ length: cycles }, (_, i) => i + 1).filter((c) => browserWork(cadence, c, interval).deepCheck);

describe('browserWork: the deep check by the project cadence, journeys every 6th cycle', () => {
  it('every_6th (the default, spec 6.1): cycles 6, 12, 18, whatever the interval', () => {
    expect(deepCycles('every_6th', 60, 20)).toEqual([6, 12, 18]);
    expect(deepCycles('every_6th', 3600, 20)).toEqual([6, 12, 18]);
  });

  it('hourly: the cycle nearest each hour at the check interval, at least every cycle', () => {
    expect(deepCycles('hourly', 60, 130)).toEqual([60, 120]);
    expect(deepCycles('hourly', 300, 30)).toEqual([12, 24]);
    // 420 s: 8.6 cycles an hour, so every 9th (63 minutes).
    expect(deepCycles('hourly', 420, 20)).toEqual([9, 18]);
    expect(deepCycles('hourly', 3600, 3)).toEqual([1, 2, 3]);
  });

  it('daily: the cycle nearest each day', () => {
    expect(deepCycles('daily', 60, 3000)).toEqual([1440, 2880]);
    expect(deepCycles('daily', 3600, 50)).toEqual([24, 48]);
  });

  it('off: never', () => {
    expect(deepCycles('off', 60, 5000)).toEqual([]);
  });

  it('journeys keep the spec rule under every cadence; cycle 0 brings nothing', () => {
    for (const cadence of deepCheckCadences) {
      expect(Array.from({ length: 13 }, (_, c) => c).filter((c) => browserWork(cadence, c, 300).journeys)).toEqual([6, 12]);
      expect(browserWork(cadence, 0, 60)).toEqual({ deepCheck: false, journeys: false });
    }
  });
});
