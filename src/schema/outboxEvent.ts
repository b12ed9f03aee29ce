import { OutboxStatus } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

export const OutboxStatusEnum = builder.enumType(OutboxStatus, { name: 'OutboxStatus' });

// An event announcing a change (table events_outbox), written in the same
// request transaction as the change. Outbox rows have bigint keys, so they are not
// Relay nodes (`id` is reserved for global ids): `rowId` is the sequence
// number as a string.
builder.prismaObject('OutboxEvent', {
  fields: (t) => ({
    rowId: t.string({ select: { id: true }, resolve: (e) => e.id.toString() }),
    aggregate: t.exposeString('aggregate'),
    aggregateId: t.expose('aggregateId', { type: 'UUID', nullable: true }),
    eventType: t.exposeString('eventType'),
    payload: t.expose('payload', { type: 'JSON' }),
    status: t.expose('status', { type: OutboxStatusEnum }),
    attempts: t.exposeInt('attempts'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('outboxEvents', (t) =>
  t.prismaConnection({
    type: 'OutboxEvent',
    cursor: 'id',
    description: "The tenant's outbox, latest first (owners/admins only; empty for members).",
    args: { status: t.arg({ type: OutboxStatusEnum, required: false }) },
    resolve: (query, _root, { status }, ctx) =>
      ctx.db.outboxEvent.findMany({ ...query, where: { status: status ?? undefined }, orderBy: { id: 'desc' } }),
  }),
);
