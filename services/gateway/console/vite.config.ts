import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is built once into static files the gateway serves at /console/ (see console-routes.ts). The CSP there
 * forbids inline scripts and styles, so nothing is inlined: every asset is a hashed file under /console/assets/.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite` in this folder, with a gateway on :8080, for work on the console with hot reload.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
