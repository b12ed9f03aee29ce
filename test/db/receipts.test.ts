import { describe, expect, it } from 'vitest';
import { count, expectSqlError } from '../helpers.js';
import { asUser, describeTenantIsolation, useTenants } from './isolation.js';

const ctx = useTenants('receipts');

describeTenantIsolation(
  {
    table: 'receipts',
    row: (fx) => fx.receiptX,
    insert: (fx) => ({ tenant_id: fx.tenantId, user_id: fx.owner, amount: '1.00', currency: 'BRL' }),
    update: `ocr_data = '{"probe": true}'`,
  },
  ctx,
);

describe('receipts: own or admin', () => {
  it("y neither sees nor files receipts as x; x and the owner see x's receipt", async () => {
    const { app, a } = ctx;
    await asUser(app, a, 'y', async (c) => {
      expect(await count(c, 'select count(*) as n from receipts')).toBe(0);
      await expectSqlError(c, `insert into receipts (tenant_id, user_id, amount, currency) values ($1, $2, '1', 'BRL')`, [a.tenantId, a.x], '42501');
    });
    for (const who of ['x', 'owner'] as const) {
      await asUser(app, a, who, async (c) => expect(await count(c, 'select count(*) as n from receipts where id = $1', [a.receiptX])).toBe(1));
    }
  });
});
