// Builds the browser container's code (the Dockerfile's build stage runs `npx tsx lib/browser-image.ts /out`):
// the handler bundled with the zip functions' esbuild options (lib/bundling.ts), and a package.json that
// installs the packages left outside the bundle at the lockfile's versions, their own dependencies included.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { z } from 'zod';
import { houseEsbuildOptions } from './bundling.ts';

/** Installed in the image: Playwright and the Lambda build of Chromium, loaded at run time. */
export const IMAGE_PACKAGES = ['playwright-core', '@sparticuz/chromium'] as const;
export const HANDLER_ENTRY = 'functions/browser/handler.ts';
/** Where the image's CMD (`functions/browser/handler.handler`) finds the handler. */
export const HANDLER_OUTPUT = 'functions/browser/handler.mjs';

export function handlerBuildOptions(projectRoot: string, outDir: string): BuildOptions {
  return { ...houseEsbuildOptions(join(projectRoot, HANDLER_ENTRY), join(outDir, HANDLER_OUTPUT)), logLevel: 'warning' };
}

const lockfileSchema = z.object({
  packages: z.record(z.string(), z.object({ version: z.string().optional(), dependencies: z.record(z.string(), z.string()).optional() })),
});

export interface ImagePackageJson {
  private: true;
  type: 'module';
  dependencies: Record<string, string>;
  /** Every package those need, pinned too, so a rebuild installs the same tree. */
  overrides: Record<string, string>;
}

/** The image's package.json: IMAGE_PACKAGES and everything they depend on, at the versions in package-lock.json. */
export function imagePackageJson(lockfileText: string): ImagePackageJson {
  const lock = lockfileSchema.parse(JSON.parse(lockfileText));
  const versions = new Map<string, string>();
  const visit = (name: string) => {
    if (versions.has(name)) return;
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`package-lock.json has no version of ${name}; run npm install`);
    versions.set(name, entry.version);
    for (const dependency of Object.keys(entry.dependencies ?? {})) visit(dependency);
  };
  for (const name of IMAGE_PACKAGES) visit(name);
  const roots = new Set<string>(IMAGE_PACKAGES);
  const pick = (keep: boolean) => Object.fromEntries([...versions].filter(([name]) => roots.has(name) === keep));
  return { private: true, type: 'module', dependencies: pick(true), overrides: pick(false) };
}

async function buildImage(projectRoot: string, outDir: string): Promise<void> {
  await build(handlerBuildOptions(projectRoot, outDir));
  mkdirSync(outDir, { recursive: true });
  const manifest = imagePackageJson(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8'));
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2];
  if (!outDir) throw new Error('usage: tsx lib/browser-image.ts <output directory>');
  await buildImage(process.cwd(), outDir);
}
