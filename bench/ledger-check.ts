// The ledger invariants around the write benchmark (M1), checked as the owner
// over the bench tenants: the sum of balances per tenant is what it was before
// the transfers (a transfer moves money inside a tenant), every journal's
// entries sum to zero (credit +amount, debit -amount) and it has exactly two,
// no account that is not a system account is below -credit_limit, and every
// balance equals the signed sum of its posted/reversed entries.
import pg from 'pg';

const BENCH = `(select id from tenants where slug like 'bench-%')`;

export type LedgerSnapshot = Map<string, { slug: string; total: string }>;

async function withOwner<T>(ownerUrl: string, f: (c: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** Sum of balances per bench tenant (exact numeric, as text). */
export function ledgerSnapshot(ownerUrl: string): Promise<LedgerSnapshot> {
  return withOwner(ownerUrl, async (c) => {
    const { rows } = await c.query(`select t.id, t.slug, coalesce(sum(a.balance), 0)::text as total
      from tenants t left join accounts a on a.tenant_id = t.id where t.id in ${BENCH} group by t.id, t.slug order by t.slug`);
    return new Map(rows.map((r) => [r.id as string, { slug: r.slug as string, total: r.total as string }]));
  });
}

export async function ledgerCheck(ownerUrl: string, before: LedgerSnapshot) {
  const after = await ledgerSnapshot(ownerUrl);
  return withOwner(ownerUrl, async (c) => {
    const lines: string[] = [];
    let ok = true;
    const changed = [...after].filter(([id, a]) => before.get(id)?.total !== a.total);
    const sample = [...after.values()].slice(0, 3).map((a) => `${a.slug} ${a.total}`).join(', ');
    lines.push(`sum of balances per tenant unchanged: ${changed.length ? 'NO' : 'yes'} (${after.size} tenants; e.g. ${sample})`);
    for (const [id, a] of changed) lines.push(`  ${a.slug}: ${before.get(id)?.total} -> ${a.total}`);
    ok &&= changed.length === 0;

    const { rows: posted } = await c.query(`select count(*)::int as n from transfers
      where tenant_id in ${BENCH} and kind = 'transfer' and description = 'bench transfer'`);
    lines.push(`bench transfers posted (all runs on this dataset): ${posted[0].n}`);

    const { rows: journals } = await c.query(`select count(*)::int as bad from (
        select j.id from transfers j left join transactions e on e.tenant_id = j.tenant_id and e.transfer_id = j.id
         where j.tenant_id in ${BENCH}
         group by j.id having count(e.id) <> 2 or coalesce(sum(case when e.type = 'credit' then e.amount else -e.amount end), 1) <> 0) x`);
    lines.push(`journals not summing to zero (or without exactly two entries): ${journals[0].bad}`);
    ok &&= journals[0].bad === 0;

    const { rows: negative } = await c.query(`select count(*)::int as n from accounts
      where tenant_id in ${BENCH} and system_kind is null and balance < -credit_limit`);
    const { rows: minimum } = await c.query(`select min(balance)::text as m from accounts where tenant_id in ${BENCH} and system_kind is null and type <> 'credit'`);
    lines.push(`non-system accounts below -creditLimit: ${negative[0].n} (lowest non-credit balance ${minimum[0].m})`);
    ok &&= negative[0].n === 0 && !(Number(minimum[0].m) < 0);

    const { rows: drift } = await c.query(`select count(*)::int as n from accounts a
      where a.tenant_id in ${BENCH} and a.balance <> coalesce((select sum(case when e.type = 'credit' then e.amount else -e.amount end)
        from transactions e where e.account_id = a.id and e.status in ('posted', 'reversed')), 0)`);
    lines.push(`accounts whose balance differs from the sum of their entries: ${drift[0].n}`);
    ok &&= drift[0].n === 0;
    return { ok, lines };
  });
}
