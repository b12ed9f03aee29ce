import { builder } from './builder.js';
import { DOC } from './docs.js';

/** A row of support.ledger_entries (sql/support/views.sql). */
export interface MaskedLedgerEntryRow {
  id: string;
  account_id: string;
  type: string;
  status: string;
  amount: string;
  currency: string;
  occurred_at: Date;
  category: string | null;
  description: string | null;
  counterparty: string | null;
}

export const MaskedLedgerEntry = builder.objectRef<MaskedLedgerEntryRow>('MaskedLedgerEntry').implement({
  description: 'A ledger entry as support staff see it: amount, time, type, status and category; description and counterparty masked.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', description: DOC.rowId, resolve: (r) => r.id }),
    accountId: t.field({ type: 'UUID', description: 'The account (`MaskedAccount.rowId`).', resolve: (r) => r.account_id }),
    type: t.string({ description: '`debit`, `credit`, `transfer`, `fee` or `reversal`.', resolve: (r) => r.type }),
    status: t.string({ description: '`pending`, `posted`, `failed` or `reversed`.', resolve: (r) => r.status }),
    amount: t.field({ type: 'Decimal', description: 'The amount (exact, a Decimal string).', resolve: (r) => r.amount }),
    currency: t.string({ description: 'ISO 4217 code.', resolve: (r) => r.currency }),
    occurredAt: t.field({ type: 'DateTime', description: 'When it happened.', resolve: (r) => r.occurred_at }),
    category: t.string({ nullable: true, description: "The category's name; null when uncategorised.", resolve: (r) => r.category }),
    description: t.string({ nullable: true, description: 'Masked: the first character and `***`; null when there is none.', resolve: (r) => r.description }),
    counterparty: t.string({
      nullable: true,
      description: "Masked name of the other side's account (first character and `***`); null when there is none.",
      resolve: (r) => r.counterparty,
    }),
  }),
});
