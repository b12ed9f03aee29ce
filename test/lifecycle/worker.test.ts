// `npm run worker` as a process (the command of package.json's `worker`
// script), in production mode on a database of its own in the suite's
// cluster: it logs in with AUTHENTICATOR_URL only, becomes fortress_worker,
// registers the schedule, and stops with exit 0 on SIGTERM and SIGINT.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase } from '../helpers.js';
import { meaningfulLines, ROOT, run } from './helpers.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let su: pg.Client;

const startWorker = (env: Record<string, string>) => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = pkg.scripts.worker!.split(' ');
  return run(command!, args, env);
};

beforeAll(async () => {
  db = await freshDatabase('worker');
  await migrate(db.ownerUrl);
  su = new pg.Client({ connectionString: inject('superuserUrl') });
  await su.connect();
});
afterAll(async () => {
  await su?.end();
  await db?.drop();
});

describe('npm run worker', { timeout: 60_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`runs as fortress_worker through the server login, and exits 0 on ${signal}`, async () => {
      const worker = startWorker({ NODE_ENV: 'production', AUTHENTICATOR_URL: db.authenticatorUrl });
      try {
        await worker.waitFor(/Fortress worker running as fortress_worker/);
        await worker.waitFor(/Worker connected and looking for jobs/);
        const { rows } = await su.query(
          `select distinct usename from pg_stat_activity where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
          [db.name],
        );
        expect(rows.map((r) => r.usename)).toEqual(['fortress_authenticator']);
        // The schedule is registered in the queue, which only fortress_worker can read.
        const queue = new pg.Client({ connectionString: db.ownerUrl, options: '-c role=fortress_worker' });
        await queue.connect();
        try {
          const { rows: known } = await queue.query(`select identifier from graphile_worker._private_known_crontabs order by 1`);
          expect(known.map((r) => r.identifier)).toEqual(['expire_carts', 'expire_orders', 'webhook_deliver', 'webhook_fan_out']);
        } finally {
          await queue.end();
        }
      } finally {
        worker.child.kill(signal);
      }
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.output()).toContain(`${signal}: stopping`);
      expect(worker.output()).not.toMatch(/\[worker\].*(error|Error)/);
    });
  }

  it('in production without AUTHENTICATOR_URL or WORKER_URL: exit 1, one line naming them', async () => {
    const worker = startWorker({ NODE_ENV: 'production', DATABASE_URL: db.ownerUrl, AUTHENTICATOR_PASSWORD: 'a-long-authenticator-password' });
    expect((await worker.exited).code).toBe(1);
    expect(meaningfulLines(worker.output())).toEqual([expect.stringMatching(/^Invalid environment: AUTHENTICATOR_URL: required with NODE_ENV=production, or WORKER_URL/)]);
  });
});
