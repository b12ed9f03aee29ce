// Stores and warehouses of the tenant: owners/admins write them (authScopes +
// the locations policies); audited by the table's trigger
// (sql/functions/audit.sql), announced in the outbox here. No delete: stock
// and orders refer to locations.
import type { Prisma } from '../generated/prisma/client.js';
import type { LocationKind } from '../generated/prisma/enums.js';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { recordEvent } from './audit.js';

export interface LocationFields {
  code?: string | null;
  name?: string | null;
  address?: Prisma.InputJsonValue | null;
  kind?: LocationKind | null;
}

/** Validated by CreateLocationInput; a code already used in the tenant is CONFLICT (ux_locations_tenant_code). */
export async function createLocation(db: Db, viewer: UserViewer, input: LocationFields & { code: string; name: string }) {
  const data: Prisma.LocationUncheckedCreateInput = {
    tenantId: viewer.tenantId,
    code: input.code,
    name: input.name,
    ...(input.address != null ? { address: input.address } : {}),
    ...(input.kind != null ? { kind: input.kind } : {}),
  };
  const location = await db.location.create({ data, select: { id: true, kind: true } });
  await recordEvent(db, viewer, {
    aggregate: 'location',
    aggregateId: location.id,
    eventType: 'LocationCreated',
    payload: { code: data.code, name: data.name, kind: location.kind },
  });
  return location;
}

/** Changes the fields given: an omitted or null field stays (address null sets `{}`). NOT_FOUND for one the caller cannot see. */
export async function updateLocation(db: Db, viewer: UserViewer, input: LocationFields & { rowId: string }) {
  const data: Prisma.LocationUncheckedUpdateInput = {};
  if (input.code != null) data.code = input.code;
  if (input.name != null) data.name = input.name;
  if (input.kind != null) data.kind = input.kind;
  if (input.address !== undefined) data.address = input.address ?? {};
  const location = await db.location.update({ where: { id: input.rowId }, data, select: { id: true } });
  await recordEvent(db, viewer, {
    aggregate: 'location',
    aggregateId: location.id,
    eventType: 'LocationUpdated',
    payload: { code: input.code ?? undefined, name: input.name ?? undefined, kind: input.kind ?? undefined } as Prisma.InputJsonValue,
  });
  return location;
}
