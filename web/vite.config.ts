import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const here = new URL('.', import.meta.url).pathname;

// Four single-page apps served by the platform: /console, /brain, /app, /open.
export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: resolve(here, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // antd marks modules "use client" for React Server Components; irrelevant in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        console: resolve(here, 'console/index.html'),
        brain: resolve(here, 'brain/index.html'),
        app: resolve(here, 'app/index.html'),
        open: resolve(here, 'open/index.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:8080', '/openapi.json': 'http://localhost:8080' },
  },
});
