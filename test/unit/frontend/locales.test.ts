import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The ko and en catalogs (frontend/locales), which the pages load and the API will answer with.

const frontend = fileURLToPath(new URL('../../../frontend/', import.meta.url));
const catalog = (lang: string) => JSON.parse(readFileSync(join(frontend, 'locales', `${lang}.json`), 'utf8')) as Record<string, unknown>;
const ko = catalog('ko');
const en = catalog('en');
const placeholders = (s: unknown) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => join(d.parentPath, d.name));
}

describe('locale catalogs', () => {
  it('have the same keys in ko and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ko).sort());
    expect(Object.keys(ko).length).toBeGreaterThan(300);
  });

  it('hold a non-empty string for every key, with the same placeholders in both languages', () => {
    for (const key of Object.keys(ko)) {
      expect(typeof ko[key] === 'string' && ko[key] !== '', `ko ${key}`).toBe(true);
      expect(typeof en[key] === 'string' && en[key] !== '', `en ${key}`).toBe(true);
      // zod's bound messages name the value's type in English ({origin}: "number", "string"); the
      // Korean says the bound without it. Every other placeholder is in both.
      const dropped = key.startsWith('api.zod.') ? ['origin'] : [];
      expect(placeholders(en[key]).filter((p) => !dropped.includes(p!)), key).toEqual(placeholders(ko[key]).filter((p) => !dropped.includes(p!)));
      for (const p of placeholders(ko[key])) expect(placeholders(en[key]), `${key}: {${p}} only in ko`).toContain(p);
    }
  });

  it('define every key the markup and the modules name literally', () => {
    const used = new Set<string>();
    for (const file of filesUnder(join(frontend, 'html'), '.html')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/data-i18n(?:-placeholder|-aria-label)?="([^"]+)"/g)) used.add(m[1]!);
    }
    for (const file of filesUnder(join(frontend, 'js'), '.js')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.|-]+)'\s*[,)]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(150);
    expect([...used].filter((k) => !(k in ko))).toEqual([]);
  });
});
