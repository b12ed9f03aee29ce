// Graceful shutdown of `npm start` (src/server.ts, src/lifecycle.ts) as a
// real process on a database of its own in the suite's cluster, in
// production mode with the embedded job worker on and a pool of 2:
// SIGTERM while 50 GraphQL requests are in flight finishes every one of
// them, /ready turns 503 at once, the listener closes (new connections are
// refused) and the process exits 0; in-flight requests past
// SHUTDOWN_TIMEOUT_MS are cut and the exit code is 1.
//
// The requests are held in flight deterministically: the test holds an
// ACCESS EXCLUSIVE lock on `accounts`, so the two pooled request
// transactions wait in PostgreSQL (seen in pg_stat_activity) and the other
// 48 wait for a connection in the server. A first completed response would
// only prove the server was up; the remaining 49 could all finish within
// milliseconds, before the signal even arrived.
import { connect } from 'node:net';
import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { freePort, startServer, type Proc } from './helpers.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let owner: pg.Pool;
let su: pg.Client;
let a: TenantFixture;
let token: string;
const started: Proc[] = [];

const QUERY = '{ accounts(first: 5) { edges { node { name currency } } } }';
const EXPECTED = { data: { accounts: { edges: [{ node: { name: 'x wallet', currency: 'BRL' } }] } } };

beforeAll(async () => {
  db = await freshDatabase('shutdown');
  await migrate(db.ownerUrl);
  owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  a = await createTenant(owner, 'shutdown');
  token = await a.token('x');
  su = new pg.Client({ connectionString: inject('superuserUrl') });
  await su.connect();
}, 60_000);
afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(started.map((p) => p.exited));
  await su?.end();
  await owner?.end();
  await db?.drop();
});

async function start(extra: Record<string, string>) {
  const port = await freePort();
  const server = startServer({
    NODE_ENV: 'production',
    AUTHENTICATOR_URL: db.authenticatorUrl,
    JWT_SECRET: inject('jwtSecret'),
    HOST: '127.0.0.1',
    PORT: String(port),
    DB_POOL_MAX: '2',
    // The worker's connections (and its stop) are part of what must shut down cleanly.
    WORKER_EMBEDDED: 'true',
    ...extra,
  });
  started.push(server);
  await server.waitFor(/Fortress ready/);
  return { server, base: `http://127.0.0.1:${port}` };
}

/** One GraphQL POST on a connection of its own: status, headers, body (or the network error). */
const graphqlRequest = (base: string) =>
  fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY }),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }));

/** The server's request transactions waiting for the test's lock. */
const waitingOnLock = async () =>
  Number(
    (
      await su.query(
        `select count(*) as n from pg_stat_activity where datname = $1 and usename = 'fortress_authenticator' and wait_event_type = 'Lock'`,
        [db.name],
      )
    ).rows[0].n,
  );

/** Whether a new TCP connection to the port is accepted. */
const accepts = (base: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** GET /ready over node:http, to see the raw `connection` header. */
const ready = (base: string) =>
  new Promise<{ status: number; connection?: string; body: unknown }>((resolve, reject) => {
    request(`${base}/ready`, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: JSON.parse(text) }));
    })
      .once('error', reject)
      .end();
  });

/** Holds `accounts` locked in an owner transaction until release(). */
async function lockAccounts() {
  const c = await owner.connect();
  await c.query('begin');
  await c.query('lock table accounts in access exclusive mode');
  return async () => {
    await c.query('commit');
    c.release();
  };
}

describe('SIGTERM', { timeout: 60_000 }, () => {
  it('drains 50 in-flight requests to completion: /ready 503 at once, new connections refused, workers and pool closed, exit 0', async () => {
    const { server, base } = await start({ SHUTDOWN_DELAY_MS: '1000', SHUTDOWN_TIMEOUT_MS: '20000' });
    expect(await ready(base)).toMatchObject({ status: 200, body: { status: 'ready' } });
    // Control: the query answers as expected before any lock.
    expect(await graphqlRequest(base)).toEqual({ status: 200, body: EXPECTED });

    const release = await lockAccounts();
    let settled = 0;
    const requests = Array.from({ length: 50 }, () => graphqlRequest(base).finally(() => (settled += 1)));
    try {
      // Both pooled connections are inside request transactions, blocked; the other 48 queue for one.
      for (let i = 0; (await waitingOnLock()) < 2; i += 1) {
        if (i > 200) throw new Error('the requests never reached the database');
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(settled).toBe(0);

      server.child.kill('SIGTERM');
      await server.waitFor(/SIGTERM: shutting down/);
      // Readiness fails at once, on a new connection during SHUTDOWN_DELAY_MS, and says so;
      // the connection is not kept alive.
      expect(await ready(base)).toEqual({ status: 503, connection: 'close', body: { status: 'shutting_down' } });
      // Then the listener closes: new connections are refused while the 50 are still running.
      for (let i = 0; await accepts(base); i += 1) {
        if (i > 100) throw new Error('the listener never closed');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(settled).toBe(0);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await release();
    }

    const results = await Promise.all(requests);
    expect(results.filter((r) => r.status !== 200 || JSON.stringify(r.body) !== JSON.stringify(EXPECTED))).toEqual([]);
    expect(results).toHaveLength(50);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/Stopped: every request finished/);
    // The pool and the worker's connections are closed: nothing of the server is left in the database.
    // (A backend notices its client's goodbye a moment later: poll briefly.)
    const sessions = async () =>
      Number((await su.query(`select count(*) as n from pg_stat_activity where datname = $1 and usename = 'fortress_authenticator'`, [db.name])).rows[0].n);
    for (let i = 0; (await sessions()) > 0 && i < 40; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(await sessions()).toBe(0);
  });

  it('in-flight requests past SHUTDOWN_TIMEOUT_MS are cut, with a clear line, and the exit code is 1', async () => {
    const { server, base } = await start({ SHUTDOWN_TIMEOUT_MS: '500' });
    const release = await lockAccounts();
    let requests: Promise<unknown>[] = [];
    try {
      requests = Array.from({ length: 3 }, () => graphqlRequest(base).then((r) => r, (e: Error) => e));
      for (let i = 0; (await waitingOnLock()) < 2; i += 1) {
        if (i > 200) throw new Error('the requests never reached the database');
        await new Promise((r) => setTimeout(r, 25));
      }
      server.child.kill('SIGTERM');
      await server.waitFor(/Shutdown timed out: 3 connection\(s\) still busy after SHUTDOWN_TIMEOUT_MS=500 ms were closed/);
    } finally {
      await release();
    }
    // Cut: the clients see the connection close, not an answer.
    for (const r of await Promise.all(requests)) expect(r).toBeInstanceOf(Error);
    expect((await server.exited).code).toBe(1);
  });
});
