import { OutboxStatus } from '../generated/prisma/enums.js';
import { builder, prismaEnumType } from './builder.js';
import { DOC } from './docs.js';

export const OutboxStatusEnum = prismaEnumType('OutboxStatus', OutboxStatus, 'Delivery state of an outbox event.', {
  pending: 'Not handed to the webhook relay yet (new events start here).',
  sent: 'Handed to the webhook relay: one `WebhookDelivery` per matching enabled endpoint, each with its own status.',
  failed: 'Given up before reaching the relay (not used today: failures are per endpoint, on `WebhookDelivery`).',
});

// An event announcing a change (table events_outbox), written in the same
// request transaction as the change. Outbox rows have bigint keys, so they are not
// Relay nodes (`id` is reserved for global ids): `rowId` is the sequence
// number as a string.
builder.prismaObject('OutboxEvent', {
  description:
    'An event announcing a change, written in the same request transaction as the change (transactional outbox), for delivery to other systems. Owners/admins read them; members see none.',
  fields: (t) => ({
    rowId: t.string({
      description: 'Sequence number of the event (a bigint, as a string); later events have larger numbers.',
      select: { id: true },
      resolve: (e) => e.id.toString(),
    }),
    eventId: t.expose('eventId', { type: 'UUID', description: 'Unique id of the event (spec §12): consumers deduplicate on it.' }),
    aggregate: t.exposeString('aggregate', { description: 'Kind of the row that changed, e.g. `account`, `category`.' }),
    aggregateId: t.expose('aggregateId', { type: 'UUID', nullable: true, description: 'The row that changed (its `rowId`), when there is one.' }),
    eventType: t.exposeString('eventType', {
      description: 'What happened, PascalCase `<Aggregate><PastTense>`: e.g. `AccountOpened`, `TransferPosted`, `TransferReversed`, `AccountClosed`, `CategoryCreated`.',
    }),
    schemaVersion: t.exposeInt('schemaVersion', { description: "Version of the payload's shape for this event type (starts at 1)." }),
    payload: t.expose('payload', { type: 'JSON', description: 'Event data (JSON); amounts are Decimal strings.' }),
    status: t.expose('status', { type: OutboxStatusEnum, description: 'Delivery state.' }),
    attempts: t.exposeInt('attempts', { description: 'Delivery attempts so far.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the change happened (its transaction wrote the event).' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true, description: 'When it was handed to the webhook relay; null before.' }),
  }),
});

/** The filters of `outboxEvents`, shared by the page and its totalCount. */
const outboxEventsWhere = (args: { status?: OutboxStatus | null }) => ({ status: args.status ?? undefined });

builder.queryField('outboxEvents', (t) =>
  t.prismaConnection({
    type: 'OutboxEvent',
    cursor: 'id',
    description: "The tenant's outbox, latest first (owners/admins only; empty for members).",
    args: { status: t.arg({ type: OutboxStatusEnum, required: false, description: 'Only events in this delivery state.' }) },
    totalCount: (_root, args, ctx) => ctx.db.outboxEvent.count({ where: outboxEventsWhere(args) }),
    resolve: (query, _root, args, ctx) => ctx.db.outboxEvent.findMany({ ...query, where: outboxEventsWhere(args), orderBy: { id: 'desc' } }),
  }),
);
