// Copies uPlot from its npm package into frontend/vendor/uplot, minified as an ES module. The copy is
// committed so `npm start`, the tests and the S3 deploy need no build step; a test keeps it equal to
// what this script makes from the pinned package. Run: npm run vendor
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const require = createRequire(import.meta.url);
export const vendorDir = fileURLToPath(new URL('../vendor/uplot/', import.meta.url));

/** The vendored files (path relative to frontend/vendor/uplot -> content), made from node_modules. */
export async function buildVendorFiles(): Promise<Map<string, string>> {
  const pkgDir = dirname(require.resolve('uplot/package.json'));
  const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as { version: string; license: string };
  const source = await readFile(join(pkgDir, 'dist', 'uPlot.esm.js'), 'utf8');
  const min = await transform(source, {
    minify: true,
    format: 'esm',
    target: 'es2020',
    legalComments: 'none',
    banner: `/*! uPlot ${pkg.version} | (c) Leon Sorokin | ${pkg.license} License, see LICENSE | https://github.com/leeoniya/uPlot */`,
  });
  return new Map([
    ['uPlot.esm.min.js', min.code],
    ['uPlot.min.css', await readFile(join(pkgDir, 'dist', 'uPlot.min.css'), 'utf8')],
    ['LICENSE', await readFile(join(pkgDir, 'LICENSE'), 'utf8')],
    // Type-checks `import uPlot from '.../uPlot.esm.min.js'` against the package's own declarations.
    ['uPlot.esm.min.d.ts', `// uPlot ${pkg.version}: types from the npm package.\nimport uPlot from 'uplot';\nexport default uPlot;\n`],
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await mkdir(vendorDir, { recursive: true });
  for (const [name, content] of await buildVendorFiles()) await writeFile(join(vendorDir, name), content);
  console.log(`wrote ${vendorDir}`);
}
