import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The API the dev server hands API paths to (`API_PROXY=http://127.0.0.1:3100 npm run dev:web`). */
const api = process.env.API_PROXY ?? 'http://127.0.0.1:3000';

/** API paths the dev server hands to the API (client routes live after "#", so nothing collides). */
const API_PATHS = [
  '/auth',
  '/users',
  '/targets',
  '/units',
  '/reviews',
  '/monitoring',
  '/alerts',
  '/audit',
  '/imports',
  '/departments',
  '/config',
  '/projections',
  '/jobs',
  '/health',
  '/indicator-template',
  '/docs',
  '/docs-json',
];

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    // WEB_OUT_DIR: another place for the build (the API serves it with CONSOLE_DIR)
    outDir: process.env.WEB_OUT_DIR ?? fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router's "use client" directives mean nothing in a client-only bundle
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(API_PATHS.map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
