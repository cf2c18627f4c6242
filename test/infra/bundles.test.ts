import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { houseBundle } from '../../lib/bundling.ts';
import { projectRoot } from '../../lib/house-function.ts';

// A zip function ships only its bundle: any import esbuild left external (other than Node's own
// modules) fails with ERR_MODULE_NOT_FOUND at cold start. Built in memory with the stack's options.

const ZIP_FUNCTIONS = ['api', 'tools', 'ws', 'scheduler', 'checker', 'results', 'notifier', 'daily', 'migrate'];
// `node:` covers modules newer than the Node running the tests (node:sqlite exists on Lambda's Node 24).
const isBuiltin = (path: string) => path.startsWith('node:') || builtinModules.includes(path);

async function externalImports(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    outfile: 'index.mjs',
    write: false,
    bundle: true,
    platform: houseBundle.platform,
    target: houseBundle.target,
    format: houseBundle.format,
    mainFields: houseBundle.mainFields,
    external: houseBundle.externalModules,
    metafile: true,
    logLevel: 'silent',
  });
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
  return [...new Set(imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => `${i.kind === 'dynamic-import' ? 'dynamic ' : ''}${i.path}`))];
}

describe('zip function bundles', () => {
  for (const name of ZIP_FUNCTIONS) {
    const entry = join(projectRoot, 'functions', `${name}.ts`);
    it(`functions/${name}.ts needs nothing outside its bundle at load time`, async () => {
      const statics = (await externalImports(entry)).filter((i) => !i.startsWith('dynamic '));
      expect(statics).toEqual([]);
    });
  }
});
