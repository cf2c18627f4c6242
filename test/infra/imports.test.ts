import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/house-function.ts';

// Imports point one way (docs/architecture.md): functions, bin and the wiring floor -> endpoints and
// handlers -> services -> repositories, checks and the platform's ports -> model, config and errors.
// Read from the source as text, every relative import (types and dynamic ones too) of layers/,
// functions/ and bin/ must go where its floor may import, and no files may import each other in a circle.

/** The floors and what each may import besides itself (layers/platform/ports.ts is a floor of its own). */
const MAY_IMPORT: Record<string, string[]> = {
  functions: ['wiring', 'endpoints', 'handlers', 'services', 'repositories', 'checks', 'platform', 'ports', 'model', 'config', 'errors'],
  bin: ['lib', 'wiring', 'endpoints', 'handlers', 'services', 'repositories', 'checks', 'platform', 'ports', 'model', 'config', 'errors'],
  wiring: ['endpoints', 'handlers', 'services', 'repositories', 'checks', 'platform', 'ports', 'model', 'config', 'errors'],
  endpoints: ['services', 'checks', 'ports', 'model', 'config', 'errors', 'locales'],
  handlers: ['services', 'ports', 'model', 'config', 'errors'],
  services: ['repositories', 'checks', 'ports', 'model', 'config', 'errors'],
  repositories: ['model', 'config', 'errors'],
  checks: ['ports'],
  platform: ['ports', 'config', 'errors'],
  ports: [],
  model: [],
  config: [],
  errors: [],
  lib: [],
  locales: [],
};

function floorOf(file: string): string {
  const path = relative(projectRoot, file).split('\\').join('/');
  if (path === 'layers/platform/ports.ts') return 'ports';
  // The dashboard's message catalogs: the API answers in the reader's language from the same files.
  if (path.startsWith('frontend/locales/')) return 'locales';
  const m = /^layers\/([^/]+?)(?:\.ts)?(?:\/|$)/.exec(path) ?? /^([^/]+)\//.exec(path);
  return m?.[1] ?? path;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Relative imports of one file: `import ... from`, `export ... from`, `import '...'` and `import('...')`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|[;\s])import\s*\(?\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1]!);
  return [...new Set(specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s)))];
}

const files = ['layers', 'functions', 'bin'].flatMap(sourcesUnder);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(projectRoot, f).split('\\').join('/');

describe('import direction', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(join(projectRoot, 'functions/api.ts'))).toContain(join(projectRoot, 'layers/endpoints/router.ts'));
  });

  it('has no import against the direction of the floors', () => {
    const against: string[] = [];
    for (const [file, targets] of graph) {
      const from = floorOf(file);
      const allowed = MAY_IMPORT[from];
      if (!allowed) {
        against.push(`${rel(file)}: no floor for ${from}`);
        continue;
      }
      for (const target of targets) {
        const to = floorOf(target);
        if (to !== from && !allowed.includes(to)) against.push(`${rel(file)} -> ${rel(target)} (${from} may not import ${to})`);
      }
    }
    expect(against).toEqual([]);
  });

  it('has no circle of imports between files', () => {
    // Depth-first search; a back edge to a file on the current path closes a circle.
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') circles.push([...path.slice(path.indexOf(next)), next].map(rel).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
