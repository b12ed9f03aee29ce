// The price of a query, computed before any SQL runs from the document, the
// variables actually sent and the real page sizes (@pothos/plugin-complexity
// walks the selection; this file only says what each field costs).
//
// The unit is roughly "one row": every object a resolver loads costs 10,
// scalars are free (they come with their row), and a connection or list
// multiplies the cost of its selection by the number of rows it may return:
// `first`/`last` when sent (as a literal or a variable), else the default page
// of 20; `nodes(ids:)` by the number of ids. `edges` and `pageInfo` are
// wrappers and cost nothing themselves. `__typename` costs 1 (the plugin's
// fixed price), so clients that add it everywhere (Apollo, urql) stay cheap.
import { type DocumentNode, type GraphQLField, type GraphQLSchema, Kind, getNamedType, isLeafType, isListType, isNonNullType } from 'graphql';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';

/** Cost of one loaded object (≈ one row). */
export const ROW_COST = 10;
/** Rows a plain list relation may return (relations take at most this many). */
export const LIST_ROWS = 20;
/** The largest query a caller may send: about 5,000 rows. */
export const MAX_QUERY_COST = 50_000;

const pageSize = (n: unknown) => (typeof n === 'number' && n >= 0 ? Math.min(n, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE);

export function fieldCost<C>(args: Record<string, unknown>, _ctx: C, field: GraphQLField<unknown, C>) {
  const type = getNamedType(field.type);
  if (isLeafType(type)) return 0;
  if (type.name === 'PageInfo' || type.name.endsWith('Edge')) return { field: 0, multiplier: 1 };
  if (type.name.endsWith('Connection')) return { field: ROW_COST, multiplier: pageSize(args.first ?? args.last) };
  const list = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  if (!list) return ROW_COST;
  // A list loads its rows itself (no `node` below it to charge): its own price is per row.
  const ids = Object.values(args).find(Array.isArray);
  const rows = ids ? ids.length : LIST_ROWS;
  return { field: ROW_COST * rows, multiplier: rows };
}

/**
 * The cost of the operation that will run (by name, or the only one), with
 * the request's variables. Undefined when the variables do not fit the
 * operation: execution reports that error with its own message.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return undefined;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  try {
    return complexityFromQuery({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }, { schema, variables: variables ?? {} }).complexity;
  } catch {
    return undefined;
  }
}
