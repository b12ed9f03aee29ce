// Listens. Everything else is built in app.ts / yoga.ts.
// Start-up failures (configuration, an unreachable database, a taken port)
// print what to change, in plain lines, and exit 1. SIGTERM / SIGINT drain:
// /ready turns 503 at once, the listener stays open SHUTDOWN_DELAY_MS more,
// then closes; in-flight requests get SHUTDOWN_TIMEOUT_MS to finish (else
// they are cut and the exit code is 1); then the embedded job worker, the
// pool and the embedded PostgreSQL stop, and the process exits 0.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApp, type App } from './app.js';
import { ConfigError } from './config.js';
import { DEMO_SUPPORT } from './db/seed.js';
import { closeServer } from './lifecycle.js';

function fail(e: unknown): never {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}

let app: App;
try {
  app = await startApp(process.env, { log: (m) => console.log(`[db] ${m}`) });
} catch (e) {
  fail(e);
}
const { env, yoga, demo } = app;
const server = createServer(yoga);
server.once('error', async (e: NodeJS.ErrnoException) => {
  await app.close().catch(() => {});
  if (e.code === 'EADDRINUSE') {
    fail(new ConfigError(`Cannot listen on ${env.HOST}:${env.PORT}: the port is already in use (another Fortress server?). Set PORT to a free port.`));
  }
  if (e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
    fail(new ConfigError(`Cannot listen on ${env.HOST}:${env.PORT} (${e.code}): set PORT / HOST to an address this process may use.`));
  }
  fail(e);
});
server.listen(env.PORT, env.HOST, () => {
  const url = `http://localhost:${env.PORT}/graphql`;
  console.log(`\nFortress ready in ${process.uptime().toFixed(1)}s: ${url}${env.NODE_ENV === 'development' ? ' (GraphiQL)' : ''}`);
  if (app.graphiqlNote) console.log(app.graphiqlNote);
  if (app.workerNote) console.log(app.workerNote);
  if (demo.length) {
    console.log(`\nDemo users (password "${demo[0]!.password}"):`);
    for (const d of demo) console.log(`  ${d.tenant.padEnd(7)} ${d.role.padEnd(7)} ${d.email}`);
    console.log(`  ${DEMO_SUPPORT.tenant.padEnd(7)} support ${DEMO_SUPPORT.email}  (platform support staff: supportLogin; ${DEMO_SUPPORT.tenant} granted access)`);
    const member = demo.find((d) => d.role === 'member')!;
    console.log(`\nLog in (returns an access token and a refresh token):`);
    console.log(
      `  curl -s ${url} -H 'content-type: application/json' \\\n` +
        `    -d '{"query":"mutation { login(input: { tenantSlug: \\"${member.tenant}\\", email: \\"${member.email}\\", password: \\"${member.password}\\" }) { accessToken refreshToken } }"}'`,
    );
    console.log(
      `\nThen send "authorization: Bearer <accessToken>". A ready-made token for ${member.email} (valid ${Math.round(env.ACCESS_TOKEN_TTL_SECONDS / 60)} min; \`npm run token\` prints new ones):\n  ${member.token}\n`,
    );
  }
});

/** How long stopping the job worker (its running jobs get 5 s), the pool and the embedded database may take. */
const CLOSE_TIMEOUT_MS = 20_000;
let stopping = false;
let forced = false;
const forceNow = new AbortController();
async function shutdown(signal: string) {
  if (stopping) {
    // A second signal (Ctrl-C twice): stop waiting, cut what is still running.
    if (!forced) {
      forced = true;
      console.log(`${signal} again: closing the remaining connections now`);
      forceNow.abort();
      server.closeAllConnections();
    }
    return;
  }
  stopping = true;
  const { SHUTDOWN_DELAY_MS: delay, SHUTDOWN_TIMEOUT_MS: timeout } = env;
  app.lifecycle.drain();
  console.log(
    `\n${signal}: shutting down: /ready answers 503${delay ? `; still accepting connections for ${delay} ms (SHUTDOWN_DELAY_MS)` : ''}; ` +
      `in-flight requests get up to ${timeout} ms (SHUTDOWN_TIMEOUT_MS)`,
  );
  if (delay) await sleep(delay, undefined, { signal: forceNow.signal }).catch(() => {});
  const { drained, cut } = await closeServer(server, forced ? 0 : timeout);
  if (!drained) {
    console.error(`Shutdown timed out: ${cut} connection(s) still busy after SHUTDOWN_TIMEOUT_MS=${timeout} ms were closed, their requests cut`);
  }
  try {
    // Bounded: a request cut above may still hold a pooled connection inside a statement that
    // never returns, and pool.end() waits for every connection to be released.
    await Promise.race([
      app.close(),
      sleep(CLOSE_TIMEOUT_MS, undefined, { ref: false }).then(() => {
        throw new Error(`the worker, the pool or the embedded database did not stop within ${CLOSE_TIMEOUT_MS} ms`);
      }),
    ]);
  } catch (e) {
    console.error(`stopping failed: ${(e as Error).message}`);
    process.exit(1);
  }
  console.log(drained && !forced ? 'Stopped: every request finished' : 'Stopped');
  process.exit(drained && !forced ? 0 : 1);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
