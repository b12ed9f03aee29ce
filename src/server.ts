// Listens. Everything else is built in app.ts / yoga.ts.
// Start-up failures (configuration, an unreachable database, a taken port)
// print what to change, in plain lines, and exit 1; a clean stop (SIGINT,
// SIGTERM) stops the embedded PostgreSQL too.
import { createServer } from 'node:http';
import { startApp, type App } from './app.js';
import { ConfigError } from './config.js';

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

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  server.close();
  server.closeAllConnections();
  try {
    await app.close();
  } catch (e) {
    console.error(`stopping failed: ${(e as Error).message}`);
    process.exit(1);
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
