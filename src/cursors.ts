// Connection cursors: what a well-formed one looks like (checked before
// execution by src/inputLimits.ts), and what happens when a well-formed one
// names a row that is not in the connection (checked while the page loads).
//
// Cursors are @pothos/plugin-prisma's own format, unchanged (the compiled
// read path writes them byte for byte): base64 of `GPC:` + a tagged chunk,
// `S:<uuid>` for an id, `I:<n>` for a bigint id, `T:[…]` for a compound key.
import { decodeCursorChunk } from '@pothos/core';
import { badInput } from './errors.js';
import { getDatamodel } from './generated/pothos-types.js';
import { MAX_CURSOR_LENGTH } from './schema/limits.js';

const BASE64 = /^(?:[\d+/A-Za-z]{4})*(?:[\d+/A-Za-z]{2}==|[\d+/A-Za-z]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Field = { name: string; type: string; isId?: boolean };
type Model = { fields: Field[]; primaryKey: { fields: string[] } | null };
let models: Record<string, Model> | undefined;
const model = (name: string) => (models ??= getDatamodel().datamodel.models as unknown as Record<string, Model>)[name];

/**
 * Whether `value` fits a key field. House rule: every String key named `id`
 * or `…Id` is a uuid column, so such a value must be a UUID before it reaches
 * Postgres.
 */
function fitsField(f: Field, value: unknown): boolean {
  switch (f.type) {
    case 'String': return typeof value === 'string' && (!/(^id|Id)$/.test(f.name) || UUID.test(value));
    case 'BigInt': return typeof value === 'bigint';
    case 'Int': return typeof value === 'number' && Number.isSafeInteger(value);
    case 'DateTime': return value instanceof Date && !Number.isNaN(value.getTime());
    case 'Boolean': return typeof value === 'boolean';
    default: return false;
  }
}

/**
 * Whether `value` (a decoded cursor) fits the model's primary key: its `id`,
 * or the parts of a compound key in order. House rule: every connection pages
 * by its model's primary key (`cursor: 'id'`, or e.g. `tenantId_userId`), so
 * a cursor on any other key, even a unique one, is another connection's.
 */
function fitsPrimaryKey(m: Model, value: unknown): boolean {
  const id = m.fields.find((f) => f.isId);
  if (id) return fitsField(id, value);
  const key = m.primaryKey?.fields.map((name) => m.fields.find((f) => f.name === name)!);
  return !!key && Array.isArray(value) && value.length === key.length && key.every((f, i) => fitsField(f, value[i]));
}

/** Why `id` (the part after `Type:` in a global id) cannot be an id of `modelName`, or undefined. */
export function nodeIdProblem(modelName: string | undefined, id: string): string | undefined {
  if (!id) return 'empty';
  const idField = modelName ? model(modelName)?.fields.find((f) => f.isId) : undefined;
  if (!idField) return undefined;
  if (idField.type === 'String') return fitsField(idField, id) ? undefined : 'not a UUID';
  if (idField.type === 'BigInt' || idField.type === 'Int') return /^\d{1,18}$/.test(id) ? undefined : 'not a number';
  return undefined;
}

/**
 * Why `cursor` cannot be a cursor of a connection over `modelName`, or
 * undefined when it can. Pure: no database work.
 */
export function cursorProblem(cursor: string, modelName: string | undefined): string | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH) return `must be at most ${MAX_CURSOR_LENGTH} characters`;
  if (!cursor || !BASE64.test(cursor)) return 'is not a cursor of this API';
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith('GPC:') || decoded.includes('\u0000')) return 'is not a cursor of this API';
  let value: unknown;
  try {
    value = decodeCursorChunk(decoded.slice(4));
  } catch {
    return 'is not a cursor of this API';
  }
  const m = modelName ? model(modelName) : undefined;
  if (m && !fitsPrimaryKey(m, value)) return 'is not a cursor of this connection';
  return undefined;
}

// ---------------------------------------------------------------------------
// A well-formed cursor whose row is missing (deleted, invisible under RLS,
// another table's) or outside this connection's filter.
//
// plugin-prisma pages with Prisma's cursor: `cursor: {id}, skip: 1`. Prisma
// compares each row with the cursor row's sort values through subqueries, so
// a missing row makes every comparison NULL and the page silently empty; a
// row outside the filter gives a page from its position whose first real row
// is skipped (skip: 1 assumed the cursor row was there). Both are refused
// here at no extra query: the page is loaded with `skip: 0` and one more row,
// the cursor row must then come first (last, paging backwards) and is
// dropped, leaving exactly what Pothos asked for. Anything else is
// BAD_USER_INPUT on `after`/`before`.
// ---------------------------------------------------------------------------

const READS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow']);

type Args = Record<string, unknown>;
type Fix = (result: unknown) => unknown;

const same = (a: unknown, b: unknown) =>
  a instanceof Date || b instanceof Date
    ? new Date(a as string).getTime() === new Date(b as string).getTime()
    : String(a).toLowerCase() === String(b).toLowerCase();

/** Whether `row` is the row a Prisma unique `where` (`{id}` or `{a_b: {a, b}}`) names. */
const isRow = (row: unknown, where: Args) =>
  !!row &&
  typeof row === 'object' &&
  Object.entries(where).every(([key, value]) =>
    value && typeof value === 'object' && !(value instanceof Date)
      ? Object.entries(value).every(([k, v]) => same((row as Args)[k], v))
      : same((row as Args)[key], value),
  );

function cursorMismatch(backward: boolean) {
  return badInput(
    'cursor does not match this connection, or its row no longer exists: page again from the start (without after/before)',
    backward ? 'before' : 'after',
  );
}

/** The args to send instead, and how to turn their result into what the caller expects; undefined when no cursor is involved. */
function plan(args: Args): { args: Args; fix: Fix } | undefined {
  const fixes: Fix[] = [];
  let out = args;
  if (args.cursor && typeof args.cursor === 'object' && args.skip === 1 && typeof args.take === 'number' && args.take !== 0) {
    const take = args.take;
    const backward = take < 0;
    const where = args.cursor as Args;
    out = { ...out, skip: 0, take: backward ? take - 1 : take + 1 };
    fixes.push((rows) => {
      if (!Array.isArray(rows)) return rows;
      const edge = backward ? rows[rows.length - 1] : rows[0];
      if (!isRow(edge, where)) throw cursorMismatch(backward);
      return backward ? rows.slice(0, -1) : rows.slice(1);
    });
  }
  for (const key of ['include', 'select'] as const) {
    const selection = args[key];
    if (!selection || typeof selection !== 'object') continue;
    let copy: Args | undefined;
    for (const [relation, sub] of Object.entries(selection as Args)) {
      if (!sub || typeof sub !== 'object') continue;
      const inner = plan(sub as Args);
      if (!inner) continue;
      copy ??= { ...(selection as Args) };
      copy[relation] = inner.args;
      const applyTo = (row: unknown) => {
        if (row && typeof row === 'object' && relation in row) (row as Args)[relation] = inner.fix((row as Args)[relation]);
      };
      // After this level's own fix: only the rows the caller will see.
      fixes.push((result) => {
        if (Array.isArray(result)) result.forEach(applyTo);
        else applyTo(result);
        return result;
      });
    }
    if (copy) out = { ...out, [key]: copy };
  }
  return fixes.length ? { args: out, fix: (result) => fixes.reduce((r, f) => f(r), result) } : undefined;
}

function guardDelegate(delegate: object): object {
  return new Proxy(delegate, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value.bind(target) as (args?: Args) => Promise<unknown>;
      if (typeof prop !== 'string' || !READS.has(prop)) return fn;
      return (args?: Args) => {
        const p = args && plan(args);
        return p ? fn(p.args).then(p.fix) : fn(args);
      };
    },
  });
}

/**
 * The request's Prisma client with cursor pages checked as described above.
 * Installed only for operations that send `after`/`before`.
 */
export function guardCursorPages<T extends object>(db: T): T {
  const delegates = new Map<string, object>();
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value === 'function') return value.bind(target);
      if (typeof prop !== 'string' || prop.startsWith('$') || !value || typeof value !== 'object' || !('findMany' in value)) return value;
      let delegate = delegates.get(prop);
      if (!delegate) delegates.set(prop, (delegate = guardDelegate(value)));
      return delegate;
    },
  });
}
