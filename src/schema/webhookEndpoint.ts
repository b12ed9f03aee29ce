import type { GraphQLResolveInfo } from 'graphql';
import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import type { WebhookEndpoint } from '../generated/prisma/client.js';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { MAX_URL_LENGTH } from '../webhooks/destination.js';
import { registerWebhookEndpoint, rotateWebhookSecret, setWebhookEndpointEnabled } from '../resolvers/webhook.js';

const SIGNING =
  'Every delivery is a JSON POST signed per the Standard Webhooks specification (headers `webhook-id`: the event id, the same on every retry; `webhook-timestamp`; `webhook-signature`), verifiable with the `standardwebhooks` libraries and this secret.';

// The signing secrets are unreadable by app roles (column grants), so only
// the listed columns load (`select` mode).
export const WebhookEndpointNode = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  select: { id: true },
  description: `A URL the tenant's outbox events are POSTed to (webhooks). ${SIGNING} Owners/admins see and manage them; members see none. Its secret is never readable: \`registerWebhookEndpoint\` and \`rotateWebhookSecret\` show it once.`,
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed (https; private, loopback and link-local addresses are refused at registration and at every delivery unless the server allows them).' }),
    eventTypes: t.exposeStringList('eventTypes', {
      description: 'Event types delivered (`OutboxEvent.eventType`, e.g. `OrderPaid`); empty: every type.',
    }),
    enabled: t.exposeBoolean('enabled', { description: 'False while disabled: no new deliveries are created, and open ones wait until it is enabled again.' }),
    createdByUserId: t.expose('createdBy', { type: 'UUID', nullable: true, description: 'The owner/admin who registered it (`User.rowId`); null when made outside the API.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered; it receives events that occur from then on.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was disabled; null while enabled.' }),
    secretRotatedAt: t.expose('secretRotatedAt', { type: 'DateTime', nullable: true, description: 'When its secret was last rotated; null if never.' }),
    previousSecretExpiresAt: t.expose('previousSecretExpiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Until when deliveries also carry a signature made with the secret before the last rotation (24 hours after it); null when there is none.',
    }),
    deliveries: t.relatedConnection('deliveries', {
      cursor: 'id',
      description: 'Its delivery log, latest first: one delivery per event, with attempts, last status code and last error.',
      totalCount: true,
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaConnection({
    type: 'WebhookEndpoint',
    cursor: 'id',
    description: "The tenant's webhook endpoints, latest first (owners/admins only; empty for members).",
    args: { enabled: t.arg.boolean({ required: false, description: 'Only enabled (true) or disabled (false) endpoints.' }) },
    totalCount: (_root, args, ctx) => ctx.db.webhookEndpoint.count({ where: { enabled: args.enabled ?? undefined } }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.webhookEndpoint.findMany({ ...query, where: { enabled: args.enabled ?? undefined }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  webhookEndpoint: t.prismaField({
    type: 'WebhookEndpoint',
    nullable: true,
    description: DOC.byRowId('webhook endpoint'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.webhookEndpoint.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;

const RegisterWebhookEndpointInput = builder.inputType('RegisterWebhookEndpointInput', {
  description: 'The endpoint `registerWebhookEndpoint` adds.',
  fields: (t) => ({
    url: t.string({
      required: true,
      description: `Where to POST: an absolute https URL (at most ${MAX_URL_LENGTH} characters, no user name or password) whose host resolves only to public addresses (BAD_USER_INPUT otherwise; http and private addresses only where the server allows them, as in development).`,
      validate: z.string().trim().min(1, 'must not be blank'),
      extensions: { maxLength: MAX_URL_LENGTH },
    }),
    eventTypes: t.stringList({
      required: false,
      description: 'Event types to deliver, PascalCase as `OutboxEvent.eventType` (`OrderPaid`, `TransferPosted`…), at most 100; omitted or empty: every type.',
      validate: z.array(z.string().regex(EVENT_TYPE, 'must be PascalCase event types such as OrderPaid')).max(100, 'must list at most 100 event types'),
      extensions: { maxLength: 100, maxItems: 100 },
    }),
  }),
});

const EndpointRowInput = (name: string, verb: string) =>
  builder.inputType(name, {
    description: `The endpoint \`${verb}\` acts on.`,
    fields: (t) => ({
      rowId: t.field({ type: 'UUID', required: true, description: 'The endpoint (`WebhookEndpoint.rowId`); NOT_FOUND when there is none the caller may manage.' }),
    }),
  });
const DisableWebhookEndpointInput = EndpointRowInput('DisableWebhookEndpointInput', 'disableWebhookEndpoint');
const EnableWebhookEndpointInput = EndpointRowInput('EnableWebhookEndpointInput', 'enableWebhookEndpoint');
const RotateWebhookSecretInput = EndpointRowInput('RotateWebhookSecretInput', 'rotateWebhookSecret');

interface EndpointResult {
  webhookEndpoint: WebhookEndpoint;
}
interface SecretResult extends EndpointResult {
  secret: string;
}

const secretPayload = (name: string, verb: string, secret: string) =>
  builder.objectRef<SecretResult>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({
      webhookEndpoint: t.expose('webhookEndpoint', { type: WebhookEndpointNode, description: 'The endpoint as it now is.' }),
      secret: t.exposeString('secret', { description: secret }),
    }),
  });
const RegisterWebhookEndpointPayload = secretPayload(
  'RegisterWebhookEndpointPayload',
  'registerWebhookEndpoint',
  'The signing secret (`whsec_` + base64), shown this once: store it with the receiver, which verifies each delivery with it. It cannot be read again; `rotateWebhookSecret` makes a new one.',
);
const RotateWebhookSecretPayload = secretPayload(
  'RotateWebhookSecretPayload',
  'rotateWebhookSecret',
  'The new signing secret, shown this once. For 24 hours deliveries carry two signatures, one per secret, so the receiver can switch over without rejecting any.',
);
const endpointPayload = (name: string, verb: string) =>
  builder.objectRef<EndpointResult>(name).implement({
    description: `Result of \`${verb}\`.`,
    fields: (t) => ({
      webhookEndpoint: t.expose('webhookEndpoint', { type: WebhookEndpointNode, description: 'The endpoint as it now is.' }),
    }),
  });
const DisableWebhookEndpointPayload = endpointPayload('DisableWebhookEndpointPayload', 'disableWebhookEndpoint');
const EnableWebhookEndpointPayload = endpointPayload('EnableWebhookEndpointPayload', 'enableWebhookEndpoint');

/**
 * The endpoint with the selection under the payload's `webhookEndpoint`, in one query. When the
 * payload does not ask for it, Pothos gives no `select`, and Prisma would read every column,
 * secrets included, which no app role may: read the id alone.
 */
const load = (ctx: Context, info: GraphQLResolveInfo, id: string) => {
  const query = queryFromInfo({ context: ctx, info, path: ['webhookEndpoint'] });
  return ctx.db.webhookEndpoint.findUniqueOrThrow({ ...('select' in query ? query : { select: { id: true } }), where: { id } });
};

builder.mutationFields((t) => {
  return {
    registerWebhookEndpoint: t.field({
      type: RegisterWebhookEndpointPayload,
      description: `Registers a webhook endpoint: the tenant's events from now on are POSTed to it. ${SIGNING} The payload shows the secret once. ${DOC.adminOnly} Audited.`,
      authScopes: { admin: true },
      args: { input: t.arg({ type: RegisterWebhookEndpointInput, required: true, description: 'The URL and the event types.' }) },
      resolve: async (_root, { input }, ctx, info) => {
        const { id, secret } = await registerWebhookEndpoint(ctx.db, requireUser(ctx), ctx.webhooks, input);
        return { webhookEndpoint: await load(ctx, info, id), secret };
      },
    }),
    disableWebhookEndpoint: t.field({
      type: DisableWebhookEndpointPayload,
      description: `Stops deliveries to an endpoint: no new ones are created while it is disabled, and open ones wait. Disabling a disabled endpoint changes nothing. ${DOC.adminOnly} Audited.`,
      authScopes: { admin: true },
      args: { input: t.arg({ type: DisableWebhookEndpointInput, required: true, description: 'The endpoint.' }) },
      resolve: async (_root, { input }, ctx, info) => {
        const { id } = await setWebhookEndpointEnabled(ctx.db, requireUser(ctx), input, false);
        return { webhookEndpoint: await load(ctx, info, id) };
      },
    }),
    enableWebhookEndpoint: t.field({
      type: EnableWebhookEndpointPayload,
      description: `Resumes deliveries to a disabled endpoint, its waiting ones first; events that occurred while it was disabled are not sent. ${DOC.adminOnly} Audited.`,
      authScopes: { admin: true },
      args: { input: t.arg({ type: EnableWebhookEndpointInput, required: true, description: 'The endpoint.' }) },
      resolve: async (_root, { input }, ctx, info) => {
        const { id } = await setWebhookEndpointEnabled(ctx.db, requireUser(ctx), input, true);
        return { webhookEndpoint: await load(ctx, info, id) };
      },
    }),
    rotateWebhookSecret: t.field({
      type: RotateWebhookSecretPayload,
      description: `Gives an endpoint a new signing secret, shown once in the payload; the old one also signs for 24 hours. ${DOC.adminOnly} Audited.`,
      authScopes: { admin: true },
      args: { input: t.arg({ type: RotateWebhookSecretInput, required: true, description: 'The endpoint.' }) },
      resolve: async (_root, { input }, ctx, info) => {
        const { id, secret } = await rotateWebhookSecret(ctx.db, requireUser(ctx), input);
        return { webhookEndpoint: await load(ctx, info, id), secret };
      },
    }),
  };
});
