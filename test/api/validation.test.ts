// Input rules declared on input types (@pothos/plugin-validation with zod,
// src/schema/limits.ts RULES): a failure is BAD_USER_INPUT naming the field
// (`input.name`), writes nothing, and the sign-in steps' `prepare` halves get
// the same validated, normalised input as their resolvers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { count, errorCodes, gql, ownerPool, testApp, type GqlResult } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { CreateCategory, CreateUser, Login, OpenAccount, SignUp } from './documents.js';
import type { SignUpInput } from '../generated/graphql/graphql.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
const sent: string[] = [];
const PASSWORD = 'a-long-and-unusual-passphrase';

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s), authPolicy: { perAddressPerMinute: 10_000 } });
  owner = ownerPool();
  t = await createTenant(owner, 'rules');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

/** The single error of a refused request: BAD_USER_INPUT naming `field`. */
function expectFieldError(r: GqlResult, field: string, message?: RegExp) {
  expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
  expect(r.errors![0]!.extensions!.field).toBe(field);
  if (message) expect(r.errors![0]!.message).toMatch(message);
}

/** Member x opens a wallet / the owner creates a category, named `name`. */
const openWallet = async (name: string) =>
  gql(app.yoga, OpenAccount, { token: await t.token('x'), variables: { input: { name, type: 'WALLET', currency: 'BRL' } } });
const createCategory = async (name: string) => gql(app.yoga, CreateCategory, { token: await t.token('owner'), variables: { input: { name } } });

describe('account and category names (one rule, RULES.name)', () => {
  it('a blank name is BAD_USER_INPUT on input.name and nothing is inserted', async () => {
    sent.length = 0;
    expectFieldError(await openWallet('   '), 'input.name', /blank/);
    expect(sent.filter((s) => /^INSERT/i.test(s))).toEqual([]);
    expectFieldError(await createCategory(''), 'input.name', /blank/);
  });

  it('over 100 characters is refused for both, though the argument limit (200) lets it through', async () => {
    const name = 'n'.repeat(101);
    expectFieldError(await openWallet(name), 'input.name', /at most 100/);
    expectFieldError(await createCategory(name), 'input.name', /at most 100/);
    expect(await count(owner, 'select count(*) as n from categories where name = $1', [name])).toBe(0);
    // Control: 100 characters pass.
    expect((await createCategory(name.slice(1))).errors).toBeUndefined();
  });

  it('names are stored trimmed (the rule transforms what the resolver gets)', async () => {
    const r = await openWallet('  Rainy day  ');
    expect(r.data!.openAccount.account.name).toBe('Rainy day');
    expect(await count(owner, `select count(*) as n from accounts where tenant_id = $1 and name = 'Rainy day'`, [t.tenantId])).toBe(1);
  });
});

describe('sign-up input, validated before the password is hashed', () => {
  const signUp = (input: Partial<SignUpInput>) =>
    gql(app.yoga, SignUp, { variables: { input: { tenantName: 'Rules Co', email: 'founder@rules.test', password: PASSWORD, ...input } } });

  it('a malformed tenantSlug is BAD_USER_INPUT on input.tenantSlug and creates nothing', async () => {
    for (const tenantSlug of ['Bad Slug', '-dash-first', 'x']) {
      expectFieldError(await signUp({ tenantName: 'Rules Co', tenantSlug }), 'input.tenantSlug', /lowercase letters, digits or dashes/);
    }
    expect(await count(owner, `select count(*) as n from tenants where name = 'Rules Co'`)).toBe(0);
  });

  it('a name that slugifies to nothing usable asks for a tenantSlug', async () => {
    expectFieldError(await signUp({ tenantName: '!!' }), 'input.tenantSlug', /cannot be derived from tenantName/);
    expectFieldError(await signUp({ tenantName: ' x ' }), 'input.tenantName', /at least 2/);
  });

  it('the name is trimmed, the slug derived from it, and the email stored in lower case', async () => {
    const r = await signUp({ tenantName: '  Ünïcode Foods  ', email: 'Founder@Unicode-Foods.Test' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.signUp.tenant).toEqual({ slug: 'unicode-foods', name: 'Ünïcode Foods' });
    expect(r.data!.signUp.user.email).toBe('founder@unicode-foods.test');
  });
});

describe('emails are compared in lower case (RULES.email), in createUser and login alike', () => {
  it('a user created as Mixed@Case signs in with any case', async () => {
    const email = `Mixed.Case@${t.slug}.test`;
    const created = await gql(app.yoga, CreateUser, { token: await t.token('owner'), variables: { input: { email, role: 'MEMBER', password: PASSWORD } } });
    expect(created.data!.createUser.user.email).toBe(email.toLowerCase());
    const login = await gql(app.yoga, Login, { variables: { input: { tenantSlug: t.slug, email: `  ${email.toUpperCase()} `, password: PASSWORD } } });
    expect(login.errors).toBeUndefined();
    expect(login.data!.login.user.email).toBe(email.toLowerCase());
  });
});
