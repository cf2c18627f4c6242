import { describe, expect, it } from 'vitest';
import { heartbeatRow, mapAcceptedCodes, parseKumaTime } from '../../../layers/services/kuma-import.ts';

describe("reading Kuma's dates", () => {
  it('reads heartbeat times as UTC, with or without milliseconds', () => {
    expect(parseKumaTime('2025-03-01 12:34:56.789')?.toISOString()).toBe('2025-03-01T12:34:56.789Z');
    expect(parseKumaTime('2025-03-01 12:34:56')?.toISOString()).toBe('2025-03-01T12:34:56.000Z');
    expect(parseKumaTime('2025-03-01T12:34:56.789Z')?.toISOString()).toBe('2025-03-01T12:34:56.789Z');
    expect(parseKumaTime('2025-03-01 12:34:56+02:00')?.toISOString()).toBe('2025-03-01T10:34:56.000Z');
  });

  it("reads a maintenance window's wall time in its zone, across a DST change", () => {
    expect(parseKumaTime('2025-01-15 09:00:00', 'Europe/Berlin')?.toISOString()).toBe('2025-01-15T08:00:00.000Z');
    expect(parseKumaTime('2025-07-15 09:00:00', 'Europe/Berlin')?.toISOString()).toBe('2025-07-15T07:00:00.000Z');
    expect(parseKumaTime('2025-07-15 09:00:00', 'SAME_AS_SERVER')?.toISOString()).toBe('2025-07-15T09:00:00.000Z');
  });

  it('gives no date for what is not one', () => {
    expect(parseKumaTime('yesterday')).toBeNull();
    expect(parseKumaTime('2025-13-45 99:00:00')).toBeNull();
    expect(parseKumaTime('2025-07-15 09:00:00', 'Not/AZone')).toBeNull();
  });
});

describe('heartbeats as history rows', () => {
  const time = '2025-03-01 12:00:00.000';
  it('makes an up beat an available result with its status code and ping', () => {
    expect(heartbeatRow({ status: 1, msg: '200 - OK', time, ping: 123, duration: 60 })).toEqual({
      checked_at: new Date('2025-03-01T12:00:00Z'),
      is_available: true,
      status_code: 200,
      response_time: 123,
      error_message: null,
    });
  });

  it("makes down and pending beats failed results with Kuma's message", () => {
    expect(heartbeatRow({ status: 0, msg: 'Request failed with status code 503', time, ping: null, duration: 60 })).toMatchObject({
      is_available: false,
      status_code: 503,
      response_time: null,
      error_message: 'Request failed with status code 503',
    });
    expect(heartbeatRow({ status: 2, msg: 'timeout of 48000ms exceeded', time, ping: null, duration: 20 })).toMatchObject({ is_available: false, status_code: null, error_message: 'timeout of 48000ms exceeded' });
    expect(heartbeatRow({ status: 2, msg: '', time, ping: null, duration: 20 })?.error_message).toBe('pending (Uptime Kuma)');
  });

  it('gives a maintenance beat in_maintenance (no check ran: no status, no time)', () => {
    expect(heartbeatRow({ status: 3, msg: 'Maintenance', time, ping: null, duration: 60 })).toEqual({
      checked_at: new Date('2025-03-01T12:00:00.000Z'),
      is_available: true,
      status_code: null,
      response_time: null,
      error_message: null,
      in_maintenance: true,
    });
    expect(heartbeatRow({ status: 1, msg: '200 - OK', time, ping: 5, duration: 60 })).not.toHaveProperty('in_maintenance');
  });

  it("maps Kuma's accepted status codes onto the project's, reporting what it cannot keep", () => {
    expect(mapAcceptedCodes('["200-299","404"]')).toEqual({ codes: ['200-299', '404'], warnings: [] });
    expect(mapAcceptedCodes('["200-299", "200-299", 301]')).toEqual({ codes: ['200-299', '301'], warnings: [] });
    // Kuma's column default when nothing readable is there.
    expect(mapAcceptedCodes(null)).toEqual({ codes: ['200-299'], warnings: [] });
    const bad = mapAcceptedCodes('["2xx","404"]');
    expect(bad.codes).toEqual(['404']);
    expect(bad.warnings).toEqual(['accepted status code "2xx" is not kept: must be a status code like "301" or a range like "200-299"']);
    const none = mapAcceptedCodes('["999"]');
    expect(none.codes).toEqual(['200-299']);
    expect(none.warnings.join('\n')).toMatch(/no accepted status code could be kept/);
    expect(mapAcceptedCodes('"200-299"').warnings[0]).toMatch(/are not a list/);
    const many = mapAcceptedCodes(JSON.stringify(Array.from({ length: 22 }, (_, i) => String(400 + i))));
    expect(many.codes).toHaveLength(20);
    expect(many.warnings[0]).toMatch(/^accepted status codes 420, 421 are not kept: at most 20/);
  });

  it('leaves unknown statuses and unreadable times out', () => {
    expect(heartbeatRow({ status: 7, msg: '', time, ping: null, duration: 60 })).toBeNull();
    expect(heartbeatRow({ status: 1, msg: '200 - OK', time: 'garbage', ping: 1, duration: 60 })).toBeNull();
  });
});
