// The one description of how a zip function is bundled. lib/house-function.ts hands it to
// NodejsFunction; bench/bundles/run.ts and the browser image (lib/browser-image.ts) hand it to
// esbuild through houseEsbuildOptions, so the bench measures what ships.
import type { BuildOptions } from 'esbuild';

/** ESM output cannot `require`; some CommonJS dependencies still do, so give them one. */
export const esmRequireBanner =
  "import { createRequire as __pmCreateRequire } from 'node:module';const require = __pmCreateRequire(import.meta.url);";

export const houseBundle = {
  target: 'node24',
  format: 'esm' as const,
  platform: 'node' as const,
  /** Prefer ESM builds of dependencies so esbuild can tree-shake them. */
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  /** Maps without embedded sources stay small; the stack traces still point at file:line. */
  sourcesContent: false,
  banner: esmRequireBanner,
  /**
   * The AWS SDK is bundled (pinned versions, smaller and faster than the runtime's copy).
   * The browser stack lives only in the container image, never in a zip function.
   */
  externalModules: ['playwright-core', '@sparticuz/chromium', 'chromium-bidi', 'electron', 'pg-native'],
  outfileName: 'index.mjs',
};

/** houseBundle as esbuild's own options, for one entry written to `outfile`. */
export function houseEsbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: houseBundle.platform,
    target: houseBundle.target,
    format: houseBundle.format,
    mainFields: houseBundle.mainFields,
    minify: houseBundle.minify,
    sourcemap: houseBundle.sourceMap,
    sourcesContent: houseBundle.sourcesContent,
    banner: { js: houseBundle.banner },
    external: houseBundle.externalModules,
  };
}
