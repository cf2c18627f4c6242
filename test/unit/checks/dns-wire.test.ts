import { describe, expect, it } from 'vitest';
import { decodeResponse, DnsWireError, encodeQuery } from '../../../layers/checks/dns-wire.ts';
import { parseServer } from '../../../layers/checks/dns.ts';

/** Builds a response to `encodeQuery(id, 'a.test', 'CNAME')` whose answer uses a compression pointer. */
function compressedAnswer(): Buffer {
  const query = encodeQuery(7, 'a.test', 'CNAME');
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2);
  header.writeUInt16BE(1, 6);
  const question = query.subarray(12);
  const rdata = Buffer.concat([Buffer.from([1, 0x62]), Buffer.from([0xc0, 14])]); // "b" + pointer to "test"
  const rr = Buffer.alloc(10);
  rr.writeUInt16BE(5, 0);
  rr.writeUInt16BE(1, 2);
  rr.writeUInt32BE(3600, 4);
  rr.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([header, question, Buffer.from([0xc0, 12]), rr, rdata]);
}

describe('DNS wire format', () => {
  it('encodes a recursive query for one question', () => {
    const q = encodeQuery(0x1234, 'example.test.', 'MX');
    expect(q.readUInt16BE(0)).toBe(0x1234);
    expect(q.readUInt16BE(2)).toBe(0x0100);
    expect(q.subarray(12).toString('latin1')).toContain('example');
    expect(q.readUInt16BE(q.length - 4)).toBe(15);
  });

  it('decodes compressed names and the TTL of every record', () => {
    const res = decodeResponse(compressedAnswer());
    expect(res.id).toBe(7);
    expect(res.answers).toEqual([{ name: 'a.test', type: 'CNAME', typeCode: 5, ttl: 3600, data: { kind: 'name', name: 'b.test' } }]);
  });

  it('reads the authoritative and recursion-available flags', () => {
    const res = compressedAnswer();
    expect(decodeResponse(res)).toMatchObject({ recursionAvailable: true, authoritative: false });
    res.writeUInt16BE(0x8400, 2);
    expect(decodeResponse(res)).toMatchObject({ recursionAvailable: false, authoritative: true });
  });

  it('rejects truncated messages and pointer loops instead of hanging', () => {
    const full = compressedAnswer();
    expect(() => decodeResponse(full.subarray(0, full.length - 3))).toThrow(DnsWireError);
    const loop = Buffer.from(full);
    loop.writeUInt16BE(0xc000 | (full.length - 2), full.length - 2); // pointer to itself
    expect(() => decodeResponse(loop)).toThrow(DnsWireError);
  });

  it('refuses a query as an answer', () => {
    expect(() => decodeResponse(encodeQuery(1, 'a.test', 'A'))).toThrow('not a DNS response');
  });

  it('parses resolver addresses with and without ports', () => {
    expect(parseServer('1.1.1.1')).toEqual({ address: '1.1.1.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:5353')).toEqual({ address: '::1', port: 5353 });
    expect(parseServer('2001:db8::53')).toEqual({ address: '2001:db8::53', port: 53 });
    expect(parseServer('dns.example')).toBeUndefined();
  });
});
