import { describe, expect, it } from 'vitest';
import { detectContentChange, fingerprintContent, isValidSelector } from '../../../layers/checks/content-change.ts';
import { checkKeywords, keywordsSchema } from '../../../layers/checks/keywords.ts';

const page = (price: string, extra = '') => `<!doctype html><html><head><title>Shop</title><script>var nonce="${Math.random()}"</script></head>
<body><nav class="top"><a href="/">Home</a></nav>
<main><h1>Widget</h1><p class="price">${price}</p><img src="/w.png" alt="widget"></main>${extra}
<footer>© 2026</footer></body></html>`;

describe('content change detection', () => {
  it('hashes the page with SHA-256', () => {
    const fp = fingerprintContent(page('$10'));
    expect(fp.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fp.matched).toBe(1);
  });

  it('does not count whitespace-only or formatting changes', () => {
    const a = fingerprintContent(page('$10'));
    const reformatted = page('$10').replace(/></g, '>\n    <').replace('<p class="price">', '<p   class="price big"  >');
    expect(fingerprintContent(reformatted).hash).toBe(a.hash);
  });

  it('ignores scripts, styles and head metadata that change on every load', () => {
    expect(fingerprintContent(page('$10')).hash).toBe(fingerprintContent(page('$10')).hash);
  });

  it('counts a text change, a link change and an image change', () => {
    const base = fingerprintContent(page('$10')).hash;
    expect(fingerprintContent(page('$12')).hash).not.toBe(base);
    expect(fingerprintContent(page('$10').replace('href="/"', 'href="/home"')).hash).not.toBe(base);
    expect(fingerprintContent(page('$10').replace('/w.png', '/w2.png')).hash).not.toBe(base);
  });

  it('watches only the elements matching content_selector', () => {
    const a = fingerprintContent(page('$10'), '.price');
    expect(a.matched).toBe(1);
    expect(fingerprintContent(page('$10', '<aside>new banner</aside>'), '.price').hash).toBe(a.hash);
    expect(fingerprintContent(page('$11'), '.price').hash).not.toBe(a.hash);
  });

  it('reports a selector that matches nothing, and its appearance as a change', () => {
    const none = fingerprintContent(page('$10'), '#missing');
    expect(none.matched).toBe(0);
    expect(fingerprintContent(page('$10', '<div id="missing">x</div>'), '#missing').hash).not.toBe(none.hash);
  });

  it('says changed only against a previous hash', () => {
    const first = detectContentChange(page('$10'), null);
    expect(first).toMatchObject({ changed: false, previous_hash: null });
    expect(detectContentChange(page('$10'), first.hash).changed).toBe(false);
    expect(detectContentChange(page('$99'), first.hash)).toMatchObject({ changed: true, previous_hash: first.hash });
  });

  it('validates selectors', () => {
    expect(isValidSelector('main .price')).toBe(true);
    expect(isValidSelector('main >>> [')).toBe(false);
  });
});

describe('keyword monitoring', () => {
  const html = '<html><body><h1>Summer SALE</h1><p>Free\n   shipping today</p><script>var outOfStock = "sold out"</script></body></html>';

  it('parses keywords given as a JSON array string or an array', () => {
    expect(keywordsSchema.parse('["sale", " free  shipping ", "sale"]')).toEqual(['sale', 'free shipping']);
    expect(keywordsSchema.parse(['a'])).toEqual(['a']);
  });

  it('rejects keywords that are not a JSON array of strings', () => {
    expect(keywordsSchema.safeParse('sale, free').success).toBe(false);
    expect(keywordsSchema.safeParse('[1, 2]').success).toBe(false);
    expect(keywordsSchema.safeParse('{"a":1}').success).toBe(false);
  });

  it('matches case-insensitively in the visible text, across line breaks', () => {
    const r = checkKeywords(html, ['sale', 'FREE SHIPPING', 'sold out'], true);
    expect(r.found).toEqual(['sale', 'FREE SHIPPING']);
    expect(r.missing).toEqual(['sold out']);
  });

  it('alerts on a found keyword when alert_on_found is true', () => {
    expect(checkKeywords(html, ['sale'], true)).toMatchObject({ should_alert: true, message: 'keyword(s) found: sale' });
    expect(checkKeywords(html, ['closed'], true).should_alert).toBe(false);
  });

  it('alerts on a missing keyword when alert_on_found is false', () => {
    expect(checkKeywords(html, ['sale', 'closed'], false)).toMatchObject({ should_alert: true, missing: ['closed'] });
    expect(checkKeywords(html, ['sale'], false).should_alert).toBe(false);
  });

  it('takes the stored JSON array string directly, and never alerts on an invalid one', () => {
    expect(checkKeywords(html, '["SALE"]', true)).toMatchObject({ found: ['SALE'], should_alert: true });
    expect(checkKeywords(html, 'sale', true)).toMatchObject({ should_alert: false, message: expect.stringMatching(/^invalid keywords/) });
  });

  it('never alerts without keywords', () => {
    expect(checkKeywords(html, [], false).should_alert).toBe(false);
  });
});
