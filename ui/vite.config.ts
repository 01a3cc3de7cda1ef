/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app is served by Tauri from ui/dist (custom protocol) or, in development, from the Vite
// dev server on a fixed port that tauri.conf.json's devUrl names.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inlined assets as data: URLs beyond what the CSP allows; everything is local anyway.
    assetsInlineLimit: 0,
  },
  // Svelte must resolve its browser build under Vitest, else components mount the SSR build.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    // happy-dom on two shared cores: mounting the whole app takes a second or two.
    testTimeout: 20000,
  },
}));
