// The compiler: a persisted operation → ONE SQL statement that returns the
// response's exact text, `{"data":…}`, byte for byte what the Pothos path
// sends. Everything it knows comes from the schema's own metadata:
// - Pothos prisma object types (`pothosPrismaModel`), their exposed columns
//   (`pothosExposedField`), relations and related connections
//   (`pothosPrismaRelationField`, and their `query` — orderBy, take — read by
//   calling the field's own `pothosPrismaSelect`, the function plugin-prisma
//   plans with);
// - Prisma's datamodels: the Pothos one (required, ids, foreign keys) and the
//   client's runtime one (table and column names, `dbName`);
// - GraphQL types: nullability, enums (their database value → name), scalars;
// - root fields: the `compiled` descriptor declared beside each (./source.ts).
// Anything else (a field resolved by code, JSON, lists of scalars, global ids,
// nested cursors, auth scopes) throws Fallback with the reason: that operation
// (or that request) is answered by the ordinary path.
//
// Relations follow the house rule of prisma/schema.prisma: a foreign key
// references the target's `id` (the Pothos datamodel carries no
// relationToFields). The differential test (test/api/compiled.test.ts) is
// the oracle for every such assumption.
import {
  GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getArgumentValues, getDirectiveValues, getNamedType, getNullableType, getOperationAST,
  isEnumType, isListType, isNonNullType, isObjectType,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLObjectType, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import { jsonBoolean, jsonDateTime, jsonDecimal, jsonEnum, jsonInt, jsonLit, jsonObject, jsonString, jsonStringCursor, lit, orNull } from './format.js';
import type { CompiledCondition, CompiledOrder, CompiledSource } from './source.js';

/** Why an operation (or one request of it) is not compiled; the ordinary path answers it. */
export class Fallback extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface PothosField {
  name: string;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  isId: boolean;
  relationName?: string;
  relationFromFields?: string[];
}
export type PothosModels = Record<string, { fields: PothosField[] }>;
/** The generated client's runtime data model (PrismaClient#_runtimeDataModel): table and column names. */
export type RuntimeModels = Record<string, { dbName: string | null; fields: { name: string; dbName?: string | null }[] }>;

export interface CompilerInput {
  schema: GraphQLSchema;
  pothosModels: PothosModels;
  runtimeModels: RuntimeModels;
}

type Vars = Record<string, unknown>;
type Args = Record<string, unknown>;

/** One statement: its text and parameter values ($1…). */
export interface CompiledStatement {
  sql: string;
  values: unknown[];
}

interface Build {
  input: CompilerInput;
  fragments: Record<string, FragmentDefinitionNode>;
  /** null: static analysis (does every field compile?), no request values. */
  vars: Vars | null;
  values: unknown[];
  aliases: number;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function param(b: Build, value: unknown) {
  b.values.push(value instanceof Date ? value.toISOString() : value);
  return `$${b.values.length}`;
}

const alias = (b: Build) => `t${++b.aliases}`;

// --- the data models ---------------------------------------------------------

function modelOf(b: Build, model: string) {
  const p = b.input.pothosModels[model];
  const r = b.input.runtimeModels[model];
  if (!p || !r) throw new Fallback(`no Prisma model ${model}`);
  return { p, r };
}

function fieldOf(b: Build, model: string, name: string): PothosField {
  const f = modelOf(b, model).p.fields.find((x) => x.name === name);
  if (!f) throw new Fallback(`${model} has no field ${name}`);
  return f;
}

const table = (b: Build, model: string) => ident(modelOf(b, model).r.dbName ?? model);

function column(b: Build, model: string, name: string) {
  const f = modelOf(b, model).r.fields.find((x) => x.name === name);
  if (!f) throw new Fallback(`${model} has no column for ${name}`);
  return ident(f.dbName ?? name);
}

function idField(b: Build, model: string): PothosField {
  const id = modelOf(b, model).p.fields.find((f) => f.isId);
  if (!id) throw new Fallback(`${model} has no single-column id`);
  return id;
}

// --- selections ---------------------------------------------------------------

function included(b: Build, node: FieldNode | { directives?: readonly unknown[] }) {
  // Static analysis compiles every branch.
  if (!b.vars) return true;
  const n = node as FieldNode;
  if (getDirectiveValues(GraphQLSkipDirective, n, b.vars)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, n, b.vars)?.if !== false;
}

/** The fields of `sets` on `type` by response key, in the order GraphQL executes them (fragments inlined, directives applied). */
function collect(b: Build, type: GraphQLObjectType, sets: readonly SelectionSetNode[], out = new Map<string, FieldNode[]>()) {
  for (const set of sets) {
    for (const s of set.selections) {
      if (!included(b, s)) continue;
      if (s.kind === Kind.FIELD) {
        const key = s.alias?.value ?? s.name.value;
        const list = out.get(key);
        if (list) list.push(s);
        else out.set(key, [s]);
        continue;
      }
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : b.fragments[s.name.value];
      if (!fragment) throw new Fallback(`unknown fragment`);
      const on = fragment.typeCondition?.name.value;
      if (on && on !== type.name) {
        // A fragment on an interface the type implements applies; any other never matches an object of this type.
        if (type.getInterfaces().some((i) => i.name === on)) collect(b, type, [fragment.selectionSet], out);
        continue;
      }
      collect(b, type, [fragment.selectionSet], out);
    }
  }
  return out;
}

const subSets = (nodes: FieldNode[]) => nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));

function argsOf(b: Build, field: GraphQLField<unknown, unknown>, node: FieldNode): Args {
  if (!b.vars) return {};
  try {
    return getArgumentValues(field, node, b.vars);
  } catch (e) {
    throw new Fallback(`arguments of ${field.name}: ${(e as Error).message}`);
  }
}

const argAt = (args: Args, path: string) => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Args)[k] : undefined), args);
const given = (v: unknown) => v !== undefined && v !== null && v !== false;

// --- objects ----------------------------------------------------------------

function prismaModel(type: GraphQLObjectType): string | undefined {
  return (type.extensions as { pothosPrismaModel?: string }).pothosPrismaModel;
}

function objectText(b: Build, type: GraphQLObjectType, sets: readonly SelectionSetNode[], row: string): string {
  const model = prismaModel(type);
  if (!model) throw new Fallback(`${type.name} is not a Prisma object`);
  if ((type.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes) throw new Fallback(`${type.name} has auth scopes`);
  const parts: [string, string][] = [];
  for (const [key, nodes] of collect(b, type, sets)) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      parts.push([key, jsonLit(type.name)]);
      continue;
    }
    const field = type.getFields()[name];
    if (!field) throw new Fallback(`${type.name}.${name} does not exist`);
    parts.push([key, fieldText(b, type, model, field, nodes, row)]);
  }
  return jsonObject(parts);
}

function fieldText(b: Build, type: GraphQLObjectType, model: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], row: string): string {
  const ext = field.extensions as { pothosExposedField?: string; pothosPrismaRelationField?: PothosField; pothosOptions?: { authScopes?: unknown } };
  const where = `${type.name}.${field.name}`;
  if (ext.pothosOptions?.authScopes) throw new Fallback(`${where} has auth scopes`);
  if (ext.pothosExposedField) return scalarText(b, model, field, ext.pothosExposedField, row, where);
  if (ext.pothosPrismaRelationField) return relationText(b, model, field, nodes, row, ext.pothosPrismaRelationField, where);
  throw new Fallback(`${where} is resolved by code`);
}

function scalarText(b: Build, model: string, field: GraphQLField<unknown, unknown>, exposed: string, row: string, where: string): string {
  const f = fieldOf(b, model, exposed);
  if (f.kind === 'object' || f.isList || isListType(getNullableType(field.type))) throw new Fallback(`${where}: not a single column`);
  // A null in a non-null field is an error on the Pothos path: not compiled.
  if (isNonNullType(field.type) && !f.isRequired) throw new Fallback(`${where}: non-null field over a nullable column`);
  const col = `${row}.${column(b, model, exposed)}`;
  const named = getNamedType(field.type);
  let text: string;
  if (isEnumType(named)) {
    if (f.kind !== 'enum') throw new Fallback(`${where}: enum over a ${f.type} column`);
    text = jsonEnum(col, named.getValues(), where);
  } else {
    const expect = (t: string) => {
      if (f.type !== t) throw new Fallback(`${where}: ${named.name} over a ${f.type} column`);
    };
    switch (named.name) {
      case 'String':
      case 'ID':
      case 'UUID':
      case 'Currency':
        expect('String');
        text = jsonString(col);
        break;
      case 'Int':
        expect('Int');
        text = jsonInt(col);
        break;
      case 'Boolean':
        expect('Boolean');
        text = jsonBoolean(col);
        break;
      case 'Decimal':
        expect('Decimal');
        text = jsonDecimal(col);
        break;
      case 'DateTime':
        expect('DateTime');
        text = jsonDateTime(col);
        break;
      default:
        // JSON (key order and number formats of a parsed jsonb), Float, EmailAddress…
        throw new Fallback(`${where}: scalar ${named.name} is not compiled`);
    }
  }
  return f.isRequired ? text : orNull(text);
}

// --- relations and connections ----------------------------------------------

/** `target_alias.fk = row.id` or `target_alias.id = row.fk`: the relation's join, by its foreign key. */
function joinOn(b: Build, model: string, row: string, rel: PothosField, target: string) {
  if (rel.relationFromFields?.length) {
    if (rel.relationFromFields.length !== 1) throw new Fallback(`${model}.${rel.name}: compound foreign key`);
    return (t: string) => `${t}.${column(b, target, idField(b, target).name)} = ${row}.${column(b, model, rel.relationFromFields![0]!)}`;
  }
  const back = modelOf(b, target).p.fields.find(
    (f) => f.kind === 'object' && f.relationName === rel.relationName && f.relationFromFields?.length && !(target === model && f.name === rel.name),
  );
  if (!back || back.relationFromFields!.length !== 1) throw new Fallback(`${model}.${rel.name}: no single-column foreign key on ${target}`);
  return (t: string) => `${t}.${column(b, target, back.relationFromFields![0]!)} = ${row}.${column(b, model, idField(b, model).name)}`;
}

/** The field's own Prisma query (orderBy, take, …), as plugin-prisma plans it for these arguments. */
function relationQuery(field: GraphQLField<unknown, unknown>, args: Args, where: string): Record<string, unknown> {
  const select = (field.extensions as { pothosPrismaSelect?: unknown }).pothosPrismaSelect;
  if (typeof select !== 'function') throw new Fallback(`${where}: no prisma selection`);
  let captured: unknown;
  try {
    (select as (...a: unknown[]) => unknown)(args, {}, (q: unknown) => ((captured = q), {}), () => new Set(['edges']));
  } catch (e) {
    throw new Fallback(`${where}: ${(e as Error).message}`);
  }
  if (captured === undefined) captured = {};
  if (!captured || typeof captured !== 'object' || typeof (captured as { then?: unknown }).then === 'function') {
    throw new Fallback(`${where}: its query is computed per request`);
  }
  return captured as Record<string, unknown>;
}

type Order = [field: string, direction: 'asc' | 'desc'][];

function orderOf(b: Build, model: string, orderBy: unknown, where: string): Order {
  const list = (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []) as Record<string, unknown>[];
  const order: Order = [];
  for (const o of list) {
    for (const [k, v] of Object.entries(o)) {
      if ((v !== 'asc' && v !== 'desc') || fieldOf(b, model, k).kind === 'object') throw new Fallback(`${where}: orderBy ${k} is not a column`);
      order.push([k, v]);
    }
  }
  if (!order.length) throw new Fallback(`${where}: unordered list`);
  return order;
}

const orderSql = (b: Build, model: string, order: Order, row: string) =>
  order.map(([f, d]) => `${row}.${column(b, model, f)} ${d}`).join(', ');

function relationText(b: Build, model: string, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], row: string, rel: PothosField, where: string): string {
  const target = rel.type;
  const gqlType = getNullableType(field.type);
  const join = joinOn(b, model, row, rel, target);
  const args = argsOf(b, field, nodes[0]!);
  if (isObjectType(gqlType) && gqlType.getFields().edges && rel.isList) {
    const query = relationQuery(field, args, where);
    if (query.cursor || args.after != null || args.before != null || args.last != null) throw new Fallback(`${where}: nested cursors and backward pages are not compiled`);
    for (const k of Object.keys(query)) if (!['orderBy', 'take', 'skip'].includes(k)) throw new Fallback(`${where}: query.${k} is not compiled`);
    if (query.skip) throw new Fallback(`${where}: skip`);
    const take = typeof query.take === 'number' ? query.take : NaN;
    if (!(take >= 1)) throw new Fallback(`${where}: page size`);
    return connectionText(b, gqlType, nodes, {
      model: target,
      where: join,
      order: orderOf(b, target, query.orderBy, where),
      first: take - 1,
      after: null,
      what: where,
    });
  }
  const query = relationQuery(field, {}, where);
  for (const k of Object.keys(query)) if (!['orderBy', 'take'].includes(k)) throw new Fallback(`${where}: query.${k} is not compiled`);
  const named = getNamedType(field.type);
  if (!isObjectType(named) || prismaModel(named) !== target) throw new Fallback(`${where}: its type is not the Prisma object of ${target}`);
  const t = alias(b);
  if (rel.isList) {
    if (!isListType(gqlType) || !isNonNullType(gqlType.ofType)) throw new Fallback(`${where}: list shape`);
    const order = orderOf(b, target, query.orderBy, where);
    const take = typeof query.take === 'number' ? ` limit ${query.take | 0}` : '';
    const r = alias(b);
    return (
      `(select '[' || coalesce(string_agg(${objectText(b, named, subSets(nodes), r)}, ',' order by ${orderSql(b, target, order, r)}), '') || ']' ` +
      `from (select * from ${table(b, target)} ${t} where ${join(t)} order by ${orderSql(b, target, order, t)}${take}) ${r})`
    );
  }
  const one = `(select ${objectText(b, named, subSets(nodes), t)} from ${table(b, target)} ${t} where ${join(t)})`;
  return isNonNullType(field.type) ? `coalesce(${one}, app.compiled_anomaly(${lit(`null in non-null ${where}`)})::text)` : orNull(one);
}

interface ConnectionSource {
  model: string;
  /** The rows' filter on a table alias. */
  where: (t: string) => string;
  order: Order;
  /** Page size (`first`, after defaults and limits). */
  first: number;
  /** The `after` cursor's row id, or null. */
  after: string | null;
  what: string;
}

/**
 * A Relay connection as @pothos/plugin-prisma builds it: first+1 rows in the
 * field's order (the extra one says hasNextPage), edges with plugin-prisma
 * cursors, pageInfo, totalCount (the same filter, every row). After a
 * cursor: the rows past the cursor row in that order; a cursor whose row is
 * not in the connection (hidden, deleted, filtered out) fails the statement,
 * and the ordinary path answers (src/cursors.ts refuses it there).
 */
function connectionText(b: Build, type: GraphQLObjectType, nodes: FieldNode[], src: ConnectionSource): string {
  const { model } = src;
  const id = idField(b, model);
  if (id.type !== 'String') throw new Fallback(`${src.what}: cursors of a ${id.type} key are not compiled`);
  const idCol = column(b, model, id.name);
  const t = alias(b);
  const r = alias(b);
  const first = param(b, src.first);
  let where = src.where(t);
  // After a cursor: its row, read once (a CTE used twice is materialized, so the table and its
  // policies are visited once), both to check it is in the connection and to start past it.
  let cursorRow: { name: string; sql: string } | undefined;
  if (src.after !== null) {
    const dirs = new Set(src.order.map(([, d]) => d));
    if (dirs.size !== 1) throw new Fallback(`${src.what}: cursor over a mixed-direction order`);
    const c = alias(b);
    const cursor = param(b, src.after);
    const cols = (a: string) => src.order.map(([f]) => `${a}.${column(b, model, f)}`).join(', ');
    cursorRow = { name: alias(b), sql: `select ${cols(c)} from ${table(b, model)} ${c} where ${c}.${idCol} = ${cursor} and ${src.where(c)}` };
    where += ` and (${cols(t)}) ${dirs.has('desc') ? '<' : '>'} (select * from ${cursorRow.name})`;
  }
  const inPage = `${r}."__n" <= ${first}`;
  const parts: [string, string][] = [];
  for (const [key, fieldNodes] of collect(b, type, subSets(nodes))) {
    const name = fieldNodes[0]!.name.value;
    if (name === '__typename') {
      parts.push([key, jsonLit(type.name)]);
      continue;
    }
    const fieldType = type.getFields()[name]?.type;
    const named = fieldType && getNamedType(fieldType);
    if (name === 'totalCount') {
      const x = alias(b);
      parts.push([key, `(select count(*) from ${table(b, model)} ${x} where ${src.where(x)})::text`]);
    } else if (name === 'pageInfo' && named && isObjectType(named)) {
      const info: [string, string][] = [];
      for (const [k, n] of collect(b, named, subSets(fieldNodes))) {
        const f = n[0]!.name.value;
        if (f === '__typename') info.push([k, jsonLit(named.name)]);
        else if (f === 'hasNextPage') info.push([k, `case when count(*) > ${first} then 'true' else 'false' end`]);
        else if (f === 'hasPreviousPage') info.push([k, src.after !== null ? `'true'` : `'false'`]);
        else if (f === 'startCursor') info.push([k, orNull(`min(case when ${r}."__n" = 1 and ${inPage} then ${jsonStringCursor(`${r}.${idCol}`)} end)`)]);
        else if (f === 'endCursor') info.push([k, orNull(`(array_agg(${jsonStringCursor(`${r}.${idCol}`)} order by ${r}."__n" desc) filter (where ${inPage}))[1]`)]);
        else throw new Fallback(`${src.what}: pageInfo.${f}`);
      }
      parts.push([key, jsonObject(info)]);
    } else if (name === 'edges' && named && isObjectType(named)) {
      const edge: [string, string][] = [];
      for (const [k, n] of collect(b, named, subSets(fieldNodes))) {
        const f = n[0]!.name.value;
        if (f === '__typename') edge.push([k, jsonLit(named.name)]);
        else if (f === 'cursor') edge.push([k, jsonStringCursor(`${r}.${idCol}`)]);
        else if (f === 'node') {
          const nodeType = getNamedType(named.getFields().node!.type);
          if (!isObjectType(nodeType) || prismaModel(nodeType) !== model) throw new Fallback(`${src.what}: node is not the Prisma object of ${model}`);
          edge.push([k, objectText(b, nodeType, subSets(n), r)]);
        } else throw new Fallback(`${src.what}: edge field ${f}`);
      }
      parts.push([key, `'[' || coalesce(string_agg(${jsonObject(edge)}, ',' order by ${r}."__n") filter (where ${inPage}), '') || ']'`]);
    } else {
      throw new Fallback(`${src.what}: connection field ${name}`);
    }
  }
  const order = orderSql(b, model, src.order, t);
  const page =
    `(select ${r}.*, row_number() over (order by ${orderSql(b, model, src.order, r)}) as "__n" ` +
    `from (select * from ${table(b, model)} ${t} where ${where} order by ${order} limit ${first} + 1) ${r}) ${r}`;
  const text = `(select ${jsonObject(parts)} from ${page})`;
  if (!cursorRow) return text;
  return `(with ${cursorRow.name} as (${cursorRow.sql}) select case when exists (select 1 from ${cursorRow.name}) then ${text} ` +
    `else app.compiled_anomaly(${lit(`cursor not in ${src.what}`)})::text end)`;
}

// --- root fields --------------------------------------------------------------

function conditionsOf(b: Build, model: string, source: CompiledSource, args: Args): (t: string) => string {
  const active: { c: CompiledCondition; value: unknown }[] = [];
  for (const c of source.where ?? []) {
    fieldOf(b, model, c.field);
    if ('arg' in c) {
      const v = b.vars ? argAt(args, c.arg) : null; // static analysis: every condition
      if (b.vars && (v === undefined || v === null)) continue;
      active.push({ c, value: v });
    } else {
      if (b.vars && c.unless && argAt(args, c.unless) === true) continue;
      active.push({ c, value: c.value });
    }
  }
  const ops = { equals: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  // Parameters are bound once; each alias (page, cursor row, count) reuses them.
  const bound = active.map(({ c, value }) => ({ col: column(b, model, c.field), op: ops[c.op], p: param(b, value) }));
  return (t) => (bound.length ? bound.map(({ col, op, p }) => `${t}.${col} ${op} ${p}`).join(' and ') : 'true');
}

function rootText(b: Build, field: GraphQLField<unknown, unknown>, nodes: FieldNode[]): string {
  const where = `Query.${field.name}`;
  const source = (field.extensions as { compiled?: CompiledSource }).compiled;
  if (!source) throw new Fallback(`${where} has no compiled source (extensions.compiled)`);
  if ((field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes && source.scopes !== 'signedIn') {
    throw new Fallback(`${where} has auth scopes`);
  }
  const args = argsOf(b, field, nodes[0]!);
  // Static analysis sees the literal arguments only (a literal `lowStock: true` always falls back).
  let known: Args = args;
  if (!b.vars) {
    try {
      known = getArgumentValues(field, nodes[0]!, {});
    } catch {
      known = {};
    }
  }
  for (const rule of source.fallbackWhen ?? []) {
    if (rule.split('&').every((p) => given(argAt(known, p)))) throw new Fallback(`${where}: ${rule} given`);
  }
  const type = getNullableType(field.type);
  const named = getNamedType(field.type);
  if (!isObjectType(named)) throw new Fallback(`${where}: not an object`);
  if (type === named && prismaModel(named) && source.unique) {
    const model = prismaModel(named)!;
    const t = alias(b);
    const value = b.vars ? argAt(args, source.unique.arg) : null;
    if (b.vars && (value === undefined || value === null)) throw new Fallback(`${where}: no ${source.unique.arg}`);
    const one = `(select ${objectText(b, named, subSets(nodes), t)} from ${table(b, model)} ${t} where ${t}.${column(b, model, source.unique.field)} = ${param(b, value)})`;
    return isNonNullType(field.type) ? `coalesce(${one}, app.compiled_anomaly(${lit(`null in non-null ${where}`)})::text)` : orNull(one);
  }
  const edges = named.getFields().edges;
  const edgeType = edges && getNamedType(edges.type);
  const nodeField = edgeType && isObjectType(edgeType) ? edgeType.getFields().node : undefined;
  const nodeType = nodeField && getNamedType(nodeField.type);
  const model = nodeType && isObjectType(nodeType) ? prismaModel(nodeType) : undefined;
  if (!edges || !model || !source.orderBy) throw new Fallback(`${where}: neither a Prisma connection nor a unique lookup`);
  if (args.last != null || args.before != null) throw new Fallback(`${where}: backward pages are not compiled`);
  const first = args.first == null ? DEFAULT_PAGE : (args.first as number);
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw new Fallback(`${where}: first out of range`);
  let after: string | null = null;
  if (args.after != null) {
    const decoded = typeof args.after === 'string' ? Buffer.from(args.after, 'base64').toString('utf8') : '';
    const m = /^GPC:S:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(decoded);
    // Anything but a well-formed uuid cursor: the ordinary path explains (BAD_USER_INPUT).
    if (!m || Buffer.from(decoded, 'utf8').toString('base64') !== args.after) throw new Fallback(`${where}: cursor`);
    after = m[1]!.toLowerCase();
  }
  let orders: CompiledOrder[];
  let chosen: CompiledOrder | undefined;
  if (Array.isArray(source.orderBy)) chosen = source.orderBy as CompiledOrder;
  else {
    const o = source.orderBy as { arg: string; orders: Record<string, CompiledOrder>; default: string };
    orders = Object.values(o.orders);
    if (!b.vars) orders.forEach((x) => orderOf(b, model, x, where)); // every order compiles
    const key = (argAt(args, o.arg) as string | undefined) ?? o.default;
    chosen = o.orders[key];
  }
  if (!chosen) throw new Fallback(`${where}: unknown order`);
  return connectionText(b, named, nodes, {
    model,
    where: conditionsOf(b, model, source, args),
    order: orderOf(b, model, chosen, where),
    first,
    after,
    what: where,
  });
}

let DEFAULT_PAGE = 20;
let MAX_PAGE = 100;
/** The connections' page sizes (builder options prisma.defaultConnectionSize / maxConnectionSize). */
export function setPageSizes(defaultSize: number, maxSize: number) {
  DEFAULT_PAGE = defaultSize;
  MAX_PAGE = maxSize;
}

/**
 * The statement for `document` (its operation `operationName`) with these
 * coerced variables; `variables: null` only checks that every field compiles
 * (the codegen report, start-up). Throws Fallback.
 */
export function compileOperation(input: CompilerInput, document: DocumentNode, operationName: string | null | undefined, variables: Vars | null): CompiledStatement {
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Fallback('no such operation');
  if (operation.operation !== 'query') throw new Fallback(`${operation.operation}s are not compiled`);
  const query = input.schema.getQueryType()!;
  const b: Build = {
    input,
    fragments: Object.fromEntries(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    ),
    vars: variables,
    values: [],
    aliases: 0,
  };
  const parts: [string, string][] = [];
  for (const [key, nodes] of collect(b, query, [operation.selectionSet])) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      parts.push([key, jsonLit(query.name)]);
      continue;
    }
    const field = query.getFields()[name];
    if (!field) throw new Fallback(`Query.${name} does not exist`);
    parts.push([key, rootText(b, field, nodes)]);
  }
  return { sql: `select '{"data":' || ${jsonObject(parts)} || '}' as body`, values: b.values };
}
