import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Location, Prisma } from '../generated/prisma/client.js';
import { LocationKind } from '../generated/prisma/enums.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { createLocation, updateLocation } from '../resolvers/location.js';

export const LocationKindEnum = prismaEnumType('LocationKind', LocationKind, 'What a location is.', {
  store: 'A store customers buy from (new locations are stores unless told otherwise).',
  warehouse: 'A warehouse holding stock.',
});

export const LocationNode = builder.prismaNode('Location', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description: `A store or warehouse of the tenant. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    code: t.exposeString('code', { description: 'Short code, unique in the tenant.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    address: t.expose('address', { type: 'JSON', description: DOC.json('Postal address') }),
    kind: t.expose('kind', { type: LocationKindEnum, description: 'Store or warehouse.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    inventory: t.relatedConnection('inventory', {
      cursor: 'id',
      description: 'Stock at this location, by product.',
      totalCount: true,
      query: { orderBy: [{ productId: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  locations: t.prismaConnection({
    type: 'Location',
    cursor: 'id',
    description: `Locations of the tenant, by code. ${DOC.catalogue}`,
    totalCount: (_root, _args, ctx) => ctx.db.location.count(),
    resolve: (query, _root, _args, ctx) => ctx.db.location.findMany({ ...query, orderBy: [{ code: 'asc' }, { id: 'asc' }] }),
  }),
  location: t.prismaField({
    type: 'Location',
    nullable: true,
    description: DOC.byRowId('location'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.location.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateLocationInput = builder.inputType('CreateLocationInput', {
  description: 'The location `createLocation` adds.',
  fields: (t) => ({
    code: t.string({ required: true, description: 'Short code, unique in the tenant (CONFLICT when taken): trimmed, 1 to 100 characters, no spaces.', validate: RULES.sku, extensions: { maxLength: LENGTH.entity } }),
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    address: t.field({ type: 'JSON', required: false, description: DOC.json('Postal address') }),
    kind: t.field({ type: LocationKindEnum, required: false, description: 'Store or warehouse; STORE when omitted.' }),
  }),
});

const UpdateLocationInput = builder.inputType('UpdateLocationInput', {
  description: 'The location `updateLocation` changes: a field left out stays as it is.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The location (its `rowId`); NOT_FOUND when there is none in the tenant.' }),
    code: t.string({ required: false, description: 'New code, unique in the tenant (CONFLICT when taken); null keeps it.', validate: RULES.sku, extensions: { maxLength: LENGTH.entity } }),
    name: t.string({ required: false, description: 'New display name: trimmed, 1 to 100 characters; null keeps it.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    address: t.field({ type: 'JSON', required: false, description: 'New postal address, replacing the old (JSON); null sets `{}`.' }),
    kind: t.field({ type: LocationKindEnum, required: false, description: 'New kind; null keeps it.' }),
  }),
});

const locationPayload = (name: string, verb: string) =>
  builder.objectRef<{ location: Location }>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({ location: t.expose('location', { type: LocationNode, description: 'The location as it now is.' }) }),
  });
const CreateLocationPayload = locationPayload('CreateLocationPayload', 'createLocation');
const UpdateLocationPayload = locationPayload('UpdateLocationPayload', 'updateLocation');

builder.mutationFields((t) => ({
  createLocation: t.field({
    type: CreateLocationPayload,
    description: `Adds a store or warehouse. ${DOC.adminOnly} Audited and announced in the outbox (\`LocationCreated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateLocationInput, required: true, description: 'The location to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createLocation(ctx.db, requireUser(ctx), { ...input, address: input.address as Prisma.InputJsonValue | null | undefined });
      return { location: await ctx.db.location.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['location'] }), where: { id } }) };
    },
  }),
  updateLocation: t.field({
    type: UpdateLocationPayload,
    description: `Changes a location's code, name, address or kind (locations are not deleted: stock and orders refer to them). ${DOC.adminOnly} Audited and announced in the outbox (\`LocationUpdated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateLocationInput, required: true, description: 'The location and the fields to change.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await updateLocation(ctx.db, requireUser(ctx), { ...input, address: input.address as Prisma.InputJsonValue | null | undefined });
      return { location: await ctx.db.location.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['location'] }), where: { id } }) };
    },
  }),
}));
