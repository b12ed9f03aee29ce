// `npm start` as a process, on a temporary data directory and free ports:
// first run with GraphiQL, a second server on a taken port, a SIGKILLed
// server's leftover PostgreSQL, a clean SIGTERM, and a port held by
// something that is not this checkout's cluster. The steps share one data
// directory and run in order.
import { copyFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, meaningfulLines, postmasterOf, removeDataDir, startServer, tempDataDir, type Proc } from './helpers.js';

const noStack = (output: string) => expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('server lifecycle (embedded PostgreSQL)', { timeout: 60_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let first: Proc;
  const started: Proc[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  const start = (extra: Record<string, string> = {}) => {
    const p = startServer({ ...env, ...extra });
    started.push(p);
    return p;
  };

  beforeAll(async () => {
    dir = await tempDataDir();
    env = { FORTRESS_DATA_DIR: dir, PORT: String(await freePort()), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    for (const c of cleanup) await c();
    await removeDataDir(dir);
  });

  const url = () => `http://127.0.0.1:${env.PORT}/graphql`;
  const graphiqlPage = async () => {
    const res = await fetch(url(), { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const tokenIn = (html: string) => /Bearer ([\w-]+\.[\w-]+\.[\w-]+)/.exec(html)?.[1];

  it('first run: ready, GraphiQL from local assets with a token minted per page load, and says how to renew it', async () => {
    first = start();
    await first.waitFor(/Fortress ready/);
    await first.waitFor(/GraphiQL is signed in as alice@acme\.test .*minted each time the page loads.*reload the page/);

    const before = Math.floor(Date.now() / 1000);
    const html = await graphiqlPage();
    expect(html).toContain('renderYogaGraphiQL');
    // No script, stylesheet or icon from a CDN: the page must work offline.
    expect(html).not.toMatch(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net|cdnjs\.|esm\.sh|raw\.githubusercontent\.com/);
    expect(html).toMatch(/reload the page/);

    const token = tokenIn(html)!;
    expect(decodeJwt(token).iat).toBeGreaterThanOrEqual(before);
    await new Promise((r) => setTimeout(r, 1100));
    const again = tokenIn(await graphiqlPage())!;
    expect(again).not.toBe(token);
    expect(decodeJwt(again).iat!).toBeGreaterThan(decodeJwt(token).iat!);

    const res = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${again}` },
      body: JSON.stringify({ query: '{ viewer { user { email } } }' }),
    });
    expect(await res.json()).toEqual({ data: { viewer: { user: { email: 'alice@acme.test' } } } });
  });

  it('a second server on the same HTTP port exits 1 with one line, and the first keeps its database', async () => {
    const second = start();
    const { code } = await second.exited;
    expect(code).toBe(1);
    const lines = meaningfulLines(second.output()).filter((l) => !l.startsWith('[db]'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`${env.PORT}.*already in use.*PORT`))]);
    noStack(second.output());
    expect((await fetch(`http://127.0.0.1:${env.PORT}/ready`)).status).toBe(200);
  });

  it("another data directory is not let into this cluster, even knowing its password: port, directory and variables named", async () => {
    // The old code "adopted" any cluster on the port that accepted its superuser password.
    const other = await tempDataDir();
    cleanup.push(() => removeDataDir(other));
    await copyFile(path.join(dir, 'secrets.json'), path.join(other, 'secrets.json'));
    const intruder = start({ FORTRESS_DATA_DIR: other, PORT: String(await freePort()) });
    const { code } = await intruder.exited;
    expect(code).toBe(1);
    const out = intruder.output();
    expect(out).toContain(`port ${env.EMBEDDED_PG_PORT}`);
    expect(out).toContain(path.join(other, 'pgdata'));
    expect(out).toMatch(/EMBEDDED_PG_PORT/);
    expect(out).toMatch(/FORTRESS_DATA_DIR/);
    expect(out).not.toMatch(/Fortress ready|undefined/);
    noStack(out);
  });

  it('after a SIGKILL the next start stops the PostgreSQL left running, and SIGTERM stops everything', async () => {
    const leftover = postmasterOf(dir);
    expect(leftover).toBeDefined();
    first.child.kill('SIGKILL');
    await first.exited;
    await new Promise((r) => setTimeout(r, 200));
    expect(postmasterOf(dir), 'PostgreSQL outlives a SIGKILLed server').toBe(leftover);

    const next = start();
    await next.waitFor(/Fortress ready/);
    expect(next.output()).toMatch(new RegExp(`stopping the PostgreSQL left running in .* \\(pid ${leftover}\\)`));
    const fresh = postmasterOf(dir);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(leftover);

    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
    expect(postmasterOf(dir), 'a clean stop stops PostgreSQL').toBeUndefined();
  });

  it('Ctrl-C in a terminal (SIGINT to the server and PostgreSQL alike) stops promptly and cleanly', async () => {
    const server = start();
    await server.waitFor(/Fortress ready/);
    const postmaster = postmasterOf(dir)!;
    // The terminal signals the whole foreground process group; let PostgreSQL go first.
    process.kill(postmaster, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGINT');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    const { code, signal } = await server.exited;
    clearTimeout(timer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(postmasterOf(dir)).toBeUndefined();
  });

  it('a port held by something else: exits 1 naming the port, the data directory and the variables (not "undefined")', async () => {
    const other = await tempDataDir();
    cleanup.push(() => removeDataDir(other));
    const port = await freePort();
    const blocker: Server = createServer().listen(port, '127.0.0.1');
    cleanup.push(() => new Promise((r) => blocker.close(() => r())));
    const proc = start({ FORTRESS_DATA_DIR: other, EMBEDDED_PG_PORT: String(port), PORT: String(await freePort()) });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    const out = proc.output();
    expect(out).toContain(`port ${port}`);
    expect(out).toContain(path.join(other, 'pgdata'));
    expect(out).toMatch(/EMBEDDED_PG_PORT/);
    expect(out).toMatch(/FORTRESS_DATA_DIR/);
    expect(out).not.toMatch(/^undefined$/m);
    noStack(out);
  });
});

describe('server start-up failures', () => {
  it('an unreachable DATABASE_URL: exit 1, one line naming it, no pg stack', async () => {
    const dbPort = await freePort();
    const server = startServer({
      DATABASE_URL: `postgres://fortress_owner:owner-pw@127.0.0.1:${dbPort}/fortress`,
      AUTHENTICATOR_PASSWORD: 'a-long-authenticator-password',
      JWT_SECRET: 'a-secret-of-more-than-32-characters-long',
      PORT: String(await freePort()),
    });
    expect((await server.exited).code).toBe(1);
    expect(meaningfulLines(server.output())).toEqual([
      expect.stringMatching(new RegExp(`^Cannot connect to DATABASE_URL \\(postgres://fortress_owner:\\*\\*\\*@127\\.0\\.0\\.1:${dbPort}/fortress\\): .*ECONNREFUSED`)),
    ]);
  });
});
