import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The Gatehouse server serves `dist/` with a Content-Security-Policy of
// `script-src 'self'; style-src 'self'`, so the build must emit every script
// and stylesheet as a file: no inlined assets and no inline module preload code.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // `npm start` with PUBLIC_URL=http://127.0.0.1:5173 serves the API to this page, because
    // the server accepts unsafe requests only from its public origin.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
