// Authorization intent declared in the schema (@pothos/plugin-scope-auth):
// Query and Mutation need a signed-in caller unless a field is public, and
// owner/admin-only mutations say `authScopes: { admin: true }`. RLS stays the
// enforcer; a scope refuses earlier, with FORBIDDEN / UNAUTHENTICATED, before
// the resolver writes anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { execute, parse, type GraphQLField } from 'graphql';
import { errorCodes, gql, ownerPool, testApp } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { CreateCategory, CreateUser } from './documents.js';
import { schema } from '../../src/schema/index.js';
import type { Context } from '../../src/context.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
const sent: string[] = [];

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
  owner = ownerPool();
  t = await createTenant(owner, 'scopes');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

const pothosOptions = (field: GraphQLField<unknown, unknown>) =>
  (field.extensions.pothosOptions ?? {}) as { skipTypeScopes?: boolean; authScopes?: Record<string, unknown> };

describe('the schema declares who may call what', () => {
  const roots = [schema.getQueryType()!, schema.getMutationType()!];

  it('a root field is public (open to anonymous callers) exactly when it skips the signedIn type scope', () => {
    const publicFields: string[] = [];
    for (const root of roots) {
      for (const field of Object.values(root.getFields())) {
        // src/yoga.ts reads extensions.public before execution; scope-auth reads skipTypeScopes during it.
        // Support staff's fields (issue 12) skip signedIn too, for their own `support` scope.
        const support = pothosOptions(field).authScopes?.support === true;
        expect(pothosOptions(field).skipTypeScopes === true, field.name).toBe(field.extensions.public === true || support);
        if (field.extensions.public === true) publicFields.push(field.name);
      }
    }
    expect(publicFields.sort()).toEqual(['login', 'refreshSession', 'signUp', 'supportLogin', 'viewer']);
  });

  it('owner/admin-only mutations carry the admin scope', () => {
    const adminOnly = Object.values(schema.getMutationType()!.getFields())
      .filter((f) => pothosOptions(f).authScopes?.admin === true)
      .map((f) => f.name);
    expect(adminOnly.sort()).toEqual([
      'createCategory', 'createMerchant', 'createUser', 'deleteCategory', 'deleteMerchant',
      'deliverOrder', 'deposit', 'moveCategory', 'reconcileBalances', 'renameCategory',
      'reverseTransfer', 'updateMemberRole', 'updateMerchant', 'withdraw',
      // Catalogue and stock (issue 10).
      'adjustStock', 'createLocation', 'createProduct', 'restock', 'setReorderThreshold',
      'shipOrder', 'updateLocation', 'updateProduct',
      // Webhooks (issue 11).
      'disableWebhookEndpoint', 'enableWebhookEndpoint', 'redeliverWebhook', 'registerWebhookEndpoint', 'rotateWebhookSecret',
      // Partner clients (issue 11).
      'createPartnerClient', 'revokePartnerClient', 'rotatePartnerClientSecret',
      // Support access (issue 12).
      'grantSupportAccess', 'revokeSupportAccess',
    ].sort());
  });
});

describe('scope failures', () => {
  const createCategory = (token: string, name: string) => gql(app.yoga, CreateCategory, { token, variables: { input: { name } } });

  it('a member calling an admin-only mutation is FORBIDDEN before anything is written (control: the owner may)', async () => {
    const member = await t.token('x');
    sent.length = 0;
    const refused = [
      await createCategory(member, 'members may not'),
      await gql(app.yoga, CreateUser, {
        token: member, variables: { input: { email: `m1@${t.slug}.test`, role: 'MEMBER', password: 'a-long-and-unusual-passphrase' } },
      }),
    ];
    for (const r of refused) {
      expect(errorCodes(r)).toEqual(['FORBIDDEN']);
      expect(r.errors![0]!.message).toMatch(/owners and admins only/);
    }
    expect(sent.filter((s) => /^INSERT/i.test(s))).toEqual([]);
    expect((await createCategory(await t.token('admin'), 'admins may')).errors).toBeUndefined();
  });

  it('the admin scope follows the database, not the token: a promotion and a demotion apply at once', async () => {
    const own = await createTenant(owner, 'scopes-promote');
    const token = await own.token('y'); // claims role member throughout
    await owner.query(`update tenant_memberships set role = 'admin' where user_id = $1`, [own.y]);
    expect((await createCategory(token, 'promoted y')).errors).toBeUndefined();
    await owner.query(`update tenant_memberships set role = 'member' where user_id = $1`, [own.y]);
    expect(errorCodes(await createCategory(token, 'demoted y'))).toEqual(['FORBIDDEN']);
  });

  it('an anonymous caller that reaches a scoped field gets UNAUTHENTICATED (the scope behind the pre-execution check)', async () => {
    // Executed directly, past src/yoga.ts's useSignInRequired: the type scope itself refuses.
    const contextValue = { viewer: { kind: 'anonymous' } } as Context;
    for (const source of ['{ accounts { edges { cursor } } }', 'mutation { createCategory(input: { name: "anon" }) { category { name } } }']) {
      const r = await execute({ schema, document: parse(source), contextValue });
      expect(r.errors?.map((e) => e.extensions.code), source).toEqual(['UNAUTHENTICATED']);
    }
  });
});
