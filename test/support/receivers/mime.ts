// A small MIME reader for messages captured by the SMTP receiver: enough of RFC 5322/2045/2047 to
// read what nodemailer, SES and most clients produce (folded headers, encoded words, multipart,
// base64 and quoted-printable bodies, any charset TextDecoder knows).

export interface MimePart {
  /** Lower-cased header names; values unfolded and with encoded words decoded. */
  headers: Map<string, string[]>;
  contentType: string;
  params: Record<string, string>;
  /** Decoded body text for non-multipart parts. */
  body: string;
  parts: MimePart[];
}

export interface ParsedMail {
  raw: string;
  headers: Map<string, string[]>;
  header(name: string): string | undefined;
  subject: string | undefined;
  from: string | undefined;
  to: string | undefined;
  text: string | undefined;
  html: string | undefined;
  /** Every leaf part, depth first. */
  leaves: MimePart[];
}

/** Parses raw message bytes (a string is taken as UTF-8). */
export function parseMail(message: Uint8Array | string): ParsedMail {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message);
  // Parse on a byte-per-char string so 8bit bodies keep their exact bytes until their charset is known.
  const root = parsePart(bytes.toString('latin1'));
  const raw = bytes.toString('utf8');
  const leaves: MimePart[] = [];
  const walk = (p: MimePart) => (p.parts.length ? p.parts.forEach(walk) : leaves.push(p));
  walk(root);
  const header = (name: string) => root.headers.get(name.toLowerCase())?.[0];
  const isBody = (p: MimePart) => !/attachment/i.test(p.headers.get('content-disposition')?.[0] ?? '');
  return {
    raw,
    headers: root.headers,
    header,
    subject: header('subject'),
    from: header('from'),
    to: header('to'),
    text: leaves.find((p) => p.contentType === 'text/plain' && isBody(p))?.body,
    html: leaves.find((p) => p.contentType === 'text/html' && isBody(p))?.body,
    leaves,
  };
}

function parsePart(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = parseHeaders(head);
  const { value: contentType, params } = parseParams(headers.get('content-type')?.[0] ?? 'text/plain; charset=us-ascii');
  const type = contentType.toLowerCase();
  if (type.startsWith('multipart/') && params.boundary) {
    return { headers, contentType: type, params, body: '', parts: splitMultipart(rest, params.boundary).map(parsePart) };
  }
  const encoding = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  const bytes = encoding === 'base64' ? Buffer.from(rest.replace(/\s+/g, ''), 'base64') : encoding === 'quoted-printable' ? decodeQuotedPrintable(rest) : Buffer.from(rest, 'latin1');
  return { headers, contentType: type, params, body: decodeCharset(bytes, params.charset), parts: [] };
}

function parseHeaders(head: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Raw 8-bit header bytes (SMTPUTF8) are UTF-8; encoded words are plain ASCII and unaffected.
    const value = decodeEncodedWords(Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return headers;
}

function parseParams(value: string): { value: string; params: Record<string, string> } {
  const [first = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const item of rest) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    params[item.slice(0, eq).trim().toLowerCase()] = item.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: first.trim(), params };
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    if (line === `--${boundary}--`) break;
    if (line === `--${boundary}`) {
      if (current) parts.push(current.join('\r\n'));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('\r\n'));
  return parts;
}

/** RFC 2047: =?charset?B|Q?text?=, with the whitespace between adjacent encoded words dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bqBQ]\?[^?]*\?=)\s+(?==\?[^?]+\?[bqBQ]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_, charset: string, enc: string, text: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return decodeCharset(bytes, charset);
    });
}

function decodeQuotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i] ?? '';
    const hex = soft.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'latin1'));
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Uint8Array, charset = 'us-ascii'): string {
  try {
    return new TextDecoder(charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
