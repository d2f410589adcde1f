import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The server serves ui/dist under /app/ (server/http/routes/ui-static.ts). The CSP allows only our
// own scripts, so the build must not inline any: Vite's module preload polyfill is bundled, not inlined.
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
