// What a root field declares so the compiler (./compile.ts) can read its rows
// without running its resolver: `extensions: { compiled: {...} }` beside the
// field in its src/schema file, mirroring what the resolver passes to Prisma.
// The differential test (test/api/compiled.test.ts) fails when the two drift.
// A root field without it is not compiled (its operations fall back).

/** Prisma's orderBy: one `{ field: direction }` per key, in order. */
export type CompiledOrder = readonly Readonly<Partial<Record<string, 'asc' | 'desc'>>>[];

/**
 * One condition of the field's Prisma `where`: `field op <argument at path>`,
 * left out when that argument is null or absent (as Prisma leaves out
 * `undefined`), or `field = value` unless the argument at `unless` is true.
 */
export type CompiledCondition =
  | { field: string; op: 'equals' | 'gt' | 'gte' | 'lt' | 'lte'; arg: string }
  | { field: string; op: 'equals'; value: string | number | boolean; unless?: string };

export interface CompiledSource {
  /** The rows' filter (RLS adds the tenant and the viewer's rights). */
  where?: readonly CompiledCondition[];
  /** Connections: the order, fixed or chosen by an enum argument (its internal value → order; `default` when absent). */
  orderBy?: CompiledOrder | { arg: string; orders: Readonly<Record<string, CompiledOrder>>; default: string };
  /** Single-row fields: the unique field and the argument holding its value (`findUnique({ where: { id: rowId } })`). */
  unique?: { field: string; arg: string };
  /**
   * Arguments the compiled statement does not express (searches, subtrees,
   * staff-only switches): when any of them is given (not null, not false),
   * the request is answered by the ordinary path. `a&b`: both given.
   */
  fallbackWhen?: readonly string[];
  /** The field's own authScopes ask only for a signed-in caller, outside the fallbackWhen cases (the compiled path serves signed-in users only). */
  scopes?: 'signedIn';
}
