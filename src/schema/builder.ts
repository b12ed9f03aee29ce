// The schema builder only: types live one per file beside it (Pothos
// "complex app" layout) and src/schema/index.ts assembles them.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import ComplexityPlugin from '@pothos/plugin-complexity';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context } from '../context.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';
import { fieldCost } from './cost.js';
import { nullIfNotFound } from '../errors.js';

// The builder being configured, for the `nodes` resolver below (which runs long after).
let self: PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<{}>>;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
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
  plugins: [PrismaPlugin, RelayPlugin, ComplexityPlugin],
  // Field prices only; the limit is checked before execution (src/yoga.ts, useQueryCost).
  complexity: { fieldComplexity: fieldCost },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // The Relay spec's first+last algorithm is rarely what a client means, and
    // plugin-prisma does not implement it: combining them is refused (src/inputLimits.ts).
    firstArgOptions: { description: 'Page forward: at most this many items after `after` (default 20, at most 100). Cannot be combined with `last` or `before`.' },
    lastArgOptions: { description: 'Page backward: at most this many items before `before` (default 20, at most 100). Cannot be combined with `first` or `after`.' },
    // Relay: a well-formed id of a missing or invisible row is null (in its own
    // slot for `nodes`), not an error. Malformed ids never get here (src/inputLimits.ts).
    nodeQueryOptions: { resolve: (_root, { id }, _ctx, _info, resolveNode) => nullIfNotFound(resolveNode(id)) },
    nodesQueryOptions: {
      // One id at a time so one missing row is one null; Pothos loads node ids one by one anyway.
      resolve: (_root, { ids }, ctx, info) => ids.map((id) => nullIfNotFound(resolveNodes(self, ctx, info, [id]).then(([node]) => node))),
    },
  },
  prisma: {
    // Every Prisma query of a request runs on that request's transaction.
    // (The plugin types ask for a full client; a transaction client serves every query it makes.)
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    // Every connection: `first` defaults to 20 and is capped at 100.
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
});
self = builder as unknown as typeof self;
