import zlib from 'node:zlib';

export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;

function decompressor(encoding: string, raw: Buffer): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  // Tolerate bodies cut short by our own cap: flush what is there instead of failing.
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(opts);
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: sniff the header.
      return raw.length >= 2 && (raw[0]! & 0x0f) === 8 && ((raw[0]! << 8) | raw[1]!) % 31 === 0
        ? zlib.createInflate(opts)
        : zlib.createInflateRaw(opts);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return undefined;
  }
}

/** Undoes one content-encoding, keeping at most `maxBytes` of output (a decompression bomb stops there). */
function decompress(encoding: string, raw: Buffer, maxBytes: number): Promise<{ data: Buffer; truncated: boolean }> {
  const stream = decompressor(encoding, raw);
  if (!stream) return Promise.resolve({ data: raw, truncated: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(chunks).subarray(0, maxBytes), truncated });
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        finish(true);
        stream.destroy();
      }
    });
    stream.on('end', () => finish(false));
    stream.on('error', (err) => {
      if (done) return;
      if (size > 0) finish(true);
      else {
        done = true;
        reject(err);
      }
    });
    stream.end(raw);
  });
}

function charsetOf(contentType: string | undefined): string {
  const m = contentType && /charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return m?.[1]?.toLowerCase() ?? 'utf-8';
}

export interface DecodedBody {
  text: string;
  /** True when the body was larger than the cap, or cut short on the wire. */
  truncated: boolean;
}

/** Turns raw response bytes into text: content-encoding (gzip, deflate, br, stacked) then charset. */
export async function decodeBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  contentType: string | undefined,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<DecodedBody> {
  let data = raw;
  let truncated = false;
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity')
    .reverse();
  for (const enc of encodings) {
    const out = await decompress(enc, data, maxBytes);
    data = out.data;
    truncated ||= out.truncated;
  }
  if (data.length > maxBytes) {
    data = data.subarray(0, maxBytes);
    truncated = true;
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charsetOf(contentType));
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return { text: decoder.decode(data), truncated };
}
