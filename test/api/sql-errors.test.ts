// Expected failures raised by our SQL (SQLSTATE P0001, message
// 'FORTRESS:<CODE>: <text>', README "Writing SQL functions") reach clients
// with that code and text, through Prisma exactly as resolvers call SQL.
// Anything else our SQL raises stays a generic FORBIDDEN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import type pg from 'pg';
import { ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { maskError } from '../../src/errors.js';
import { applyIdentity } from '../../src/db/request.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
beforeAll(async () => {
  app = await testApp();
  owner = ownerPool();
  a = await createTenant(owner, 'sqlerr');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

/** The error the client would see for the error `sql` raises as member x of tenant a. */
async function maskedError(sql: string) {
  let error: unknown;
  try {
    await app.database.prisma.$transaction(async (tx) => {
      await applyIdentity(tx, { kind: 'user', userId: a.x, tenantId: a.tenantId, role: 'member' });
      await tx.$executeRawUnsafe(sql);
    });
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${sql} to fail`).toBeDefined();
  return maskError(error) as GraphQLError;
}

/** Its code and message. */
async function clientError(sql: string) {
  const masked = await maskedError(sql);
  return { code: masked.extensions.code, message: masked.message };
}

describe('errors raised by SQL', () => {
  it("a function's FORTRESS:<CODE> error keeps its code and text", async () => {
    expect(await clientError(`select app.set_current_password_hash('hunter2')`)).toEqual({ code: 'BAD_USER_INPUT', message: 'passwordHash is malformed' });
  });

  it('a FORTRESS:<CODE> from a DO block or trigger maps the same way', async () => {
    expect(await clientError(`do $$ begin raise exception using errcode = 'P0001', message = 'FORTRESS:CONFLICT: Already taken'; end $$`)).toEqual({
      code: 'CONFLICT',
      message: 'Already taken',
    });
  });

  it('control: an unregistered code, or P0001 without the prefix, stays the generic FORBIDDEN', async () => {
    const generic = { code: 'FORBIDDEN', message: 'Not allowed by a business rule' };
    expect(await clientError(`do $$ begin raise exception using errcode = 'P0001', message = 'FORTRESS:NO_SUCH_CODE: secret detail'; end $$`)).toEqual(generic);
    expect(await clientError(`do $$ begin raise exception 'plain business rule'; end $$`)).toEqual(generic);
  });

  it("a JSON-object DETAIL adds its keys to the extensions (OUT_OF_STOCK's items); code and http stay ours", async () => {
    const items = [{ productId: a.product, sku: 'SKU-1', name: 'Milk', requested: 3, available: 1 }];
    const raise = (detail: string) =>
      `do $$ begin raise exception using errcode = 'P0001', message = 'FORTRESS:OUT_OF_STOCK: Not enough stock for SKU-1', detail = '${detail}'; end $$`;
    const masked = await maskedError(raise(JSON.stringify({ items, code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } })));
    expect(masked.message).toBe('Not enough stock for SKU-1');
    expect(masked.extensions).toEqual({ code: 'OUT_OF_STOCK', items });
    // Controls: a detail that is not a JSON object stays server-side, as does the detail of any other error.
    for (const detail of ['plain text', '[1,2]', '{not json']) {
      expect((await maskedError(raise(detail))).extensions).toEqual({ code: 'OUT_OF_STOCK' });
    }
    const unprefixed = `do $$ begin raise exception using errcode = 'P0001', message = 'rule', detail = '{"secret":1}'; end $$`;
    expect((await maskedError(unprefixed)).extensions).toEqual({ code: 'FORBIDDEN' });
  });
});
