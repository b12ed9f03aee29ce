import { builder } from './builder.js';

// The refresh token hash is not selectable by app roles, so only listed columns load.
builder.prismaNode('Session', {
  id: { field: 'id' },
  select: { id: true },
  fields: (t) => ({
    rowId: t.expose('id', { type: 'UUID' }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});
