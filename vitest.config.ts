import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CJS (main) and ESM (module) builds without an exports map:
  // Node loads the CJS one for our dependencies, Vite would pick the ESM one
  // for test files, and two graphql instances reject each other's types.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // One throwaway embedded PostgreSQL for the whole run, migrated once.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for the same Postgres.
    maxWorkers: 2,
  },
});
