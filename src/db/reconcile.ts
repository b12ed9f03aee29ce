// `npm run reconcile [--repair]`: every tenant's balances recomputed from their
// entries and every journal checked to sum to zero, as the schema owner
// (app.ledger_reconcile / app.ledger_unbalanced_journals in
// sql/functions/reconcile.sql, through the owner's owner_maintenance
// policies). Report only by default; --repair sets drifted balances to their
// entries' sum in one transaction (audited, one BalancesReconciled event per
// account). The admin-only `reconcileBalances` mutation is the same for one
// tenant, through RLS.
import pg from 'pg';

export interface ReconcileReport {
  accounts: number;
  /** Accounts whose recorded balance differed from their entries. */
  drifted: DriftRow[];
  /** Of those, the ones still drifting (not repaired). */
  unrepaired: number;
  unbalancedJournals: { tenant: string; transferId: string; entryCount: number; entriesSum: string }[];
}

export interface DriftRow {
  tenant: string;
  accountId: string;
  name: string;
  currency: string;
  recorded: string;
  entries: string;
  drift: string;
  repaired: boolean;
}

export async function reconcileAll(ownerUrl: string, opts: { repair?: boolean } = {}): Promise<ReconcileReport> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{
      tenant: string; account_id: string; name: string; currency: string; recorded: string; entries: string; drift: string; repaired: boolean;
    }>(
      `select t.slug as tenant, r.account_id, a.name, r.currency, trim_scale(r.recorded_balance)::text as recorded,
              trim_scale(r.entries_balance)::text as entries, trim_scale(r.drift)::text as drift, r.repaired
         from app.ledger_reconcile(null, $1, null) r
         join tenants t on t.id = r.tenant_id
         join accounts a on a.id = r.account_id
        order by t.slug, r.account_id`,
      [opts.repair ?? false],
    );
    const journals = await client.query<{ tenant: string; transfer_id: string; entry_count: number; entries_sum: string }>(
      `select t.slug as tenant, j.transfer_id, j.entry_count, trim_scale(j.entries_sum)::text as entries_sum
         from app.ledger_unbalanced_journals(null) j join tenants t on t.id = j.tenant_id order by t.slug, j.transfer_id`,
    );
    await client.query('commit');
    const drifted = rows
      .filter((r) => r.drift !== '0')
      .map((r) => ({ tenant: r.tenant, accountId: r.account_id, name: r.name, currency: r.currency, recorded: r.recorded, entries: r.entries, drift: r.drift, repaired: r.repaired }));
    return {
      accounts: rows.length,
      drifted,
      unrepaired: drifted.filter((r) => !r.repaired).length,
      unbalancedJournals: journals.rows.map((j) => ({ tenant: j.tenant, transferId: j.transfer_id, entryCount: j.entry_count, entriesSum: j.entries_sum })),
    };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}

/** The report as text: a table of drift per account, the unbalanced journals, a summary line. */
export function formatReport(report: ReconcileReport, repair: boolean): string {
  const lines: string[] = [];
  const table = (header: string[], body: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    lines.push(row(header), row(widths.map((w) => '-'.repeat(w))), ...body.map(row));
  };
  if (report.drifted.length) {
    table(
      ['tenant', 'account', 'name', 'currency', 'recorded', 'from entries', 'drift', 'repaired'],
      report.drifted.map((d) => [d.tenant, d.accountId, d.name, d.currency, d.recorded, d.entries, d.drift, d.repaired ? 'yes' : 'no']),
    );
    lines.push('');
  }
  if (report.unbalancedJournals.length) {
    table(
      ['tenant', 'journal (transfer)', 'entries', 'sum'],
      report.unbalancedJournals.map((j) => [j.tenant, j.transferId, String(j.entryCount), j.entriesSum]),
    );
    lines.push('');
  }
  const repaired = report.drifted.length - report.unrepaired;
  lines.push(
    `${report.accounts} accounts checked: ${report.drifted.length} drifted` +
      (repair ? `, ${repaired} repaired, ${report.unrepaired} left` : report.drifted.length ? ' (report only: run with --repair to fix)' : '') +
      `; ${report.unbalancedJournals.length} journals not summing to zero`,
  );
  return lines.join('\n');
}

/** Exit code: 0 when nothing is left to fix, 3 when drift remains or a journal does not sum to zero. */
export const reconcileExitCode = (report: ReconcileReport) => (report.unrepaired || report.unbalancedJournals.length ? 3 : 0);
