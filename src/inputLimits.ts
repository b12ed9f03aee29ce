// Bad input is a client error, refused in one place before any database work.
//
// Before execution (registered before useRequestTransaction, so no request
// transaction starts) every argument of the operation about to run, literal
// or variable, is coerced with its input type and checked:
//   - any string containing U+0000 (Postgres text cannot hold it);
//   - strings longer than the argument's `extensions.maxLength`, else
//     MAX_STRING_LENGTH; lists longer than `extensions.maxItems`, else
//     MAX_LIST_ITEMS (src/schema/limits.ts);
//   - Relay: `first`/`last` negative or combined, `after` with `last`,
//     `before` with `first` or `after`; cursors that are not this
//     connection's format (src/cursors.ts); global ids that do not decode to
//     a node type of this schema and a well-formed id.
// Values that fail their scalar (a year-0000 DateTime, a lower-case currency)
// are refused here as well, and so are invalid literals, which graphql-js
// reports during validation: every such error becomes BAD_USER_INPUT with the
// argument path in `extensions.field` (`input.currency`, `ids.3`), like
// `badInput` in src/errors.ts.
//
// For operations that send a cursor, the request's Prisma client checks while
// the page loads that the cursor's row belongs to the connection (see
// src/cursors.ts): a deleted row or another connection's row is refused, not
// an empty or shifted page.
import {
  GraphQLError, Kind, TypeInfo, coerceInputValue, getArgumentValues, getNamedType, getOperationAST, getVariableValues,
  isInputObjectType, isInterfaceType, isListType, isNonNullType, isObjectType, typeFromAST, visit, visitWithTypeInfo,
  type ASTNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLArgument, type GraphQLField,
  type GraphQLInputField, type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from './context.js';
import { cursorProblem, guardCursorPages, nodeIdProblem } from './cursors.js';
import { refusedBeforeExecution } from './errors.js';
import { MAX_GLOBAL_ID_LENGTH, MAX_LIST_ITEMS, MAX_STRING_LENGTH, type InputLimitExtensions } from './schema/limits.js';

/** Most errors reported for one request; the rest would only repeat the point. */
const MAX_ERRORS = 20;

// Refused before execution: 400 under application/graphql-response+json (GraphQL over HTTP).
const refuse = (message: string, field: string, nodes?: ASTNode | readonly ASTNode[], extra: Record<string, unknown> = {}) =>
  refusedBeforeExecution('BAD_USER_INPUT', message, { field, ...extra }, 400, { nodes });

/** Messages may quote the offending value: never echo a megabyte back. */
const short = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);

type Limits = InputLimitExtensions & { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };
const limitsOf = (def: GraphQLArgument | GraphQLInputField) => (def.extensions ?? {}) as Limits;

// --- what the schema says --------------------------------------------------

interface SchemaFacts {
  /** Node type name → its Prisma model (for the id format). */
  nodeTypes: Map<string, string | undefined>;
}
const facts = new WeakMap<GraphQLSchema, SchemaFacts>();
function schemaFacts(schema: GraphQLSchema): SchemaFacts {
  let f = facts.get(schema);
  if (!f) {
    const node = schema.getType('Node');
    const nodeTypes = new Map<string, string | undefined>();
    if (node && isInterfaceType(node)) {
      for (const t of schema.getImplementations(node).objects) nodeTypes.set(t.name, t.extensions?.pothosPrismaModel as string | undefined);
    }
    facts.set(schema, (f = { nodeTypes }));
  }
  return f;
}

/** The Prisma model behind a connection field's nodes, when it is a connection. */
function connectionModel(field: GraphQLField<unknown, unknown>): { model: string | undefined } | undefined {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return undefined;
  const fields = type.getFields();
  const edge = fields.edges && getNamedType(fields.edges.type);
  if (!fields.pageInfo || !edge || !isObjectType(edge)) return undefined;
  const node = edge.getFields().node && getNamedType(edge.getFields().node!.type);
  // A connection over non-model nodes whose cursors are a model's keys (accountStatement:
  // StatementLine, cursors of Transaction ids) declares it: extensions: { cursorModel }.
  const declared = field.extensions?.cursorModel as string | undefined;
  return { model: declared ?? (node?.extensions?.pothosPrismaModel as string | undefined) };
}

// --- the operation's arguments ---------------------------------------------

interface FieldUse {
  node: FieldNode;
  def: GraphQLField<unknown, unknown>;
  /** Variables its arguments use. */
  variables: Set<string>;
}
interface VariableUse {
  field: FieldUse;
  /** Argument path of the variable, e.g. `filter.accountId`. */
  path: string;
  node: ASTNode;
}

type Collected = { fields: FieldUse[]; usages: Map<string, VariableUse[]> };
// Yoga reuses the parsed document of a repeated query, so the walk runs once per document.
const collected = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; result: Collected }>();

/** Fields with arguments and where each variable is used, through the operation and its fragments. */
function collect(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Collected {
  const hit = collected.get(operation);
  if (hit?.schema === schema) return hit.result;
  const result = walk(schema, document, operation);
  collected.set(operation, { schema, result });
  return result;
}

function walk(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Collected {
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const typeInfo = new TypeInfo(schema);
  const fields: FieldUse[] = [];
  const usages = new Map<string, VariableUse[]>();
  const stack: (FieldUse | undefined)[] = [];
  const path: string[] = [];
  const inList = (key: unknown, ancestors: readonly unknown[]) =>
    typeof key === 'number' && (ancestors[ancestors.length - 1] as ASTNode | undefined)?.kind === Kind.LIST;
  visit(
    { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      enter(node, key, _parent, _path, ancestors) {
        if (inList(key, ancestors)) path.push(String(key));
        switch (node.kind) {
          case Kind.FIELD: {
            const def = typeInfo.getFieldDef();
            const use = def ? { node, def, variables: new Set<string>() } : undefined;
            if (use && def!.args.length) fields.push(use);
            stack.push(use);
            break;
          }
          case Kind.DIRECTIVE:
            return false; // @include/@skip take a Boolean: nothing to limit
          case Kind.ARGUMENT:
          case Kind.OBJECT_FIELD:
            path.push(node.name.value);
            break;
          case Kind.VARIABLE: {
            const field = stack[stack.length - 1];
            if (!field || !path.length) break;
            field.variables.add(node.name.value);
            const list = usages.get(node.name.value) ?? [];
            list.push({ field, path: path.join('.'), node });
            usages.set(node.name.value, list);
            break;
          }
        }
        return undefined;
      },
      leave(node, key, _parent, _path, ancestors) {
        if (node.kind === Kind.FIELD) stack.pop();
        if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.pop();
        if (inList(key, ancestors)) path.pop();
      },
    }),
  );
  return { fields, usages };
}

class Checker {
  readonly errors: GraphQLError[] = [];
  constructor(private readonly facts: SchemaFacts) {}

  private fail(field: FieldUse, path: string, problem: string, extra?: Record<string, unknown>) {
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push(refuse(`${field.def.name}(${path}): ${problem}`, path, field.node, extra));
    }
  }

  /** Every value under one argument or input field, against its type and declared limits. */
  value(field: FieldUse, value: unknown, type: GraphQLInputType, limits: Limits, path: string): void {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return this.value(field, value, type.ofType, limits, path);
    if (isListType(type)) {
      if (!Array.isArray(value)) return this.value(field, value, type.ofType, limits, path);
      const max = limits.maxItems ?? MAX_LIST_ITEMS;
      if (value.length > max) return this.fail(field, path, `must have at most ${max} items`, { maxItems: max });
      value.forEach((item, i) => this.value(field, item, type.ofType, limits, `${path}.${i}`));
      return;
    }
    if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        this.value(field, (value as Record<string, unknown>)[f.name], f.type, limitsOf(f), `${path}.${f.name}`);
      }
      return;
    }
    if (typeof value === 'string' && limits.isRelayGlobalID) return this.globalId(field, value, limits, path);
    this.strings(field, value, limits.maxLength ?? MAX_STRING_LENGTH, path, 0);
  }

  /** Strings anywhere in a leaf value (a JSON argument holds nested ones). */
  private strings(field: FieldUse, value: unknown, max: number, path: string, depth: number) {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) this.fail(field, path, 'must not contain the NUL character (U+0000)');
      else if (value.length > max) this.fail(field, path, `must be at most ${max} characters`, { maxLength: max });
    } else if (value && typeof value === 'object' && !(value instanceof Date) && depth < 20) {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\u0000')) this.fail(field, path, 'must not contain the NUL character (U+0000)');
        this.strings(field, v, max, path, depth + 1);
      }
    }
  }

  /** A Relay global id: base64 of `<node type>:<id>`, for a node type of this schema. */
  private globalId(field: FieldUse, value: string, limits: Limits, path: string): void {
    const max = limits.maxLength ?? MAX_GLOBAL_ID_LENGTH;
    if (value.length > max) return this.fail(field, path, `must be at most ${max} characters`, { maxLength: max });
    const decoded = /^(?:[\d+/A-Za-z]{4})*(?:[\d+/A-Za-z]{2}==|[\d+/A-Za-z]{3}=)?$/.test(value) ? Buffer.from(value, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const typename = decoded.slice(0, Math.max(colon, 0));
    const id = decoded.slice(colon + 1);
    const allowed = limits.relayGlobalIDFor?.map((t) => t.typename);
    if (!value || colon <= 0 || decoded.includes('\u0000')) return this.fail(field, path, 'is not a global id of this API');
    if (!this.facts.nodeTypes.has(typename) || (allowed && !allowed.includes(typename))) {
      return this.fail(field, path, `is not a global id of ${allowed ? allowed.join(' or ') : 'a node type'}`);
    }
    const problem = nodeIdProblem(this.facts.nodeTypes.get(typename), id);
    if (problem) this.fail(field, path, `is not a well-formed ${typename} id (${problem})`);
  }

  /** Relay's paging arguments, on a connection field. */
  connection(field: FieldUse, args: Record<string, unknown>, model: string | undefined) {
    const { first, last, after, before } = args as { first?: number | null; last?: number | null; after?: string | null; before?: string | null };
    if (first != null && first < 0) this.fail(field, 'first', 'must not be negative');
    if (last != null && last < 0) this.fail(field, 'last', 'must not be negative');
    if (first != null && last != null) {
      this.fail(field, 'last', 'first and last cannot be combined: page forward with first/after, or backward with last/before');
    }
    if (after != null && before != null) this.fail(field, 'before', 'after and before cannot be combined');
    else if (after != null && last != null) this.fail(field, 'last', 'last pages backward from before; page forward from after with first');
    else if (before != null && first != null) this.fail(field, 'first', 'first pages forward from after; page backward from before with last');
    for (const [name, cursor] of [['after', after], ['before', before]] as const) {
      const problem = typeof cursor === 'string' ? cursorProblem(cursor, model) : undefined;
      if (problem) this.fail(field, name, problem);
    }
  }
}

/** The refusals for an operation about to execute, and whether it sends a cursor. */
export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): { errors: GraphQLError[]; cursors: boolean } {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { errors: [], cursors: false }; // execution explains
  const { fields, usages } = collect(schema, document, operation);
  const check = new Checker(schemaFacts(schema));
  const raw = rawVariables ?? {};

  // Variables: coerced one by one, so a failure is named at each argument that uses it.
  const coerced: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    const problems: { path: readonly (string | number)[]; message: string }[] = [];
    if (type && raw[name] !== undefined) {
      const value = coerceInputValue(raw[name], type, (path, _value, error) => problems.push({ path, message: error.message }));
      if (!problems.length) coerced[name] = value;
    } else {
      const r = getVariableValues(schema, [def], raw);
      if (r.errors) problems.push(...r.errors.map((e) => ({ path: [], message: e.message })));
      else Object.assign(coerced, r.coerced);
    }
    if (!problems.length) continue;
    failed.add(name);
    const uses = usages.get(name) ?? [];
    for (const { path, message } of problems.slice(0, MAX_ERRORS)) {
      if (!uses.length) check.errors.push(refuse(short(`$${name}: ${message}`), `$${name}`, def));
      for (const use of uses) {
        const where = [use.path, ...path].join('.');
        check.errors.push(refuse(short(`${use.field.def.name}(${where}): ${message}`), where, use.node));
      }
    }
  }

  let cursors = false;
  for (const field of fields) {
    if ([...field.variables].some((v) => failed.has(v))) continue; // already named above
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field.def, field.node, coerced);
    } catch (e) {
      const message = (e as Error).message;
      const argument = /Argument "([^"]+)"/.exec(message)?.[1] ?? field.def.name;
      check.errors.push(refuse(short(`${field.def.name}: ${message}`), argument, field.node));
      continue;
    }
    const connection = connectionModel(field.def);
    for (const def of field.def.args) {
      // A connection's cursors have their own checks (format, length) below.
      if (connection && (def.name === 'after' || def.name === 'before')) continue;
      check.value(field, args[def.name], def.type, limitsOf(def), def.name);
    }
    if (connection) {
      check.connection(field, args, connection.model);
      cursors ||= args.after != null || args.before != null;
    }
  }
  return { errors: check.errors.slice(0, MAX_ERRORS), cursors };
}

// --- literals refused during validation -------------------------------------

/** The argument path (`input.currency`, `ids.2`) and field of a value node of `document`, if it is inside an argument. */
function argumentOf(document: DocumentNode, target: ASTNode): { path: string; field: string } | undefined {
  let found: { path: string; field: string } | undefined;
  const path: string[] = [];
  const fields: string[] = [];
  const inList = (key: unknown, ancestors: readonly unknown[]) =>
    typeof key === 'number' && (ancestors[ancestors.length - 1] as ASTNode | undefined)?.kind === Kind.LIST;
  visit(document, {
    enter(node, key, _parent, _path, ancestors) {
      if (found) return false;
      if (inList(key, ancestors)) path.push(String(key));
      if (node.kind === Kind.FIELD) fields.push(node.name.value);
      if (node.kind === Kind.DIRECTIVE || node.kind === Kind.VARIABLE_DEFINITION) return false;
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.push(node.name.value);
      if (node === target && path.length) found = { path: path.join('.'), field: fields[fields.length - 1] ?? '' };
      return undefined;
    },
    leave(node, key, _parent, _path, ancestors) {
      if (node.kind === Kind.FIELD) fields.pop();
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) path.pop();
      if (inList(key, ancestors)) path.pop();
    },
  });
  return found;
}

const VALUE_KINDS = new Set<string>([
  Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOLEAN, Kind.NULL, Kind.ENUM, Kind.LIST, Kind.OBJECT, Kind.OBJECT_FIELD,
]);

/** A validation error about a literal argument value, as BAD_USER_INPUT naming the argument. */
function namedLiteralError(document: DocumentNode, error: GraphQLError): GraphQLError {
  const node = error.nodes?.[0];
  // Already named: Yoga's validation cache hands back results this has seen.
  if (!node || !VALUE_KINDS.has(node.kind) || error.extensions?.field !== undefined) return error;
  const at = argumentOf(document, node);
  if (!at) return error;
  return refuse(short(`${at.field}(${at.path}): ${error.message}`), at.path, error.nodes);
}

/** The plugin: register it before useRequestTransaction (and before anything that prices or runs the operation). */
export function useInputLimits(): Plugin<Context> {
  return {
    onValidate({ params }) {
      const document = params.documentAST;
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((e) => namedLiteralError(document, e)));
      };
    },
    onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const { errors, cursors } = checkOperation(args.schema, args.document, args.operationName, args.variableValues);
      if (errors.length) {
        setResultAndStopExecution({ errors });
        return;
      }
      if (cursors) {
        // Runs inside the request transaction (useRequestTransaction wraps this), once ctx.db exists.
        setExecuteFn((execArgs) => {
          const ctx = execArgs.contextValue as Context;
          ctx.db = guardCursorPages(ctx.db);
          return executeFn(execArgs);
        });
      }
    },
  };
}
