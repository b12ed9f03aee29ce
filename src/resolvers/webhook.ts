// Webhook endpoints and their deliveries (issue 11): owners/admins register,
// enable/disable and rotate endpoints (authScopes + the webhook_endpoints
// policies) and ask for a past delivery again (app.redeliver_webhook). The
// relay that sends them is src/jobs/webhooks.ts.
//
// The signing secret is generated here and written with createMany / updateMany
// (no RETURNING): no app role may read it back (column grants), so the
// payload's `secret` is the one chance to see it. Changes are audited here
// rather than by a trigger, whose diff would carry the secret.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../db/request.js';
import type { UserViewer } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { checkDestination, DestinationRefused } from '../webhooks/destination.js';
import { recordAudit } from './audit.js';

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE: http:// and private, loopback and link-local destinations allowed (development, tests). */
  allowPrivate: boolean;
  /** DNS lookup used by the registration check (tests replace it). */
  resolve?: (host: string) => Promise<string[]>;
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The URL if the destination rules accept it (src/webhooks/destination.ts:
 * https, every resolved address public, unless WEBHOOK_ALLOW_PRIVATE), else
 * BAD_USER_INPUT naming `input.url`. The DNS lookup runs inside the request
 * transaction; it is bounded (5 s) and registering is rare.
 */
async function allowedUrl(url: string, settings: WebhookSettings) {
  try {
    return (await checkDestination(url, settings.allowPrivate, settings.resolve)).toString();
  } catch (e) {
    if (e instanceof DestinationRefused) throw badInput(`url ${e.message}`, 'input.url');
    throw e;
  }
}

/** Registers an endpoint for the viewer's tenant; returns its id and the secret (shown once). */
export async function registerWebhookEndpoint(
  db: Db,
  viewer: UserViewer,
  settings: WebhookSettings,
  input: { url: string; eventTypes?: readonly string[] | null },
) {
  const url = await allowedUrl(input.url, settings);
  const eventTypes = [...new Set(input.eventTypes ?? [])].sort();
  const id = randomUUID();
  const secret = newWebhookSecret();
  await db.webhookEndpoint.createMany({ data: [{ id, tenantId: viewer.tenantId, url, eventTypes, secret, createdBy: viewer.userId }] });
  await recordAudit(db, viewer, { entity: 'webhook_endpoint', entityId: id, action: 'create', diff: { url, eventTypes } });
  return { id, secret };
}

/** A new secret for an endpoint (the old one keeps signing for 24 hours); NOT_FOUND for one the caller cannot see. */
export async function rotateWebhookSecret(db: Db, viewer: UserViewer, input: { rowId: string }) {
  const secret = newWebhookSecret();
  const { count } = await db.webhookEndpoint.updateMany({ where: { id: input.rowId }, data: { secret } });
  if (!count) throw notFound('No such webhook endpoint');
  await recordAudit(db, viewer, { entity: 'webhook_endpoint', entityId: input.rowId, action: 'rotate_secret', diff: {} });
  return { id: input.rowId, secret };
}

/**
 * Enables or disables an endpoint (a disabled one gets no new deliveries, and
 * its open ones wait until it is enabled again). Setting the state it already
 * has changes nothing; NOT_FOUND for one the caller cannot see.
 */
export async function setWebhookEndpointEnabled(db: Db, viewer: UserViewer, input: { rowId: string }, enabled: boolean) {
  const { count } = await db.webhookEndpoint.updateMany({ where: { id: input.rowId, enabled: !enabled }, data: { enabled } });
  if (count) {
    await recordAudit(db, viewer, { entity: 'webhook_endpoint', entityId: input.rowId, action: enabled ? 'enable' : 'disable', diff: {} });
  } else if (!(await db.webhookEndpoint.count({ where: { id: input.rowId } }))) {
    throw notFound('No such webhook endpoint');
  }
  return { id: input.rowId };
}

/** Queues a past delivery again (app.redeliver_webhook: NOT_FOUND, CONFLICT while in flight or when the endpoint is disabled). */
export async function redeliverWebhook(db: Db, viewer: UserViewer, input: { deliveryId: string }) {
  const [row] = await db.$queryRaw<{ id: string }[]>`select app.redeliver_webhook(${input.deliveryId}::uuid)::text as id`;
  await recordAudit(db, viewer, { entity: 'webhook_delivery', entityId: row!.id, action: 'redeliver', diff: {} });
  return { id: row!.id };
}
