// The schema builder only: types live one per file beside it (Pothos
// "complex app" layout) and src/schema/index.ts assembles them.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin, { type StandardSchemaV1 } from '@pothos/plugin-validation';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context } from '../context.js';
import type { PartnerScope } from '../auth/tokens.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';
import { fieldCost } from './cost.js';
import { badInput, forbidden, nullIfNotFound, unauthenticated } from '../errors.js';
import { DOC } from './docs.js';

/** `input.name` for an issue at ['input', 'name']: the same path src/inputLimits.ts reports. */
const issuePath = (issue: StandardSchemaV1.Issue) =>
  (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');

/**
 * plugin-prisma adds `totalCount` to a connection (`totalCount:` on prismaConnection and
 * relatedConnection) without a way to describe it: this plugin gives it its description.
 */
class DescribeTotalCountPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(field: PothosOutputFieldConfig<Types>) {
    return field.extensions?.pothosPrismaTotalCount && !field.description ? { ...field, description: DOC.totalCount } : field;
  }
}
declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      describeTotalCount: DescribeTotalCountPlugin<Types>;
    }
  }
}
// Registered once per process: test files re-evaluate this module, @pothos/core keeps its registry.
const registered = (SchemaBuilder as unknown as { plugins: Record<string, unknown> }).plugins;
if (!registered.describeTotalCount) SchemaBuilder.registerPlugin('describeTotalCount', DescribeTotalCountPlugin);

// The builder being configured, for the `nodes` resolver below (which runs long after).
let self: PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<{}>>;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  // Coarse authorization, visible where a field is declared. RLS stays the
  // enforcer: a scope only refuses early, with a clear code, what the
  // policies would refuse anyway.
  AuthScopes: {
    /**
     * A valid access token, a user's or a partner client's (Query and Mutation
     * require it unless a field skips type scopes). What a partner reads is
     * decided by the policies keyed on its scopes (sql/functions/partner.sql).
     */
    signedIn: boolean;
    /** The viewer is an owner or admin of the tenant, as the database says now. */
    admin: boolean;
    /**
     * The viewer is a partner client whose token holds this scope. Refuses
     * early what the database's partner policies (keyed on the client's
     * current scopes, sql/functions/partner.sql) would refuse anyway.
     */
    partnerScope: PartnerScope;
    /** The viewer is support staff with a support token (issue 12): the `support` views and `supportLogout` only. */
    support: boolean;
  };
  Scalars: {
    ID: { Input: string; Output: string };
    UUID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    Decimal: { Input: string; Output: { toString(): string } | string };
    JSON: { Input: unknown; Output: unknown };
    EmailAddress: { Input: string; Output: string };
    Currency: { Input: string; Output: string };
  };
}>({
  defaultFieldNullability: false,
  // Scope checks wrap the resolver before other plugins do (plugin-scope-auth's advice).
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin, ValidationPlugin, 'describeTotalCount'],
  scopeAuth: {
    authScopes: (ctx) => ({
      // Support staff are signed in too, but reach only the fields that ask for `support` (src/auth/support.ts refuses the rest).
      signedIn: ctx.viewer.kind === 'user' || ctx.viewer.kind === 'partner',
      support: ctx.viewer.kind === 'support',
      // Read from tenant_memberships in the request transaction, not from the
      // token's claim, so a promotion or demotion applies at once (once per request).
      admin: async () => {
        if (ctx.viewer.kind !== 'user') return false;
        const { tenantId, userId } = ctx.viewer;
        const membership = await ctx.db.tenantMembership.findUnique({ where: { tenantId_userId: { tenantId, userId } }, select: { role: true } });
        return membership?.role === 'owner' || membership?.role === 'admin';
      },
      partnerScope: (scope: PartnerScope) => ctx.viewer.kind === 'partner' && ctx.viewer.scopes.includes(scope),
    }),
    // Anonymous callers fail signedIn; a signed-in caller (user or partner) can only fail admin.
    unauthorizedError: (_parent, ctx, info) =>
      ctx.viewer.kind === 'anonymous'
        ? unauthenticated('Sign in first')
        : ctx.viewer.kind === 'support'
          ? forbidden(`${info.fieldName} is not open to support staff: they read the masked \`support\` views only`)
          : info.fieldName === 'support' || info.fieldName === 'supportLogout'
            ? forbidden(`${info.fieldName} is for support staff signed in with supportLogin`)
        : ctx.viewer.kind === 'partner'
          ? forbidden(`${info.fieldName} (as called) is not open to this partner client: it needs a scope the client lacks, or is for the tenant's users`)
          : forbidden(`${info.fieldName} is for owners and admins only`),
  },
  // Declared input rules (zod, on input types and fields) fail as BAD_USER_INPUT
  // naming the field, like src/inputLimits.ts does for lengths and formats.
  validation: {
    validationError: ({ issues }) => {
      const at = (issue: StandardSchemaV1.Issue) => issuePath(issue) || 'input';
      return badInput(issues.map((issue) => `${at(issue)}: ${issue.message}`).join('; '), at(issues[0]!));
    },
  },
  // Field prices only; the limit is checked before execution (src/yoga.ts, useQueryCost).
  complexity: { fieldComplexity: fieldCost },
  // Descriptions of what plugin-relay generates (Node, PageInfo, edges, connection
  // arguments) are set once here; every type and field of the schema has one
  // (test/api/schema-docs.test.ts).
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    idFieldOptions: { description: 'Global id (Relay): opaque, for `node(id:)` and client caches. The row\'s own UUID is `rowId`.' },
    nodeTypeOptions: { description: 'An object with a global `id`, which `node(id:)` fetches.' },
    pageInfoTypeOptions: { description: 'Where a page lies in its connection, and the cursors to page on from it.' },
    pageInfoFieldOptions: { description: 'Cursors of this page and whether more items lie beyond it.' },
    hasNextPageFieldOptions: { description: 'Paging forward: more items follow this page. Paging backward: true exactly when `before` was given.' },
    hasPreviousPageFieldOptions: { description: 'Paging backward: more items precede this page. Paging forward: true exactly when `after` was given.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge (pass it as `before` for the previous page); null for an empty page.' },
    endCursorFieldOptions: { description: 'Cursor of the last edge (pass it as `after` for the next page); null for an empty page.' },
    defaultConnectionTypeOptions: { description: 'One page of a list (Relay connection): its `edges` and the `pageInfo` to page on.' },
    defaultEdgeTypeOptions: { description: 'One item of a page and its cursor.' },
    edgesFieldOptions: { description: 'The items of this page, in the order of the list, each with its cursor.' },
    nodeFieldOptions: { description: 'The item.' },
    cursorFieldOptions: { description: 'Opaque position of this item: pass it as `after` or `before` to the same connection only (any other is BAD_USER_INPUT).' },
    afterArgOptions: { description: 'Items after this cursor (an `endCursor` or edge `cursor` of the same connection).' },
    beforeArgOptions: { description: 'Items before this cursor (a `startCursor` or edge `cursor` of the same connection); page backward with `last`.' },
    // The Relay spec's first+last algorithm is rarely what a client means, and
    // plugin-prisma does not implement it: combining them is refused (src/inputLimits.ts).
    firstArgOptions: { description: 'Page forward: at most this many items after `after` (default 20, at most 100). Cannot be combined with `last` or `before`.' },
    lastArgOptions: { description: 'Page backward: at most this many items before `before` (default 20, at most 100). Cannot be combined with `first` or `after`.' },
    // Relay: a well-formed id of a missing or invisible row is null (in its own
    // slot for `nodes`), not an error. Malformed ids never get here (src/inputLimits.ts).
    nodeQueryOptions: {
      description: 'The object with this global id; null when it does not exist or row-level security hides it from the viewer.',
      args: { id: { description: 'A global `id`. A malformed one is BAD_USER_INPUT.' } },
      resolve: (_root, { id }, _ctx, _info, resolveNode) => nullIfNotFound(resolveNode(id)),
    },
    nodesQueryOptions: {
      description: 'The objects with these global ids, in the same order; null in the slot of one that does not exist or is hidden.',
      args: { ids: { description: 'Global ids, at most 100. A malformed one is BAD_USER_INPUT.' } },
      // One id at a time so one missing row is one null; Pothos loads node ids one by one anyway.
      resolve: (_root, { ids }, ctx, info) => ids.map((id) => nullIfNotFound(resolveNodes(self, ctx, info, [id]).then(([node]) => node))),
    },
  },
  prisma: {
    // Every Prisma query of a request runs in its request transaction.
    // (The plugin types ask for a full client; a transaction client serves every query it makes.)
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    // Every connection: `first` defaults to 20 and is capped at 100.
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    // A resolver handed Pothos' `query` must spread it into its Prisma call, or
    // the selection under it loads row by row: a failure under test, a warning in development.
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : process.env.NODE_ENV === 'test' ? 'error' : 'warn',
  },
});
self = builder as unknown as typeof self;

/**
 * A GraphQL enum over a Prisma enum. GraphQL names are UPPER_CASE (the GraphQL
 * convention); each stands for Prisma's (and Postgres') lowercase value, which
 * is what resolvers and Prisma see. Every value is described.
 */
export function prismaEnumType<const E extends Record<string, string>>(
  name: string,
  prismaEnum: E,
  description: string,
  values: { [K in keyof E]: string },
) {
  const entries = Object.entries(prismaEnum).map(([key, value]) => [key.toUpperCase(), { value, description: values[key] }]);
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(entries) as Record<Uppercase<keyof E & string>, { value: E[keyof E]; description: string }>,
  });
}
