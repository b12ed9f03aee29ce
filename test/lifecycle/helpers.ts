// Real processes for the lifecycle tests: the server exactly as `npm start`
// runs it, the CLI through npm, temporary data directories and free ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A temporary FORTRESS_DATA_DIR (readable by the `postgres` OS user the cluster runs as under root). */
export async function tempDataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'fortress-lifecycle-'));
  await chmod(dir, 0o755);
  return dir;
}

/** The postmaster of a data directory, if one is running (from its postmaster.pid). */
export function postmasterOf(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'pgdata', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 15_000) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; ) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Stops whatever a test left running in dir, then deletes it. */
export async function removeDataDir(dir: string) {
  const pid = postmasterOf(dir);
  if (pid) {
    process.kill(pid, 'SIGINT');
    await waitUntil('the leftover postmaster to stop', () => postmasterOf(dir) === undefined).catch(() => process.kill(pid, 'SIGKILL'));
  }
  await rm(dir, { recursive: true, force: true });
}

export interface Proc {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output: () => string;
  /** Resolves when the output matches, rejects if the process exits first. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function run(command: string, args: string[], env: Record<string, string | undefined>): Proc {
  // A clean environment: no DATABASE_URL, PORT, etc. leaking in from the caller.
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
  const child = spawn(command, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
      const check = () => {
        const m = pattern.exec(out);
        if (m) done(undefined, m[0]);
        else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`exited before ${pattern}; output:\n${out}`));
      };
      const done = (err?: Error, value?: string) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolve(value!);
      };
      listeners.add(check);
      check();
    });
  return { child, output: () => out, waitFor, exited };
}

/** The server, started with exactly the command of package.json's `start` script (its prestart is the suite's pretest). */
export function startServer(env: Record<string, string | undefined>): Proc {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = pkg.scripts.start!.split(' ');
  return run(command!, args, env);
}

/** `npm run <script>` to completion. */
export async function npmRun(script: string, env: Record<string, string | undefined>) {
  const proc = run('npm', ['run', '--silent', script], env);
  const { code } = await proc.exited;
  return { code, output: proc.output() };
}

/** Output lines that matter (npm's own config warnings are noise). */
export const meaningfulLines = (output: string) =>
  output.split('\n').filter((l) => l.trim() && !/^npm warn/i.test(l));
