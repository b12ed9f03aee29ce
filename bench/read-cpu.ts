// The four read operations driven in-process through yoga.fetch, on the ad-hoc (Pothos) path or with --compiled the compiled one: no
// HTTP and no load generator in the way, so the figure is the server's own work, Node CPU per
// request (process.cpuUsage), which a busy machine disturbs far less than req/s under autocannon.
// For measuring one change to the Pothos path against another, run back to back:
//   NODE_ENV=production npx tsx bench/read-cpu.ts [--ops ViewerAccounts,…] [--requests 2000] [--concurrency 16] [--full] [--compiled]
// For a profile: NODE_ENV=production node --max-semi-space-size=64 --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/read-cpu.ts
// NODE_ENV=production as `npm start` (graphql-js' instanceOf runs cross-realm checks otherwise,
// 2–3 % of the CPU, and Pothos checks for unused queries). Uses the benchmark's cluster
// (bench/database.ts); run it while `npm run bench` is not running.
import { parseArgs } from 'node:util';
import { createDatabase } from '../src/db/client.js';
import { buildYoga } from '../src/yoga.js';
import { endOfPage, OPS, requestBody, type Op } from './workload.js';
import { inProcessBench, readVariants, sessionTokens } from './variants.js';

const { values: args } = parseArgs({
  options: {
    ops: { type: 'string', default: OPS.join(',') },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    full: { type: 'boolean', default: false },
    /** The compiled read path (COMPILED_OPERATIONS=true) instead of the ad-hoc one. */
    compiled: { type: 'boolean', default: false },
  },
});
if (process.env.NODE_ENV !== 'production') throw new Error('Run with NODE_ENV=production, as the server runs (see the top of this file)');
const total = Number(args.requests);
const concurrency = Number(args.concurrency);

const { db, tokens, owner } = await inProcessBench(args.full!);
try {
  // The same variants as bench/run.ts.
  const variants = await readVariants(owner, sessionTokens(owner, tokens));
  await owner.end();

  const database = createDatabase({ url: db.authenticatorUrl, poolMax: 10, txMaxWaitMs: 10_000, txTimeoutMs: 15_000 });
  // The ad-hoc path (compiled persisted operations off, as COMPILED_OPERATIONS=false), or with --compiled the compiled one.
  const yoga = buildYoga({ database, tokens, logging: true, compiledOperations: args.compiled });
  const fetchBody = async (body: string, token: string) =>
    (await yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })).text();
  for (const v of variants) v.cursors.fortress = endOfPage('fortress', JSON.parse(await fetchBody(requestBody('fortress', 'AccountStatement', v, false), v.token)).data);

  for (const op of args.ops!.split(',') as Op[]) {
    let i = 0;
    let errors = 0;
    let bytes = 0;
    const drive = async (n: number) => {
      let left = n;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const v = variants[(i += 1) % variants.length]!;
          const text = await fetchBody(requestBody('fortress', op, v), v.token);
          bytes += text.length;
          if (text.includes('"errors"') && (errors += 1) <= 3) console.log(text.slice(0, 300));
        }
      }));
    };
    await drive(Math.min(500, total)); // warm-up: JIT, prepared statements, the pool, the token cache
    bytes = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await drive(total);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `${op.padEnd(17)} ${total} requests, concurrency ${concurrency}: ${(total / (ms / 1000)).toFixed(0).padStart(5)}/s in-process; ` +
        `Node CPU ${((cpu.user + cpu.system) / total / 1000).toFixed(3)} ms/request; ${(bytes / total / 1024).toFixed(1)} kB/response; errors ${errors}`,
    );
  }
  await database.close();
} finally {
  await db.stop();
}
