// `npm run reconcile [--repair]` against a database of its own in the suite's
// cluster, seeded with the demo data (whose history went through the ledger
// functions): zero drift on the seed, exit 3 with a drift injected as the
// owner and in report mode, exit 0 after --repair, and nothing repaired twice.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/db/seed.js';
import { freshDatabase } from '../helpers.js';
import { meaningfulLines, run } from './helpers.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let owner: pg.Client;
// The suite's authenticator password: migrate sets it cluster-wide, so it must stay the same.
const authenticatorPassword = decodeURIComponent(new URL(inject('authenticatorUrl')).password);

const reconcile = async (...args: string[]) => {
  const proc = run('node', ['--import', 'tsx', 'src/db/cli.ts', 'reconcile', ...args], {
    DATABASE_URL: db.ownerUrl,
    AUTHENTICATOR_PASSWORD: authenticatorPassword,
  });
  const { code } = await proc.exited;
  return { code, lines: meaningfulLines(proc.output()) };
};

beforeAll(async () => {
  db = await freshDatabase('reconcile');
  await migrate(db.ownerUrl, { authenticatorPassword });
  expect(await seedDemo(db.ownerUrl)).toBe(true);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await db?.drop();
});

describe('npm run reconcile', { timeout: 60_000 }, () => {
  it('reports zero drift and balanced journals on the demo seed, which has real ledger history', async () => {
    const { rows } = await owner.query(
      `select count(*) filter (where kind = 'deposit')::int as deposits, count(*) filter (where kind = 'transfer')::int as transfers,
              count(*) filter (where kind = 'withdrawal')::int as withdrawals, count(*) filter (where kind = 'reversal')::int as reversals
         from transfers`,
    );
    expect(rows[0].deposits).toBeGreaterThan(0);
    expect(rows[0].transfers).toBeGreaterThan(0);
    expect(rows[0].withdrawals).toBeGreaterThan(0);
    // Per demo tenant: two corrections and one refunded order.
    expect(rows[0].reversals).toBe(6);
    const { code, lines } = await reconcile();
    expect(lines.at(-1)).toMatch(/^\d+ accounts checked: 0 drifted; 0 journals not summing to zero$/);
    expect(code).toBe(0);
  });

  it('exits 3 with a drift table in report mode, repairs with --repair (exit 0), and a second run repairs nothing', async () => {
    const { rows } = await owner.query(
      `select a.id, t.slug from accounts a join tenants t on t.id = a.tenant_id where a.name = 'Wallet' order by t.slug, a.id limit 1`,
    );
    const [{ id, slug }] = rows;
    await owner.query('update accounts set balance = balance + 12.34 where id = $1', [id]);

    const report = await reconcile();
    expect(report.code).toBe(3);
    expect(report.lines[0]).toMatch(/^tenant\s+account\s+name\s+currency\s+recorded\s+from entries\s+drift\s+repaired$/);
    expect(report.lines).toContainEqual(expect.stringMatching(new RegExp(`^${slug}\\s+${id}\\s+Wallet\\s+BRL\\s+\\S+\\s+\\S+\\s+12\\.34\\s+no$`)));
    expect(report.lines.at(-1)).toMatch(/1 drifted \(report only: run with --repair to fix\)/);

    const repair = await reconcile('--repair');
    expect(repair.lines).toContainEqual(expect.stringMatching(new RegExp(`^${slug}\\s+${id}\\s+.*12\\.34\\s+yes$`)));
    expect(repair.lines.at(-1)).toMatch(/1 drifted, 1 repaired, 0 left; 0 journals/);
    expect(repair.code).toBe(0);
    expect((await owner.query(`select count(*)::int as n from events_outbox where event_type = 'BalancesReconciled' and aggregate_id = $1`, [id])).rows[0].n).toBe(1);

    const again = await reconcile('--repair');
    expect(again.lines.at(-1)).toMatch(/0 drifted, 0 repaired, 0 left/);
    expect(again.code).toBe(0);
    expect((await owner.query(`select count(*)::int as n from events_outbox where event_type = 'BalancesReconciled'`)).rows[0].n).toBe(1);
  });

  it('exits 3 when a journal does not sum to zero, even with --repair', async () => {
    const { rows } = await owner.query(`select id, transfer_id from transactions where type = 'credit' and transfer_id is not null order by id limit 1`);
    await owner.query('update transactions set amount = amount + 1 where id = $1', [rows[0].id]);
    try {
      const { code, lines } = await reconcile('--repair');
      expect(code).toBe(3);
      expect(lines).toContainEqual(expect.stringContaining(rows[0].transfer_id));
      expect(lines.at(-1)).toMatch(/; 1 journals not summing to zero$/);
    } finally {
      await owner.query('update transactions set amount = amount - 1 where id = $1', [rows[0].id]);
      // The repair above set the credited account to the changed entries: put it back.
      await reconcile('--repair');
    }
  });
});
