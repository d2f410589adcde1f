import { build as bundle } from 'esbuild';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build as buildUi } from 'vite';

// The build is self-contained: dist/server holds the bundled server, dist/ui the pages it serves
// (found from the bundle's own location, never the source tree's). ADR 0006-compiled-build.
const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'dist');

await rm(OUT, { recursive: true, force: true });
await buildUi({ configFile: resolve(ROOT, 'ui/vite.config.ts'), logLevel: 'warn', build: { outDir: resolve(OUT, 'ui') } });
await bundle({
  absWorkingDir: ROOT,
  entryPoints: { index: 'server/index.ts', 'purge-command': 'server/offboarding/purge-command.ts' },
  outdir: resolve(OUT, 'server'),
  bundle: true,
  // Sandbox mode's emulators load on demand: splitting keeps them in a chunk production never reads.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  define: { __UI_DIST__: JSON.stringify('../ui') },
  logLevel: 'warning',
});
