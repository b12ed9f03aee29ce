// The Transfer mutation (M1) driven in-process through yoga.fetch: no HTTP and
// no load generator in the way, so the figures are the server's own work —
// Node CPU per request (process.cpuUsage) and the statements each request puts
// on the wire, BEGIN/COMMIT included. For profiling:
//   node --max-semi-space-size=64 --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/transfer-cpu.ts
// Options: --requests 3000 --concurrency 16 --full (the full dataset) --doc '<GraphQL>' (price a
// fixed document instead, e.g. 'mutation { __typename }' for the path around the resolver).
// Uses the benchmark's cluster (bench/database.ts); run it while `npm run bench` is not running.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDatabase } from '../src/db/client.js';
import { buildYoga } from '../src/yoga.js';
import { transferBody, transferInput, type TransferVariant } from './workload.js';
import { inProcessBench } from './variants.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    full: { type: 'boolean', default: false },
    doc: { type: 'string' },
  },
});
const total = Number(args.requests);
const concurrency = Number(args.concurrency);

const { db, tokens, owner } = await inProcessBench(args.full!);
try {
  // The same movers as bench/run.ts: members paying from their funded Wallet.
  const { rows: movers } = await owner.query(`
    select u.id as user_id, u.tenant_id,
           (select a.id from accounts a where a.user_id = u.id and a.name = 'Wallet' order by a.id limit 1) as from_id,
           (select array_agg(a.id) from accounts a where a.tenant_id = u.tenant_id and a.system_kind is null
               and a.id <> (select w.id from accounts w where w.user_id = u.id and w.name = 'Wallet' order by w.id limit 1)) as destinations,
           (select c.id from categories c where c.tenant_id = u.tenant_id and c.parent_id is not null order by random() limit 1) as category_id
      from users u join tenant_memberships m on m.user_id = u.id and m.role = 'member'
      join tenants t on t.id = u.tenant_id and t.slug like 'bench-%'
     order by random() limit 200`);
  await owner.end();
  const variants: TransferVariant[] = await Promise.all(
    movers.map(async (r) => ({
      token: (await tokens.sign({ userId: r.user_id, tenantId: r.tenant_id, role: 'member' })).token,
      tenantId: r.tenant_id, fromAccountId: r.from_id, destinations: r.destinations, categoryId: r.category_id,
    })),
  );

  // What reaches the wire: patched on the prototype before the pool's connections bind it, so
  // this sees the statements as sent (src/db/identity.ts merges BEGIN with the identity statement).
  const statements = new Map<string, number>();
  let counting = false;
  const protoQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
    if (counting) {
      const first = a[0] as string | { text?: string };
      const text = (typeof first === 'string' ? first : (first?.text ?? '')).replace(/\s+/g, ' ').slice(0, 80);
      statements.set(text, (statements.get(text) ?? 0) + 1);
    }
    return (protoQuery as (...x: unknown[]) => unknown).apply(this, a);
  } as typeof protoQuery;

  const database = createDatabase({ url: db.authenticatorUrl, poolMax: 10, txMaxWaitMs: 10_000, txTimeoutMs: 15_000 });
  const yoga = buildYoga({ database, tokens, logging: true });
  const run = randomBytes(4).toString('hex');
  let i = 0;
  let errors = 0;
  const one = async () => {
    const v = variants[Math.floor(Math.random() * variants.length)]!;
    const res = await yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
      body: args.doc ? JSON.stringify({ query: args.doc }) : transferBody('fortress', transferInput(v, `cpu-${run}-${(i += 1)}`)),
    });
    const text = await res.text();
    if (text.includes('"errors"') && (errors += 1) <= 3) console.log(text.slice(0, 300));
  };
  const drive = async (n: number) => {
    let left = n;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await one();
    }));
  };
  await drive(Math.min(500, total)); // warm-up: JIT, prepared statements, the pool, the token cache
  counting = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(total);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  counting = false;
  const per = (us: number) => (us / total / 1000).toFixed(3);
  console.log(
    `${total} requests, concurrency ${concurrency}: ${(total / (ms / 1000)).toFixed(0)}/s in-process; ` +
      `Node CPU ${per(cpu.user + cpu.system)} ms/request (user ${per(cpu.user)}, system ${per(cpu.system)}); errors ${errors}`,
  );
  let sent = 0;
  for (const [, n] of statements) sent += n;
  console.log(`statements on the wire per request, BEGIN/COMMIT included: ${(sent / total).toFixed(2)}`);
  for (const [text, n] of [...statements].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${(n / total).toFixed(2)}  ${text}`);
  await database.close();
} finally {
  await db.stop();
}
