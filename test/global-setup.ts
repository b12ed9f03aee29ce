// Starts a fresh embedded PostgreSQL in a temporary directory (deleted
// afterwards), migrates it once, and hands the connection facts to the tests.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../src/db/setup.js';
import { freePort } from './lifecycle/helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    ownerUrl: string;
    authenticatorUrl: string;
    jwtSecret: string;
    /** The cluster's superuser, for tests that need a database of their own. */
    superuserUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'fortress-test-'));
  // The cluster runs as the `postgres` OS user when we are root: let it in.
  await chmod(dir, 0o755);
  const db = await prepareDatabase(
    { FORTRESS_DATA_DIR: dir, EMBEDDED_PG_PORT: await freePort() },
    { persistent: false, database: 'fortress_test' },
  );
  project.provide('ownerUrl', db.ownerUrl);
  project.provide('authenticatorUrl', db.authenticatorUrl);
  project.provide('jwtSecret', db.jwtSecret!);
  project.provide('superuserUrl', db.superuserUrl!);
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
