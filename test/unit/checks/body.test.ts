import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../layers/checks/body.ts';

const text = '안녕하세요 monitoring '.repeat(50);

describe('response body decoding', () => {
  it.each([
    ['gzip', zlib.gzipSync(text)],
    ['deflate', zlib.deflateSync(text)],
    ['deflate', zlib.deflateRawSync(text)],
    ['br', zlib.brotliCompressSync(text)],
    ['identity', Buffer.from(text)],
  ])('decodes %s bodies', async (encoding, raw) => {
    expect(await decodeBody(raw, encoding, 'text/html; charset=utf-8')).toEqual({ text, truncated: false });
  });

  it('decodes the charset named in Content-Type', async () => {
    const latin1 = Buffer.from('café', 'latin1');
    expect((await decodeBody(latin1, undefined, 'text/plain; charset=ISO-8859-1')).text).toBe('café');
  });

  it('stops at the cap, so a decompression bomb cannot exhaust memory', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x61));
    const out = await decodeBody(bomb, 'gzip', 'text/plain', 1024 * 1024);
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBe(1024 * 1024);
  });

  it('keeps what a truncated gzip stream holds', async () => {
    const gz = zlib.gzipSync(text);
    const out = await decodeBody(gz.subarray(0, gz.length - 30), 'gzip', 'text/plain');
    expect(text.startsWith(out.text.slice(0, 20))).toBe(true);
    expect(out.text.length).toBeGreaterThan(0);
  });
});
