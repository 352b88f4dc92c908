import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // examples/ import the package by name, as users do; in this repository that is src/.
  resolve: { alias: { 'qlik-oauth-clients-mock': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'examples/vitest/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
