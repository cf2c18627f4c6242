// The one description of how a zip function is bundled. lib/house-function.ts hands it to
// NodejsFunction and bench/bundles/run.ts hands it to esbuild, so the bench measures what ships.

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
