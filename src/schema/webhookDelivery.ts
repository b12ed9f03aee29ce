import { queryFromInfo } from '@pothos/plugin-prisma';
import type { WebhookDelivery } from '../generated/prisma/client.js';
import { WebhookDeliveryStatus } from '../generated/prisma/enums.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';
import { requireUser } from '../context.js';
import { redeliverWebhook } from '../resolvers/webhook.js';

export const WebhookDeliveryStatusEnum = prismaEnumType('WebhookDeliveryStatus', WebhookDeliveryStatus, 'Where a webhook delivery stands.', {
  pending: 'Waiting for its first attempt, or for a retry at `nextAttemptAt`.',
  delivering: 'An attempt is in flight.',
  succeeded: 'The endpoint answered 2xx.',
  failed: 'Given up after the last allowed attempt (a dead letter); `redeliverWebhook` tries again.',
});

export const WebhookDeliveryNode = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  description:
    'One event sent to one webhook endpoint, at least once: retried with exponential backoff (and jitter) until the endpoint answers 2xx or the attempts run out. Owners/admins see them; members see none.',
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID', description: DOC.rowId }),
    endpoint: t.relation('endpoint', { description: 'The endpoint it goes to.' }),
    event: t.relation('event', { description: 'The outbox event it carries.' }),
    eventId: t.expose('eventId', {
      type: 'UUID',
      description: "The event's id (`OutboxEvent.eventId`), sent as the `webhook-id` header on every attempt and redelivery: receivers deduplicate on it.",
    }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'Where it stands.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts so far in this round (a redelivery starts a new round at 0).' }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it is (next) due: its next retry while pending, the end of the attempt in flight while delivering; null once it succeeded or failed.',
    }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the last attempt started; null before the first.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: "The endpoint's HTTP status code at the last attempt; null when it gave none (refused, unreachable, timed out)." }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt failed (`HTTP 500: <start of the body>`, a timeout, a refused destination…); null after a success.',
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint last answered 2xx; null if never.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was handed to this endpoint.' }),
  }),
});

/** The filters of `webhookDeliveries`, shared by the page and its totalCount. */
const webhookDeliveriesWhere = (args: { endpointId?: string | null; status?: WebhookDeliveryStatus | null }) => ({
  endpointId: args.endpointId ?? undefined,
  status: args.status ?? undefined,
});

builder.queryFields((t) => ({
  webhookDeliveries: t.prismaConnection({
    type: 'WebhookDelivery',
    cursor: 'id',
    description: "The tenant's webhook deliveries, latest first (owners/admins only; empty for members). `status: FAILED` lists the dead letters.",
    args: {
      endpointId: t.arg({ type: 'UUID', required: false, description: 'Only deliveries to this endpoint (`WebhookEndpoint.rowId`).' }),
      status: t.arg({ type: WebhookDeliveryStatusEnum, required: false, description: 'Only deliveries in this state.' }),
    },
    totalCount: (_root, args, ctx) => ctx.db.webhookDelivery.count({ where: webhookDeliveriesWhere(args) }),
    resolve: (query, _root, args, ctx) =>
      ctx.db.webhookDelivery.findMany({ ...query, where: webhookDeliveriesWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
  webhookDelivery: t.prismaField({
    type: 'WebhookDelivery',
    nullable: true,
    description: DOC.byRowId('webhook delivery'),
    args: { rowId: t.arg({ type: 'UUID', required: true, description: DOC.rowIdArg }) },
    resolve: (query, _root, { rowId }, ctx) => ctx.db.webhookDelivery.findUnique({ ...query, where: { id: rowId } }),
  }),
}));

const RedeliverWebhookInput = builder.inputType('RedeliverWebhookInput', {
  description: 'The delivery `redeliverWebhook` sends again.',
  fields: (t) => ({
    deliveryId: t.field({ type: 'UUID', required: true, description: 'The delivery (`WebhookDelivery.rowId`); NOT_FOUND when there is none the caller may see.' }),
  }),
});

const RedeliverWebhookPayload = builder.objectRef<{ webhookDelivery: WebhookDelivery }>('RedeliverWebhookPayload').implement({
  description: 'Result of `redeliverWebhook`.',
  fields: (t) => ({ webhookDelivery: t.expose('webhookDelivery', { type: WebhookDeliveryNode, description: 'The delivery, pending again.' }) }),
});

builder.mutationField('redeliverWebhook', (t) =>
  t.field({
    type: RedeliverWebhookPayload,
    description: `Sends a past delivery again (the receiver lost it, or it failed for good): a new round of attempts starting now, with the same \`webhook-id\`. CONFLICT while an attempt is in flight or when the endpoint is disabled. ${DOC.adminOnly} Audited.`,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RedeliverWebhookInput, required: true, description: 'The delivery.' }) },
    resolve: async (_root, { input }, ctx, info) => {
      const { id } = await redeliverWebhook(ctx.db, requireUser(ctx), input);
      return {
        webhookDelivery: await ctx.db.webhookDelivery.findUniqueOrThrow({ ...queryFromInfo({ context: ctx, info, path: ['webhookDelivery'] }), where: { id } }),
      };
    },
  }),
);
