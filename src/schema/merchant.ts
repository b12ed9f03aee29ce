import { queryFromInfo } from '@pothos/plugin-prisma';
import type { Merchant, Prisma } from '../generated/prisma/client.js';
import { builder } from './builder.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { createMerchant, deleteMerchant, updateMerchant } from '../resolvers/merchant.js';
import { DOC } from './docs.js';
import { containsText } from './search.js';

const MerchantNode = builder.prismaNode('Merchant', {
  id: { field: 'id' },
  // Select mode: a row carries only the columns its selected fields read. In include mode every
  // column rides in the nested JSON Postgres builds and Prisma parses (BENCHMARKS.md, 2026-11-23).
  select: { id: true },
  description: `A merchant (shop or payee) that ledger entries and receipts refer to. ${DOC.catalogue}`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    name: t.exposeString('name', { description: 'Display name.' }),
    merchantCode: t.exposeString('merchantCode', { nullable: true, description: 'External merchant code, unique in the tenant; null if unknown.' }),
    category: t.exposeString('category', { nullable: true, description: 'Free-text kind of business (not a `Category`); null if unknown.' }),
    metadata: t.expose('metadata', { type: 'JSON', description: DOC.json('Free-form metadata') }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
  }),
});

/** The filters of `merchants`, shared by the page and its totalCount. */
const merchantsWhere = ({ search }: { search?: string | null }) => (search ? { name: containsText(search) } : {});

builder.queryFields((t) => ({
  merchants: t.prismaConnection({
    type: 'Merchant',
    cursor: 'id',
    description: `Merchants of the tenant, by name. ${DOC.catalogue}`,
    args: {
      search: t.arg.string({
        required: false,
        description: 'Case-insensitive name match; % and _ match themselves.',
        extensions: { maxLength: LENGTH.search },
      }),
    },
    totalCount: (_root, args, ctx) => ctx.db.merchant.count({ where: merchantsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.merchant.findMany({ ...query, where: merchantsWhere(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
  merchant: t.prismaField({
    type: 'Merchant',
    nullable: true,
    description: DOC.byRowId('merchant'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.merchant.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreateMerchantInput = builder.inputType('CreateMerchantInput', {
  description: 'The merchant `createMerchant` adds.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    merchantCode: t.string({
      required: false,
      description: 'External merchant code, unique in the tenant (CONFLICT when taken): trimmed, 1 to 100 characters.',
      validate: RULES.code,
      extensions: { maxLength: LENGTH.entity },
    }),
    category: t.string({
      required: false,
      description: 'Free-text kind of business (e.g. an MCC like "5411"), trimmed, 1 to 100 characters.',
      validate: RULES.code,
      extensions: { maxLength: LENGTH.entity },
    }),
    metadata: t.field({ type: 'JSON', required: false, description: DOC.json('Free-form metadata') }),
  }),
});

const UpdateMerchantInput = builder.inputType('UpdateMerchantInput', {
  description: 'The merchant `updateMerchant` changes: a field left out stays as it is.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The merchant (its `rowId`); NOT_FOUND when there is none in the tenant.' }),
    name: t.string({ required: false, description: 'New display name: trimmed, 1 to 100 characters; null keeps it.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    merchantCode: t.string({
      required: false,
      description: 'New external code, unique in the tenant (CONFLICT when taken); null clears it.',
      validate: RULES.code,
      extensions: { maxLength: LENGTH.entity },
    }),
    category: t.string({ required: false, description: 'New kind of business; null clears it.', validate: RULES.code, extensions: { maxLength: LENGTH.entity } }),
    metadata: t.field({ type: 'JSON', required: false, description: 'New metadata, replacing the old (JSON); null sets `{}`.' }),
  }),
});

const merchantPayload = (name: string, verb: string) =>
  builder.objectRef<{ merchant: Merchant }>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({ merchant: t.expose('merchant', { type: MerchantNode, description: 'The merchant as it now is.' }) }),
  });
const CreateMerchantPayload = merchantPayload('CreateMerchantPayload', 'createMerchant');
const UpdateMerchantPayload = merchantPayload('UpdateMerchantPayload', 'updateMerchant');

builder.mutationFields((t) => ({
  createMerchant: t.field({
    type: CreateMerchantPayload,
    description: `Adds a merchant to the tenant. ${DOC.adminOnly} Audited and announced in the outbox.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateMerchantInput, required: true, description: 'The merchant to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await createMerchant(ctx.db, requireUser(ctx), { ...input, metadata: input.metadata as Prisma.InputJsonValue | null | undefined });
      return { merchant: await ctx.db.merchant.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['merchant'] }), where: { id } }) };
    },
  }),
  updateMerchant: t.field({
    type: UpdateMerchantPayload,
    description: `Changes a merchant's name, code, kind of business or metadata. ${DOC.adminOnly} Audited and announced in the outbox.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateMerchantInput, required: true, description: 'The merchant and the fields to change.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await updateMerchant(ctx.db, requireUser(ctx), { ...input, metadata: input.metadata as Prisma.InputJsonValue | null | undefined });
      return { merchant: await ctx.db.merchant.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['merchant'] }), where: { id } }) };
    },
  }),
}));

const DeleteMerchantInput = builder.inputType('DeleteMerchantInput', {
  description: 'The merchant `deleteMerchant` removes.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', required: true, description: 'The merchant (its `rowId`); NOT_FOUND when there is none in the tenant.' }),
  }),
});

type DeletedMerchant = Awaited<ReturnType<typeof deleteMerchant>>;

const DeleteMerchantPayload = builder.objectRef<DeletedMerchant>('DeleteMerchantPayload').implement({
  description: 'Result of `deleteMerchant`: what was deleted and how many rows lost their merchant.',
  fields: (t) => ({
    deletedMerchantId: t.globalID({
      description: 'Global id of the deleted merchant (to drop it from client caches).',
      resolve: (p) => ({ type: 'Merchant', id: p.id }),
    }),
    deletedRowId: t.field({ type: 'UUID', description: "The deleted merchant's `rowId`.", resolve: (p) => p.id }),
    entriesCleared: t.exposeInt('entriesCleared', { description: 'Ledger entries that named this merchant and now name none (amounts untouched).' }),
    receiptsCleared: t.exposeInt('receiptsCleared', { description: 'Receipts that named this merchant and now name none.' }),
  }),
});

builder.mutationField('deleteMerchant', (t) =>
  t.field({
    type: DeleteMerchantPayload,
    description: `Deletes a merchant. Ledger entries and receipts that named it keep everything but the merchant (metadata only: amounts and balances never change). ${DOC.adminOnly} Audited and announced in the outbox (\`MerchantDeleted\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: DeleteMerchantInput, required: true, description: 'The merchant to delete.' }) },
    resolve: (_root, { input }, ctx) => deleteMerchant(ctx.db, requireUser(ctx), input),
  }),
);
