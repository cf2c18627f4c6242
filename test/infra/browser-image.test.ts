import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handlerBuildOptions, IMAGE_PACKAGES, imagePackageJson } from '../../lib/browser-image.ts';
import { houseBundle } from '../../lib/bundling.ts';
import { projectRoot } from '../../lib/house-function.ts';

// The browser container: playwright-core drives @sparticuz/chromium's Chromium, so both come from the
// lockfile and their Chromium majors must agree; the image installs only what the bundle leaves out.

const read = (...path: string[]) => readFileSync(join(projectRoot, ...path), 'utf8');
const manifestSchema = z.object({ version: z.string(), dependencies: z.record(z.string(), z.string()).optional() });
const browsersSchema = z.object({ browsers: z.array(z.object({ name: z.string(), browserVersion: z.string().optional() })) });
const major = (version: string) => Number(version.split('.')[0]);

describe('browser image versions', () => {
  it("pins playwright-core to the release built for @sparticuz/chromium's Chromium", () => {
    const sparticuz = manifestSchema.parse(JSON.parse(read('node_modules', '@sparticuz', 'chromium', 'package.json')));
    const browsers = browsersSchema.parse(JSON.parse(read('node_modules', 'playwright-core', 'browsers.json')));
    const playwrightChromium = browsers.browsers.find((b) => b.name === 'chromium')?.browserVersion;
    expect(playwrightChromium, 'playwright-core declares no Chromium version').toBeDefined();
    // @sparticuz/chromium's major is the Chromium major it ships.
    expect(major(playwrightChromium ?? ''), `playwright-core expects Chromium ${playwrightChromium}, @sparticuz/chromium is ${sparticuz.version}`).toBe(
      major(sparticuz.version),
    );
  });

  it('pins both packages exactly in package.json, at the versions installed and locked', () => {
    const pkg = manifestSchema.parse(JSON.parse(read('package.json')));
    const lock = imagePackageJson(read('package-lock.json'));
    for (const name of IMAGE_PACKAGES) {
      const installed = manifestSchema.parse(JSON.parse(read('node_modules', ...name.split('/'), 'package.json'))).version;
      expect(pkg.dependencies?.[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(pkg.dependencies?.[name], name).toBe(installed);
      expect(lock.dependencies[name], name).toBe(installed);
    }
  });

  it("gives the image's package.json every dependency of those packages at its locked version", () => {
    const image = imagePackageJson(read('package-lock.json'));
    expect(Object.keys(image.dependencies).sort()).toEqual([...IMAGE_PACKAGES].sort());
    // @sparticuz/chromium unpacks its binary with tar-fs.
    expect(image.overrides['tar-fs']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('browser image build', () => {
  const dockerfile = read('functions', 'browser', 'Dockerfile');

  it('builds on the Lambda Node 24 base image and bundles through lib/browser-image.ts', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=public\.ecr\.aws\/lambda\/nodejs:24$/m);
    expect(dockerfile).toContain('npx tsx lib/browser-image.ts /out');
    expect(dockerfile).toContain('CMD ["functions/browser/handler.handler"]');
    // No second version source beside the lockfile.
    expect(dockerfile).not.toMatch(/VERSION=|@\d/);
  });

  it('leaves out of the handler bundle only what the image installs', async () => {
    const result = await build({ ...handlerBuildOptions(projectRoot, '/tmp/unused'), write: false, metafile: true, logLevel: 'silent' });
    const isBuiltin = (path: string) => path.startsWith('node:') || builtinModules.includes(path);
    const external = Object.values(result.metafile?.outputs ?? {})
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !isBuiltin(i.path))
      .map((i) => i.path.split('/').slice(0, i.path.startsWith('@') ? 2 : 1).join('/'));
    // The launcher loads playwright-core on its first launch (a dynamic import, counted here too;
    // @sparticuz/chromium is imported by a computed name, which no bundler sees).
    expect(external).toContain('playwright-core');
    for (const name of new Set(external)) expect(IMAGE_PACKAGES, name).toContain(name);
  });

  it('targets the Lambda runtime the zip functions use', () => {
    expect(houseBundle.target).toBe('node24');
    expect(handlerBuildOptions(projectRoot, '/out').target).toBe(houseBundle.target);
  });
});
