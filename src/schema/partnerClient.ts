import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { LENGTH, RULES } from './limits.js';
import { requireUser } from '../context.js';
import { isPartnerScope, PARTNER_SCOPES, type PartnerScope } from '../auth/tokens.js';
import type { PartnerClient } from '../generated/prisma/client.js';
import { createPartnerClient, partnerClientsWhere, revokePartnerClient, rotatePartnerClientSecret } from '../resolvers/partnerClient.js';

const WHO = 'Owners/admins of the tenant only (FORBIDDEN for members; partner clients never see other clients).';

const SCOPE_DOCS: Record<PartnerScope, string> = {
  'catalog:read': '`catalog:read`: read products, categories and locations.',
  'inventory:read': '`inventory:read`: read stock per product and location (and the locations).',
  'orders:read': "`orders:read`: read every order of the tenant with its lines.",
  'orders:write': '`orders:write`: place orders for customers (through the partner order operations).',
  'ledger:read': "`ledger:read`: read the client's settlement account, its entries and its journals, nothing else of the ledger.",
};

export const PartnerScopeEnum = builder.enumType('PartnerScope', {
  description:
    "What a partner client may do (OAuth2 scopes; the token endpoint's `scope` parameter takes the lowercase names, e.g. `catalog:read`). Enforced by the database's policies, which read the client's current scopes on every statement.",
  values: Object.fromEntries(
    PARTNER_SCOPES.map((scope) => [scope.replace(':', '_').toUpperCase(), { value: scope, description: SCOPE_DOCS[scope] }]),
  ) as Record<'CATALOG_READ' | 'INVENTORY_READ' | 'ORDERS_READ' | 'ORDERS_WRITE' | 'LEDGER_READ', { value: PartnerScope; description: string }>,
});

// The secret's hash is readable by no app role, so only requested columns load.
export const PartnerClientNode = builder.prismaNode('PartnerClient', {
  id: { field: 'id' },
  select: { id: true },
  description: `An OAuth2 client-credentials client of one of the tenant's partners (POST /oauth/token). ${WHO} Its secret is shown once, by \`createPartnerClient\` or \`rotatePartnerClientSecret\`, and never again.`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    name: t.exposeString('name', { description: 'Display name (the partner, the integration).' }),
    clientId: t.exposeString('clientId', { description: 'Public client identifier (`pc_…`): the `client_id` of POST /oauth/token.' }),
    scopes: t.field({
      type: [PartnerScopeEnum],
      select: { scopes: true },
      description: 'What its tokens may be issued for.',
      resolve: (client) => client.scopes.filter(isPartnerScope),
    }),
    rateLimitPerMinute: t.exposeInt('rateLimitPerMinute', {
      nullable: true,
      description: 'GraphQL requests a minute its tokens may send (RATE_LIMITED beyond); null: the server default (PARTNER_RATE_PER_MINUTE, 600).',
    }),
    settlementAccount: t.relation('settlementAccount', {
      nullable: true,
      description: 'The account of the tenant (no holder) whose balance, entries and journals a `LEDGER_READ` client may read; null when none.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: DOC.createdAt }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'When it last got a token; null when never.' }),
    secretRotatedAt: t.expose('secretRotatedAt', { type: 'DateTime', nullable: true, description: 'When its secret was last replaced; null when never.' }),
    revokedAt: t.expose('revokedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked (for good: no new tokens, and its live tokens read nothing from that moment); null while active.',
    }),
  }),
});

builder.queryFields((t) => ({
  partnerClients: t.prismaConnection({
    type: 'PartnerClient',
    cursor: 'id',
    description: `The tenant's partner clients, latest first. ${WHO}`,
    authScopes: { admin: true },
    args: {
      includeRevoked: t.arg.boolean({ required: false, description: 'Also list revoked clients (default: active ones only).' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.partnerClient.count({ where: partnerClientsWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.partnerClient.findMany({ ...query, where: partnerClientsWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  partnerClient: t.prismaField({
    type: 'PartnerClient',
    nullable: true,
    description: `${DOC.byRowId('partner client')} ${WHO}`,
    authScopes: { admin: true },
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.partnerClient.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const CreatePartnerClientFields = builder.inputType('CreatePartnerClientInput', {
  description: 'The partner client `createPartnerClient` adds.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name: trimmed, 1 to 100 characters.', validate: RULES.name, extensions: { maxLength: LENGTH.name } }),
    scopes: t.field({
      type: [PartnerScopeEnum],
      required: true,
      description: 'What its tokens may be issued for: at least one; repeats count once.',
      validate: z.array(z.string()).min(1, 'must name at least one scope'),
    }),
    rateLimitPerMinute: t.int({
      required: false,
      description: 'GraphQL requests a minute, 1 to 100,000; omitted: the server default (PARTNER_RATE_PER_MINUTE, 600).',
      validate: z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
    }),
    settlementAccountId: t.field({
      type: 'UUID',
      required: false,
      description:
        'Required with `LEDGER_READ`: an account of the tenant itself (`Account.rowId` of an account with no holder, not a system account) the client may read with its entries and journals; BAD_USER_INPUT otherwise.',
    }),
  }),
});
// Across fields: ledger:read needs the account it reads.
const CreatePartnerClientInput = CreatePartnerClientFields.validate(
  z.custom<typeof CreatePartnerClientFields.$inferInput>().superRefine((input, ctx) => {
    if (input.scopes.includes('ledger:read') && !input.settlementAccountId) {
      ctx.addIssue({ code: 'custom', path: ['settlementAccountId'], message: 'is required with the LEDGER_READ scope' });
    }
  }),
);

const RowIdInput = (name: string, verb: string) =>
  builder.inputType(name, {
    description: `The partner client \`${verb}\` acts on.`,
    fields: (t) => ({
      rowId: t.field({ type: 'UUID', required: true, description: 'The partner client (`PartnerClient.rowId`); NOT_FOUND when there is none in the tenant.' }),
    }),
  });
const RotatePartnerClientSecretInput = RowIdInput('RotatePartnerClientSecretInput', 'rotatePartnerClientSecret');
const RevokePartnerClientInput = RowIdInput('RevokePartnerClientInput', 'revokePartnerClient');

interface WithClient {
  partnerClient: PartnerClient;
}
const secretField = 'The client secret (`pcs_…`), shown this once and never again: store it in the partner\'s secret store. Fortress keeps only its argon2id hash.';

const CreatePartnerClientPayload = builder.objectRef<WithClient & { clientSecret: string }>('CreatePartnerClientPayload').implement({
  description: 'Result of `createPartnerClient`: the client and, this once, its secret.',
  fields: (t) => ({
    partnerClient: t.expose('partnerClient', { type: PartnerClientNode, description: 'The new client (its `clientId` is the public half of the credentials).' }),
    clientSecret: t.exposeString('clientSecret', { description: secretField }),
  }),
});
const RotatePartnerClientSecretPayload = builder.objectRef<WithClient & { clientSecret: string }>('RotatePartnerClientSecretPayload').implement({
  description: 'Result of `rotatePartnerClientSecret`: the client and, this once, its new secret.',
  fields: (t) => ({
    partnerClient: t.expose('partnerClient', { type: PartnerClientNode, description: 'The client, with its new `secretRotatedAt`.' }),
    clientSecret: t.exposeString('clientSecret', { description: `${secretField} The previous secret no longer works.` }),
  }),
});
const RevokePartnerClientPayload = builder.objectRef<WithClient>('RevokePartnerClientPayload').implement({
  description: 'Result of `revokePartnerClient`.',
  fields: (t) => ({
    partnerClient: t.expose('partnerClient', { type: PartnerClientNode, description: 'The client, revoked (`revokedAt` set).' }),
  }),
});

builder.mutationFields((t) => ({
  createPartnerClient: t.field({
    type: CreatePartnerClientPayload,
    description: `Adds an OAuth2 client for a partner and returns its secret, once. ${DOC.adminOnly} Audited (without the secret) and announced in the outbox (\`PartnerClientCreated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreatePartnerClientInput, required: true, description: 'The client to add.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const created = await createPartnerClient(ctx.db, requireUser(ctx), {
        name: input.name,
        scopes: input.scopes as PartnerScope[],
        rateLimitPerMinute: input.rateLimitPerMinute,
        settlementAccountId: input.settlementAccountId,
      });
      const partnerClient = await ctx.db.partnerClient.findUniqueOrThrow({
        ...queryFromInfo({ context: ctx, info, path: ['partnerClient'] }),
        where: { id: created.id },
      });
      return { partnerClient, clientSecret: created.clientSecret };
    },
  }),
  rotatePartnerClientSecret: t.field({
    type: RotatePartnerClientSecretPayload,
    description: `Replaces a client's secret and returns the new one, once; the old one stops working at once (tokens already issued expire on their own, within minutes). NOT_FOUND for a revoked client. ${DOC.adminOnly} Audited and announced in the outbox (\`PartnerClientSecretRotated\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RotatePartnerClientSecretInput, required: true, description: 'The client whose secret to replace.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const rotated = await rotatePartnerClientSecret(ctx.db, requireUser(ctx), input.rowId);
      const partnerClient = await ctx.db.partnerClient.findUniqueOrThrow({
        ...queryFromInfo({ context: ctx, info, path: ['partnerClient'] }),
        where: { id: rotated.id },
      });
      return { partnerClient, clientSecret: rotated.clientSecret };
    },
  }),
  revokePartnerClient: t.field({
    type: RevokePartnerClientPayload,
    description: `Revokes a client for good: POST /oauth/token refuses it from now on, and its tokens already issued read nothing from their next request (the database checks the client on every statement). Revoking it again changes nothing. ${DOC.adminOnly} Audited and announced in the outbox (\`PartnerClientRevoked\`).`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RevokePartnerClientInput, required: true, description: 'The client to revoke.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await revokePartnerClient(ctx.db, requireUser(ctx), input.rowId);
      const partnerClient = await ctx.db.partnerClient.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['partnerClient'] }), where: { id } });
      return { partnerClient };
    },
  }),
}));
