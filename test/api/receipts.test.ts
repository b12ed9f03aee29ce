// attachReceipt: a user records a receipt for a ledger entry they can see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, errorCodes, gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
let other: TenantFixture;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  t = await createTenant(owner, 'receipts');
  other = await createTenant(owner, 'receipts-other');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const Attach = graphql(`
  mutation ReceiptsTestAttach($input: AttachReceiptInput!) {
    attachReceipt(input: $input) {
      receipt { rowId amount currency ocrData imageS3Key user { rowId } transaction { rowId amount } merchant { rowId } }
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
