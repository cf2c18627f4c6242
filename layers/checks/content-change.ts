import { createHash } from 'node:crypto';
import { load as loadDocument } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import { parse as parseHtml } from 'parse5';
import { adapter as htmlparser2Adapter } from 'parse5-htmlparser2-tree-adapter';

/**
 * What `cheerio.load(html)` does (parse5, the HTML spec's parser, scripting on), without cheerio's
 * main entry, whose fetch and encoding helpers bring undici and iconv-lite into every bundle.
 * Not `cheerio/slim` alone: its htmlparser2 builds a different tree (no implied head or tbody).
 */
function load(html: string) {
  return loadDocument(parseHtml(html, { treeAdapter: htmlparser2Adapter, scriptingEnabled: true }));
}

/**
 * What the hash covers, so that only meaningful changes count:
 * - the text of the page (or of the elements matching `content_selector`, in document order),
 *   with every run of whitespace collapsed to one space and trimmed;
 * - the structure around it: element names, plus the attributes that change what a reader gets
 *   (href, src, alt, title, action); other attributes (class, style, nonces, CSRF tokens) are ignored;
 * - not scripts, styles, templates, comments or <head> metadata, which change on every deploy.
 * So reformatting, re-indenting or rotating a nonce leaves the hash alone; editing text, a link or an
 * image does not.
 */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'iframe']);
const KEPT_ATTRIBUTES = ['href', 'src', 'alt', 'title', 'action'];

function serialize(node: AnyNode, out: string[]): void {
  if (node.type === 'text') {
    const t = node.data.replace(/\s+/g, ' ').trim();
    if (t !== '') out.push(`"${t}"`);
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root' && node.type !== 'script' && node.type !== 'style') return;
  if (node.type === 'root') {
    for (const c of node.children) serialize(c, out);
    return;
  }
  const el = node as Element;
  const name = el.name.toLowerCase();
  if (SKIPPED.has(name)) return;
  const attrs = KEPT_ATTRIBUTES.filter((a) => el.attribs[a] !== undefined)
    .map((a) => `${a}=${JSON.stringify((el.attribs[a] ?? '').trim())}`)
    .join(' ');
  out.push(attrs ? `<${name} ${attrs}>` : `<${name}>`);
  for (const c of el.children) serialize(c, out);
  out.push(`</${name}>`);
}

export interface ContentFingerprint {
  /** SHA-256 (hex) of the normalised content. */
  hash: string;
  selector: string | null;
  /** Elements matched by the selector (1 for the whole page). */
  matched: number;
  /** Length of the normalised text (for "the selector matched but it is empty" diagnostics). */
  text_length: number;
}

/** Normalised text of the page or selection: what a reader sees, whitespace collapsed. */
export function extractText(html: string, selector?: string | null): string {
  const $ = load(html);
  $('script, style, noscript, template, head').remove();
  const scope = selector ? $(selector) : $.root();
  return scope
    .toArray()
    .map((el) => $(el).text())
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Fingerprints a page for change detection (spec 4.12). A selector that matches nothing hashes the
 * empty selection (matched: 0), so a section disappearing is itself a change. Throws only on a
 * syntactically invalid selector (validate it when the project is saved).
 */
export function fingerprintContent(html: string, selector?: string | null): ContentFingerprint {
  const $ = load(html);
  const roots = selector ? $(selector).toArray() : [$.root()[0]!];
  const parts: string[] = [];
  for (const r of roots) serialize(r, parts);
  const text = parts
    .filter((p) => p.startsWith('"'))
    .map((p) => p.slice(1, -1))
    .join(' ');
  return {
    hash: createHash('sha256').update(parts.join('\n')).digest('hex'),
    selector: selector ?? null,
    matched: roots.length,
    text_length: text.length,
  };
}

export interface ContentChangeResult extends ContentFingerprint {
  previous_hash: string | null;
  /** False on the first observation (no previous hash): there is nothing to compare with. */
  changed: boolean;
}

/** Compares a page with the previously stored hash. */
export function detectContentChange(html: string, previousHash: string | null | undefined, selector?: string | null): ContentChangeResult {
  const fp = fingerprintContent(html, selector);
  const prev = previousHash ?? null;
  return { ...fp, previous_hash: prev, changed: prev !== null && prev !== fp.hash };
}

/** True when the selector parses (for validating `content_selector` at the boundary). */
export function isValidSelector(selector: string): boolean {
  try {
    load('<p></p>')(selector);
    return true;
  } catch {
    return false;
  }
}
