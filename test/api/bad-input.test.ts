// Introspection-driven fuzz: every argument of every root Query and Mutation
// field (and every field of their input objects) is fed a table of malformed
// values for its type, as an anonymous caller and as a signed-in member, with
// the other required arguments filled with valid values. Bad input is a client
// error: never INTERNAL_SERVER_ERROR, and a clearly malformed value is
// BAD_USER_INPUT naming the argument, refused before any SQL. New fields and
// arguments are covered without touching this file; a new scalar needs a row
// in `valid` and `malformedScalar` below (the test says so).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PothosValidationError } from '@pothos/core';
import {
  GraphQLError, buildClientSchema, getNamedType, introspectionFromSchema, isEnumType, isInputObjectType, isLeafType, isListType,
  isNonNullType, isObjectType, type GraphQLField, type GraphQLInputType, type GraphQLOutputType,
} from 'graphql';
import { globalId, gql, ownerPool, testApp, type GqlResult } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { schema } from '../../src/schema/index.js';
import { maskError } from '../../src/errors.js';

let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let t: TenantFixture;
let member: string;
const sent: string[] = [];
const run = randomBytes(3).toString('hex');

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
  owner = ownerPool();
  t = await createTenant(owner, 'fuzz');
  member = await t.token('x');
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

// The API's own introspection, rebuilt as a client would see it (the HTTP
// endpoint answers introspection only in development).
const api = buildClientSchema(introspectionFromSchema(schema));

const b64 = (s: string) => Buffer.from(s).toString('base64');
const NUL = 'a\u0000b';
const MB = 'x'.repeat(1_000_000);

/** A valid value of the type, used for the arguments not under test. */
function valid(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return valid(type.ofType);
  if (isListType(type)) return [valid(type.ofType)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, valid(f.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0]!.name;
  switch (type.name) {
    case 'String': return `fuzz-${run}`;
    case 'ID': return globalId('Account', t.accountX);
    case 'Int': return 1;
    case 'Float': return 1.5;
    case 'Boolean': return true;
    case 'UUID': return randomUUID();
    case 'DateTime': return '2024-01-01T00:00:00.000Z';
    case 'EmailAddress': return `fuzz-${run}@example.com`;
    case 'Currency': return 'BRL';
    case 'Decimal': return '1.00';
    case 'JSON': return {};
    default: throw new Error(`bad-input.test.ts: no valid value for the scalar ${type.name}; add one to valid() and malformedScalar()`);
  }
}

/** strict: must be BAD_USER_INPUT naming the argument, with no SQL; otherwise only "not an internal error". */
interface Bad { label: string; value: unknown; strict: boolean; path: string }

function malformedScalar(typeName: string, arg: string, cursor: boolean): Omit<Bad, 'path'>[] {
  const strict = (label: string, value: unknown) => ({ label, value, strict: true });
  const lenient = (label: string, value: unknown) => ({ label, value, strict: false });
  if (cursor) {
    return [
      strict('garbage cursor', 'garbage'), strict('empty cursor', ''), strict('drizzle cursor', b64('DC:S:' + randomUUID())),
      strict('number cursor', b64('GPC:N:5')), strict('non-uuid cursor', b64('GPC:S:not-a-uuid')), strict('unknown tag', b64('GPC:X:1')),
      strict('NUL cursor', b64('GPC:S:' + NUL)), strict('100 KB cursor', b64('GPC:S:' + 'x'.repeat(75_000))),
    ];
  }
  switch (typeName) {
    case 'String':
      return [strict('NUL byte', NUL), strict('1 MB string', MB), lenient('empty string', ''), lenient('spaces', '   ')];
    case 'ID':
      return [
        strict('garbage id', 'garbage'), strict('empty id', ''), strict('unknown type', b64('Foo:1')),
        strict('non-node type', b64('Viewer:' + randomUUID())), strict('non-uuid id', b64('Account:not-a-uuid')),
        strict('NUL id', b64('Account:' + NUL)), strict('1 MB id', MB),
      ];
    case 'Int': {
      const page = arg === 'first' || arg === 'last';
      return [
        (page ? strict : lenient)('negative', -1), (page ? strict : lenient)('most negative', -2147483648),
        strict('beyond 32 bits', 2147483648), strict('fraction', 1.5), strict('string', 'one'),
      ];
    }
    case 'Float': return [strict('string', 'one')];
    case 'Boolean': return [strict('string', 'yes')];
    case 'UUID':
      return [strict('not a uuid', 'not-a-uuid'), strict('empty', ''), strict('NUL', NUL), strict('bad digit', '00000000-0000-0000-0000-00000000000g')];
    case 'DateTime':
      return [
        strict('year 0000', '0000-01-01T00:00:00Z'), strict('year 10000', '+010000-01-01T00:00:00Z'), strict('month 13', '2024-13-01T00:00:00Z'),
        strict('not a date', 'not a date'), strict('empty', ''), strict('number', 1),
      ];
    case 'EmailAddress':
      return [strict('not an email', 'not-an-email'), strict('NUL', `a${NUL}@example.com`), strict('1 MB email', `${MB}@example.com`), strict('empty', '')];
    case 'Currency':
      return [strict('lower case', 'eur'), strict('four letters', 'EURO'), strict('digit', 'E1R'), strict('empty', ''), strict('NUL', 'E\u0000R')];
    case 'Decimal':
      return [
        strict('exponent', '1e5'), strict('15 integer digits', '123456789012345.0'), strict('7 fraction digits', '1.1234567'),
        strict('letters', 'abc'), strict('number', 1.5),
      ];
    case 'JSON': return [strict('NUL inside', { a: NUL })];
    default: throw new Error(`bad-input.test.ts: no malformed values for the scalar ${typeName}; add them to malformedScalar() and valid()`);
  }
}

/** Malformed values for one argument or input field, each with the path the error must name. */
function malformed(type: GraphQLInputType, path: string, cursor: boolean): Bad[] {
  if (isNonNullType(type)) return malformed(type.ofType, path, cursor);
  if (isListType(type)) {
    const item = valid(type.ofType);
    return [
      { label: 'huge list', value: Array.from({ length: 10_000 }, () => item), strict: true, path },
      ...malformed(type.ofType, `${path}.1`, cursor).map((b) => ({ ...b, value: [item, b.value] })),
    ];
  }
  if (isInputObjectType(type)) {
    const base = valid(type) as Record<string, unknown>;
    return Object.values(type.getFields()).flatMap((f) =>
      malformed(f.type, `${path}.${f.name}`, false).map((b) => ({ ...b, value: { ...base, [f.name]: b.value } })),
    );
  }
  if (isEnumType(type)) return [{ label: 'unknown enum value', value: 'NOT_A_VALUE', strict: true, path }];
  return malformedScalar(type.name, path, cursor).map((b) => ({ ...b, path }));
}

function selection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  // Connections select their edges, so a cursor reaches the database when it is let through.
  if (isObjectType(named) && named.getFields().edges) return '{ edges { cursor } }';
  return '{ __typename }';
}

interface Case { operation: 'query' | 'mutation'; field: string; arg: string; bad: Bad; query: string; variables: Record<string, unknown> }

function casesFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): Case[] {
  const isConnection = isObjectType(getNamedType(field.type)) && 'pageInfo' in (getNamedType(field.type) as { getFields(): object }).getFields();
  return field.args.flatMap((arg) => {
    const cursor = isConnection && (arg.name === 'after' || arg.name === 'before') && getNamedType(arg.type).name === 'String';
    return malformed(arg.type, arg.name, cursor).map((bad) => {
      const others = field.args.filter((o) => o !== arg && isNonNullType(o.type));
      const defs = [`$v: ${String(arg.type)}`, ...others.map((o) => `$${o.name}: ${String(o.type)}`)].join(', ');
      const uses = [`${arg.name}: $v`, ...others.map((o) => `${o.name}: $${o.name}`)].join(', ');
      return {
        operation, field: field.name, arg: arg.name, bad,
        query: `${operation} Fuzz(${defs}) { ${field.name}(${uses}) ${selection(field.type)} }`,
        variables: { v: bad.value, ...Object.fromEntries(others.map((o) => [o.name, valid(o.type)])) },
      };
    });
  });
}

// Built once the fixture exists (valid ids point at its rows).
let cases: Case[] = [];
beforeAll(() => {
  cases = [
    ...Object.values(api.getQueryType()!.getFields()).flatMap((f) => casesFor('query', f)),
    ...Object.values(api.getMutationType()!.getFields()).flatMap((f) => casesFor('mutation', f)),
  ];
});

const describeCase = (c: Case) => `${c.operation} ${c.field}(${c.bad.path}): ${c.bad.label}`;

function check(c: Case, r: GqlResult, sql: string[], failures: string[], anonymous = false) {
  const codes = (r.errors ?? []).map((e) => e.extensions?.code);
  if (r.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
    failures.push(`${describeCase(c)} → ${r.status} ${JSON.stringify(r.errors).slice(0, 200)}`);
    return;
  }
  if (!c.bad.strict) return;
  // Anonymous callers are turned away from non-public fields before their arguments matter.
  if (anonymous && codes.length && codes.every((code) => code === 'UNAUTHENTICATED') && !sql.length) return;
  const named = (r.errors ?? []).some((e) => {
    const field = String(e.extensions?.field ?? e.extensions?.argument ?? '');
    return field === c.bad.path || field.startsWith(`${c.bad.path}.`);
  });
  if (!codes.length || codes.some((code) => code !== 'BAD_USER_INPUT') || !named) {
    failures.push(`${describeCase(c)} → ${JSON.stringify(r.errors ?? r.data).slice(0, 200)}`);
  } else if (sql.length) {
    failures.push(`${describeCase(c)} → refused only after SQL: ${sql[0]!.slice(0, 80)}`);
  }
}

describe('malformed arguments are client errors', () => {
  it('the table covers every argument of every root field', () => {
    const covered = new Set(cases.map((c) => `${c.field}.${c.arg}`));
    for (const root of [api.getQueryType()!, api.getMutationType()!]) {
      for (const f of Object.values(root.getFields())) {
        for (const a of f.args) expect(covered, `${f.name}.${a.name}`).toContain(`${f.name}.${a.name}`);
      }
    }
    expect(cases.length).toBeGreaterThan(300);
  });

  for (const viewer of ['anonymous', 'member'] as const) {
    it(`as ${viewer}: no INTERNAL_SERVER_ERROR, and every clearly malformed value is BAD_USER_INPUT naming its argument before any SQL`, async () => {
      const token = viewer === 'member' ? member : undefined;
      const failures: string[] = [];
      for (const c of cases) {
        sent.length = 0;
        const r = await gql(app.yoga, c.query, { token, variables: c.variables });
        check(c, r, [...sent], failures, viewer === 'anonymous');
      }
      expect(failures, `${failures.length} of ${cases.length} cases`).toEqual([]);
    }, 120_000);
  }

  it('literal arguments are named the same way as variables', async () => {
    const failures: string[] = [];
    const literal = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : undefined);
    for (const c of cases.filter((x) => x.bad.strict && !x.bad.path.includes('.') && literal(x.bad.value) && String(x.bad.value).length < 10_000)) {
      const query = c.query.replace(`${c.arg}: $v`, `${c.arg}: ${literal(c.bad.value)}`).replace(/\$v: [^,)]+(, )?/, '').replace('Fuzz()', 'Fuzz');
      // Twice: the second answer comes through Yoga's validation cache.
      for (let i = 0; i < 2; i += 1) {
        sent.length = 0;
        const r = await gql(app.yoga, query, { token: member, variables: { ...c.variables, v: undefined } });
        check({ ...c, query }, r, [...sent], failures);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it("Pothos' own argument errors are BAD_USER_INPUT, not masked as internal (the safety net behind the checks)", () => {
    const masked = maskError(new GraphQLError('Unexpected error', { originalError: new PothosValidationError('Invalid cursor: x') }));
    expect((masked as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    // Control: anything else unexpected stays masked.
    const other = maskError(new GraphQLError('Unexpected error', { originalError: new Error('boom') }));
    expect((other as GraphQLError).extensions.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
