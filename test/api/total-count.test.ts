// totalCount on every connection: it counts what the viewer may see (row-level
// security), with the connection's own filters, whatever page was asked for.
// Tenant B's rows, which match every filter, are never counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { isObjectType } from 'graphql';
import { gql, graphql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { schema } from '../../src/schema/index.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;

beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  a = await createTenant(owner, 'count-a');
  await createTenant(owner, 'count-b');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const TotalCounts = graphql(`
  query TotalCounts($x: UUID!, $accountX: UUID!, $category: UUID!, $location: UUID!) {
    accounts(first: 1) { totalCount edges { cursor } }
    corporate: accounts(type: CORPORATE) { totalCount }
    transactions(first: 1) { totalCount }
    ofAccountX: transactions(filter: { accountId: $accountX }) { totalCount }
    receipts { totalCount }
    carts { totalCount }
    abandoned: carts(status: ABANDONED) { totalCount }
    orders { totalCount }
    users { totalCount }
    loginAttempts { totalCount }
    auditLogs { totalCount }
    outboxEvents { totalCount }
    categories { totalCount }
    merchants { totalCount }
    products { totalCount }
    locations { totalCount }
    inventory { totalCount }
    tenantMemberships { totalCount }
    viewer { sessions { totalCount } }
    user(rowId: $x) { accounts { totalCount } orders { totalCount } receipts { totalCount } }
    account(rowId: $accountX) { transactions(first: 2) { totalCount edges { cursor } } }
    category(rowId: $category) { children { totalCount } products { totalCount } }
    location(rowId: $location) { inventory { totalCount } }
  }
`);

const n = (totalCount: number) => ({ totalCount });

describe('totalCount', () => {
  it('every connection has one', () => {
    const connections = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && t.name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThan(20);
    const without = connections.filter((c) => isObjectType(c) && String(c.getFields().totalCount?.type) !== 'Int!');
    expect(without.map((c) => c.name)).toEqual([]);
  });

  it("counts what the viewer may see, with the connection's filters, on every page", async () => {
    const variables = { x: a.x, accountX: a.accountX, category: a.category, location: a.location };
    const asMember = await gql(app.yoga, TotalCounts, { token: await a.token('x'), variables });
    const asOwner = await gql(app.yoga, TotalCounts, { token: await a.token('owner'), variables });
    expect(asMember.errors).toBeUndefined();
    expect(asOwner.errors).toBeUndefined();
    const tenantWide = {
      categories: n(1), merchants: n(1), products: n(1), locations: n(2), inventory: n(1), tenantMemberships: n(4),
      user: { accounts: n(1), orders: n(1), receipts: n(1) },
      account: { transactions: { totalCount: 6, edges: [expect.anything(), expect.anything()] } },
      category: { children: n(0), products: n(1) },
      location: { inventory: n(1) },
    };
    // Member x: their own account (6 entries: the fixture's deposit and 5 purchases), receipt, cart, order, sign-in and
    // session; only themselves as a user.
    expect(asMember.data).toEqual({
      ...tenantWide,
      accounts: { totalCount: 1, edges: [expect.anything()] },
      corporate: n(0), transactions: n(6), ofAccountX: n(6), receipts: n(1), carts: n(1), abandoned: n(0), orders: n(1),
      users: n(1), loginAttempts: n(1), auditLogs: n(0), outboxEvents: n(0), viewer: { sessions: n(1) },
    });
    // The fixture's own row plus what the audit triggers wrote while it was built.
    const auditRows = Number((await owner.query('select count(*) from audit_logs where tenant_id = $1', [a.tenantId])).rows[0].count);
    expect(auditRows).toBeGreaterThan(1);
    // The owner: all of the tenant's (4 accounts: x's, y's, the corporate one and the BRL clearing account, which is
    // CORPORATE too; 20 entries: 10 journals of 2), 5 users with the invitee, and no session of their own.
    expect(asOwner.data).toEqual({
      ...tenantWide,
      accounts: { totalCount: 4, edges: [expect.anything()] },
      corporate: n(2), transactions: n(20), ofAccountX: n(6), receipts: n(1), carts: n(1), abandoned: n(0), orders: n(1),
      users: n(5), loginAttempts: n(1), auditLogs: n(auditRows), outboxEvents: n(1), viewer: { sessions: n(0) },
    });
  });
});
