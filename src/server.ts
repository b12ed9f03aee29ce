// Listens. Everything else is built in app.ts / yoga.ts.
import { createServer } from 'node:http';
import { startApp } from './app.js';
import { ConfigError } from './config.js';

const started = Date.now();
let app;
try {
  app = await startApp(process.env, { log: (m) => console.log(`[db] ${m}`), demo: process.env.SEED_DEMO !== 'false' });
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
}
const { env, yoga, demo } = app;
const server = createServer(yoga);
server.listen(env.PORT, env.HOST, () => {
  const url = `http://localhost:${env.PORT}/graphql`;
  console.log(`\nFortress ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${url}${env.NODE_ENV === 'development' ? ' (GraphiQL)' : ''}`);
  if (demo.length) {
    console.log(`\nDemo users (password "${demo[0]!.password}"); GraphiQL is pre-authenticated as the first member.`);
    for (const d of demo) console.log(`  ${d.tenant.padEnd(7)} ${d.role.padEnd(7)} ${d.email}`);
    const member = demo.find((d) => d.role === 'member')!;
    console.log(`\nLog in (returns an access token and a refresh token):`);
    console.log(
      `  curl -s ${url} -H 'content-type: application/json' \\\n` +
        `    -d '{"query":"mutation { login(tenantSlug: \\"${member.tenant}\\", email: \\"${member.email}\\", password: \\"${member.password}\\") { accessToken refreshToken } }"}'`,
    );
    console.log(`\nThen send "authorization: Bearer <accessToken>". A ready-made token for ${member.email} (15 min):\n  ${member.token}\n`);
  }
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  server.close();
  server.closeAllConnections();
  await app!.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
