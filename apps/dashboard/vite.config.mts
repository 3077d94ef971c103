import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard's build: one page, every script and style bundled (no CDN), written to
 * dist/dashboard, which the api serves at `/`. `nest build` empties dist first, so `npm run build`
 * runs this after it.
 */
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  // Single files of the libraries the service shares with the page (the cooperative's clock, what
  // an id may be): `@loanflow/<lib>/<file>`, never a library's whole index.
  resolve: { alias: [{ find: /^@loanflow\/([a-z-]+)\/(.+)$/, replacement: resolve(here, '../../libs/$1/src/$2') }] },
  build: {
    outDir: resolve(here, '../../dist/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: true,
  },
  server: { proxy: { '^/(me|loans|reports|compliance|borrowers|config|staff|health)': 'http://127.0.0.1:3000' } },
});
