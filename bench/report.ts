// Rewrites the generated section of BENCHMARKS.md from a results file; the
// hand-written optimisation log around it is kept.
import { readFile, writeFile } from 'node:fs/promises';
import type { Cell } from './run.js';
import { OPS, WRITE_OPS, type System } from './workload.js';

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

export interface Results {
  duration: number;
  dataset: Record<string, number>;
  machine: Record<string, unknown>;
  versions: Record<string, unknown>;
  cells: Cell[];
  ledger?: { ok: boolean; lines: string[] };
  stock?: { ok: boolean; lines: string[] };
  at: string;
}

/** Both passes (A B C … C B A) of one system, operation and concurrency, combined. */
export function combine(cells: Cell[], system: System, op: string, connections: number) {
  const runs = cells.filter((c) => c.system === system && c.op === op && c.connections === connections);
  if (!runs.length) return undefined;
  const mean = (f: (c: Cell) => number) => runs.reduce((s, c) => s + f(c), 0) / runs.length;
  return {
    rps: mean((c) => c.rps),
    p50: mean((c) => c.p50),
    p99: Math.max(...runs.map((c) => c.p99)),
    errors: runs.reduce((s, c) => s + c.errors, 0),
    stmts: mean((c) => c.statementsPerRequest),
    // Over both passes; undefined when a pass had no execution-path counter (n/a).
    compiledShare: runs.every((c) => c.executionPath)
      ? (() => {
          const compiled = runs.reduce((s, c) => s + c.executionPath!.compiled, 0);
          const all = compiled + runs.reduce((s, c) => s + c.executionPath!.pothos, 0);
          return all ? compiled / all : undefined;
        })()
      : undefined,
  };
}

export function table(results: Results) {
  const lines: string[] = [];
  const connections = [...new Set(results.cells.filter((c) => OPS.includes(c.op)).map((c) => c.connections))];
  const fmt = (x?: ReturnType<typeof combine>) => (x ? `${x.rps.toFixed(0)} (${x.p50.toFixed(0)} / ${x.p99.toFixed(0)})` : '—');
  const ratio = (a?: ReturnType<typeof combine>, b?: ReturnType<typeof combine>) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : '—');
  for (const conns of connections) {
    lines.push(`#### ${conns} connections`, '');
    lines.push(
      '| operation | Fortress compiled req/s (p50 / p99 ms) | Fortress ad-hoc (Pothos) | PostGraphile v5 | raw floor | compiled / PostGraphile | compiled / floor | ad-hoc / PostGraphile | served compiled (compiled / ad-hoc server) | SQL statements per request besides BEGIN/COMMIT (F / ad-hoc / PG / floor) | errors |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const op of OPS) {
      const f = combine(results.cells, 'fortress', op, conns);
      const a = combine(results.cells, 'fortress-adhoc', op, conns);
      const g = combine(results.cells, 'postgraphile', op, conns);
      const r = combine(results.cells, 'floor', op, conns);
      const st = [f, a, g, r].map((x) => (x ? x.stmts.toFixed(1) : '—')).join(' / ');
      const errors = [f, a, g, r].reduce((s, x) => s + (x?.errors ?? 0), 0);
      const share = [f, a].map((x) => (!x ? '—' : x.compiledShare === undefined ? 'n/a' : `${(x.compiledShare * 100).toFixed(1)} %`)).join(' / ');
      lines.push(`| ${op} | ${fmt(f)} | ${fmt(a)} | ${fmt(g)} | ${fmt(r)} | ${ratio(f, g)} | ${ratio(f, r)} | ${ratio(a, g)} | ${share} | ${st} | ${errors} |`);
    }
    lines.push('');
  }
  lines.push(
    '"served compiled": requests counted by `fortress_execution_path_total{path="compiled"}` over all requests counted in the measured passes (read from `/metrics` before and after each pass); n/a when the server has no such counter.',
    '',
  );
  const writes = writesTable(results);
  if (writes) lines.push(writes);
  return lines.join('\n');
}

/** M1 (Transfer) and M2 (Checkout): Fortress and the floor only; transfers or checkouts (add + checkout) per second, p50 / p99 ms per request. */
export function writesTable(results: Results) {
  const connections = [...new Set(results.cells.filter((c) => WRITE_OPS.includes(c.op)).map((c) => c.connections))];
  if (!connections.length) return '';
  const lines = [
    '#### Writes (M1, M2)',
    '',
    'Transfer: transfers/s. Checkout: checkouts/s, each an `addCartItem` request then a `checkout` request (one unit); latencies and statements are per request.',
    '',
    '| operation | connections | Fortress ops/s (p50 / p99 ms) | raw floor | Fortress / floor | SQL statements per request besides BEGIN/COMMIT (F / floor) | errors |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const op of WRITE_OPS) {
    for (const conns of connections) {
      const f = combine(results.cells, 'fortress', op, conns);
      const r = combine(results.cells, 'floor', op, conns);
      const fmt = (x?: ReturnType<typeof combine>) => (x ? `${x.rps.toFixed(0)} (${x.p50.toFixed(0)} / ${x.p99.toFixed(0)})` : '—');
      const ratio = f && r ? `${(f.rps / r.rps).toFixed(2)}×` : '—';
      const st = [f, r].map((x) => (x ? x.stmts.toFixed(1) : '—')).join(' / ');
      lines.push(`| ${op} | ${conns} | ${fmt(f)} | ${fmt(r)} | ${ratio} | ${st} | ${(f?.errors ?? 0) + (r?.errors ?? 0)} |`);
    }
  }
  if (results.ledger) lines.push('', `Ledger check after the run (as the owner): ${results.ledger.ok ? 'OK' : '**FAILED**'}; ${results.ledger.lines.join('; ')}.`);
  if (results.stock) lines.push('', `Stock check after the run (as the owner): ${results.stock.ok ? 'OK' : '**FAILED**'}; ${results.stock.lines.join('; ')}.`);
  lines.push('');
  return lines.join('\n');
}

export async function writeReport(results: Results, file: string) {
  const body = [
    START,
    `Run of ${results.at} (\`${file}\`), ${results.duration} s per cell in two interleaved passes (A B C … C B A).`,
    '',
    `Machine: ${JSON.stringify(results.machine)}`,
    '',
    `Versions: ${JSON.stringify(results.versions)}`,
    '',
    `Dataset: ${JSON.stringify(results.dataset)}`,
    '',
    table(results),
    END,
  ].join('\n');
  let doc = await readFile('BENCHMARKS.md', 'utf8').catch(() => `# Benchmarks\n\n${START}\n${END}\n`);
  if (!doc.includes(START)) doc += `\n${START}\n${END}\n`;
  doc = doc.slice(0, doc.indexOf(START)) + body + doc.slice(doc.indexOf(END) + END.length);
  await writeFile('BENCHMARKS.md', doc);
  console.log('updated BENCHMARKS.md');
}
