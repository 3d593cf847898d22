/// <reference types="vitest/config" />
// Builds the dashboard into dist/ (index.html + hashed files under dist/assets/), which
// epcfleetd serves with a strict CSP: no inline scripts or styles may appear in the output.
// `npm run dev` proxies the API and the events WebSocket to a running epcfleetd
// (EPCFLEET_API, default https://127.0.0.1:8443; its self-signed certificate is accepted).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const api = process.env.EPCFLEET_API ?? 'https://127.0.0.1:8443';

export default defineConfig({
  plugins: [svelte()],
  // Component tests mount in jsdom: they need Svelte's client build, not its server one.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    // Keep every asset a file: inlined data: scripts would be refused by the CSP.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: api, secure: false, changeOrigin: false, ws: true },
      '/healthz': { target: api, secure: false },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
