// attachReceipt: a user records a receipt for a transfer (journal) or one of
// its ledger entries, either of which they can see; Receipt.transfer and
// Transfer.receipts read the link back under each viewer's policies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { authenticatorPool, count, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { as, fund } from '../ledger.js';
import { committedAs } from '../db/functions/helpers.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let sqlApp: pg.Pool;
let t: TenantFixture;
let other: TenantFixture;
/** Journals of tenant t: a deposit into x's account, one into y's (x does not see it), and x paying y. */
const journal = {} as Record<'depositX' | 'depositY' | 'payment' | 'foreign', string>;
let paymentDebit: string;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  sqlApp = authenticatorPool();
  t = await createTenant(owner, 'receipts');
  other = await createTenant(owner, 'receipts-other');
  journal.depositX = await fund(sqlApp, t, t.accountX, '100');
  journal.depositY = await fund(sqlApp, t, t.accountY, '50');
  journal.foreign = await fund(sqlApp, other, other.accountX, '10');
  journal.payment = await committedAs(sqlApp, as(t, 'x'), async (c) =>
    (await c.query('select transfer_id from app.post_transfer($1, $2, $3, $4, null, null, null)', [t.accountX, t.accountY, '12.5', 'BRL'])).rows[0]
      .transfer_id as string);
  // x's side of the payment names the fixture's merchant (y's side names none).
  paymentDebit = (
    await owner.query(`update transactions set merchant_id = $2 where transfer_id = $1 and type = 'debit' returning id`, [journal.payment, t.merchant])
  ).rows[0].id;
});
afterAll(async () => {
  await app.close();
  await sqlApp.end();
  await owner.end();
});

const Attach = graphql(`
  mutation ReceiptsTestAttach($input: AttachReceiptInput!) {
    attachReceipt(input: $input) {
      receipt { rowId amount currency ocrData imageS3Key user { rowId } transaction { rowId amount } transfer { rowId } merchant { rowId } }
    }
  }
`);

const receiptsOf = (transactionId: string) => count(owner, 'select count(*) as n from receipts where transaction_id = $1', [transactionId]);

describe('attachReceipt', () => {
  it('a member attaches a receipt to an entry of their own account: exact amount, OCR JSON, storage key, merchant from the entry', async () => {
    const ocr = { total: '99999999999999.999999', lines: [{ text: 'Milk', price: '5.99' }] };
    const r = await gql(app.yoga, Attach, {
      token: await t.token('x'),
      variables: {
        input: { transactionId: t.transactionX, amount: '99999999999999.999999', currency: 'EUR', ocr, storageKey: `receipts/${t.tenantId}/a.jpg` },
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.attachReceipt.receipt).toMatchObject({
      amount: '99999999999999.999999',
      currency: 'EUR',
      ocrData: ocr,
      imageS3Key: `receipts/${t.tenantId}/a.jpg`,
      user: { rowId: t.x },
      transaction: { rowId: t.transactionX, amount: '10.25' },
      merchant: { rowId: t.merchant },
    });
    // The entry's journal (the fixture's withdrawal) is recorded with it.
    expect(r.data!.attachReceipt.receipt.transfer).toEqual({ rowId: t.transferX });
    const { rows } = await owner.query('select event_type from events_outbox where aggregate_id = $1', [r.data!.attachReceipt.receipt.rowId]);
    expect(rows.map((x) => x.event_type)).toEqual(['ReceiptAttached']);
  });

  it("a member cannot attach to another member's entry (NOT_FOUND, nothing written); control: the admin can", async () => {
    const before = await receiptsOf(t.transactionY);
    const input = { transactionId: t.transactionY, amount: '1.50', currency: 'BRL' };
    expect(errorCodes(await gql(app.yoga, Attach, { token: await t.token('x'), variables: { input } }))).toEqual(['NOT_FOUND']);
    expect(await receiptsOf(t.transactionY)).toBe(before);
    const ok = await gql(app.yoga, Attach, { token: await t.token('admin'), variables: { input } });
    expect(ok.errors).toBeUndefined();
    expect(await receiptsOf(t.transactionY)).toBe(before + 1);
  });

  it("another tenant's entry is NOT_FOUND (it exists)", async () => {
    const input = { transactionId: other.transactionX, amount: '1', currency: 'BRL' };
    expect(errorCodes(await gql(app.yoga, Attach, { token: await t.token('owner'), variables: { input } }))).toEqual(['NOT_FOUND']);
    expect(await count(owner, 'select count(*) as n from transactions where id = $1', [other.transactionX])).toBe(1);
  });

  it('refuses a negative amount and an unsafe storage key (BAD_USER_INPUT naming the field)', async () => {
    const token = await t.token('x');
    const negative = await gql(app.yoga, Attach, { token, variables: { input: { transactionId: t.transactionX, amount: '-1', currency: 'BRL' } } });
    expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
    expect(negative.errors![0]!.extensions!.field).toBe('input.amount');
    for (const storageKey of ['../etc/passwd', 'a b.jpg', '']) {
      const r = await gql(app.yoga, Attach, { token, variables: { input: { transactionId: t.transactionX, amount: '1', currency: 'BRL', storageKey } } });
      expect(errorCodes(r), storageKey).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('input.storageKey');
    }
  });
});

const TransferReceipts = graphql(`
  query ReceiptsTestTransferReceipts($rowId: UUID!) {
    transfer(rowId: $rowId) { receipts(first: 10) { totalCount edges { node { rowId transfer { rowId } } } } }
  }
`);

const receiptsOfTransfer = (transferId: string) => count(owner, 'select count(*) as n from receipts where transfer_id = $1', [transferId]);

describe('attachReceipt to a transfer', () => {
  it("a member attaches to a transfer touching their account: the receipt documents it (no entry), the merchant is of the entries they see; Transfer.receipts lists it under each viewer's policies", async () => {
    const r = await gql(app.yoga, Attach, {
      token: await t.token('x'),
      variables: { input: { transferId: journal.payment, amount: '12.50', currency: 'BRL' } },
    });
    expect(r.errors).toBeUndefined();
    const receipt = r.data!.attachReceipt.receipt;
    expect(receipt).toMatchObject({ amount: '12.5', transaction: null, transfer: { rowId: journal.payment }, merchant: { rowId: t.merchant }, user: { rowId: t.x } });
    const { rows } = await owner.query('select event_type, payload from events_outbox where aggregate_id = $1', [receipt.rowId]);
    expect(rows).toEqual([{ event_type: 'ReceiptAttached', payload: expect.objectContaining({ transactionId: null, transferId: journal.payment }) }]);

    const read = async (who: 'x' | 'y' | 'admin') =>
      (await gql(app.yoga, TransferReceipts, { token: await t.token(who), variables: { rowId: journal.payment } })).data!.transfer!.receipts;
    expect(await read('x')).toEqual({ totalCount: 1, edges: [{ node: { rowId: receipt.rowId, transfer: { rowId: journal.payment } } }] });
    // y sees the transfer (they were paid) but not x's receipt; the admin sees every receipt of the tenant.
    expect(await read('y')).toEqual({ totalCount: 0, edges: [] });
    expect((await read('admin')).totalCount).toBe(1);
  });

  it("attaching to an entry of a transfer records the transfer too", async () => {
    const r = await gql(app.yoga, Attach, {
      token: await t.token('x'),
      variables: { input: { transactionId: paymentDebit, amount: '12.5', currency: 'BRL' } },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.attachReceipt.receipt).toMatchObject({ transaction: { rowId: paymentDebit }, transfer: { rowId: journal.payment }, merchant: { rowId: t.merchant } });
  });

  it("a member cannot attach to a transfer that touches none of their accounts (NOT_FOUND, nothing written); control: the admin can", async () => {
    const before = await receiptsOfTransfer(journal.depositY);
    const input = { transferId: journal.depositY, amount: '50', currency: 'BRL' };
    const refused = await gql(app.yoga, Attach, { token: await t.token('x'), variables: { input } });
    expect(errorCodes(refused)).toEqual(['NOT_FOUND']);
    expect(refused.errors![0]!.message).toBe('No such transfer');
    expect(await receiptsOfTransfer(journal.depositY)).toBe(before);
    const ok = await gql(app.yoga, Attach, { token: await t.token('admin'), variables: { input } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.attachReceipt.receipt.transfer).toEqual({ rowId: journal.depositY });
    expect(await receiptsOfTransfer(journal.depositY)).toBe(before + 1);
  });

  it("another tenant's transfer is NOT_FOUND, like a missing one (it exists)", async () => {
    const token = await t.token('owner');
    for (const transferId of [journal.foreign, '00000000-0000-4000-8000-000000000000']) {
      const r = await gql(app.yoga, Attach, { token, variables: { input: { transferId, amount: '1', currency: 'BRL' } } });
      expect(errorCodes(r), transferId).toEqual(['NOT_FOUND']);
      expect(r.errors![0]!.message).toBe('No such transfer');
    }
    expect(await count(owner, 'select count(*) as n from transfers where id = $1', [journal.foreign])).toBe(1);
    expect(await receiptsOfTransfer(journal.foreign)).toBe(0);
  });

  it('needs exactly one of transactionId and transferId (BAD_USER_INPUT naming the field), nothing written', async () => {
    const token = await t.token('x');
    const before = await count(owner, 'select count(*) as n from receipts where tenant_id = $1', [t.tenantId]);
    const both = await gql(app.yoga, Attach, {
      token,
      variables: { input: { transactionId: paymentDebit, transferId: journal.payment, amount: '1', currency: 'BRL' } },
    });
    expect(errorCodes(both)).toEqual(['BAD_USER_INPUT']);
    expect(both.errors![0]!.extensions!.field).toBe('input.transferId');
    const neither = await gql(app.yoga, Attach, { token, variables: { input: { amount: '1', currency: 'BRL' } } });
    expect(errorCodes(neither)).toEqual(['BAD_USER_INPUT']);
    expect(neither.errors![0]!.extensions!.field).toBe('input.transactionId');
    expect(await count(owner, 'select count(*) as n from receipts where tenant_id = $1', [t.tenantId])).toBe(before);
  });
});
