// The schema builder only: types live one per file beside it (Pothos
// "complex app" layout) and src/schema/index.ts assembles them.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ComplexityPlugin from '@pothos/plugin-complexity';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import type { Context } from '../context.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';
import { fieldCost } from './cost.js';

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
