// Where a webhook may be sent (SSRF). A tenant admin chooses the URL, and the
// relay POSTs to it from inside our network: without these checks an
// endpoint could reach the database, a cloud metadata service
// (169.254.169.254) or anything else only the server can reach.
//
// - Registration (src/resolvers/webhook.ts): the URL must be https and every
//   address its host resolves to must be public.
// - Delivery (src/jobs/webhooks.ts): the same URL rules again, and the
//   connection goes through request-filtering-agent's agents, which check the
//   address the socket's own DNS lookup returned, the one it then connects
//   to, so a name that resolved to a public address at registration and to
//   a private one now (DNS rebinding) is refused before any byte is sent.
// Both use one rule, request-filtering-agent's: an address is public when
// ipaddr.js puts it in its `unicast` range. Everything else is refused:
// private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback (127/8, ::1),
// link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10),
// unspecified (0.0.0.0, ::), multicast, broadcast, reserved and the
// IPv4-in-IPv6 forms (::ffff:127.0.0.1). WEBHOOK_ALLOW_PRIVATE=true (the
// default in development and test) turns both checks and the https rule off.
import net from 'node:net';
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** A destination the rules refuse; the message is fit for the admin who chose it. */
export class DestinationRefused extends Error {}

/** Longest webhook URL accepted (the webhook_endpoints check allows the same). */
export const MAX_URL_LENGTH = 2048;

/** How long registration waits for the host's DNS answer. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** True for an address request-filtering-agent lets through: ipaddr.js's `unicast` range. */
export function isPublicAddress(address: string): boolean {
  try {
    return ipaddr.parse(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/**
 * The URL if its form is acceptable: absolute, https (http too when
 * `allowPrivate`), no user name or password, at most MAX_URL_LENGTH
 * characters. Addresses are not looked at here.
 */
export function parseDestination(raw: string, allowPrivate: boolean): URL {
  if (raw.length > MAX_URL_LENGTH) throw new DestinationRefused(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefused('must be an absolute URL such as https://example.com/webhooks');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw new DestinationRefused('must use https');
  if (url.username || url.password) throw new DestinationRefused('must not contain a user name or password');
  if (!url.hostname) throw new DestinationRefused('must name a host');
  return url;
}

/** The host of a URL as DNS and net.isIP want it (IPv6 literals without brackets). */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Registration's check: parseDestination, then (unless `allowPrivate`) every
 * address the host resolves to must be public. `resolve` is the DNS lookup
 * (tests replace it). Throws DestinationRefused.
 */
export async function checkDestination(
  raw: string,
  allowPrivate: boolean,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<URL> {
  const url = parseDestination(raw, allowPrivate);
  if (allowPrivate) return url;
  const host = bareHost(url);
  if (net.isIP(host)) {
    if (!isPublicAddress(host)) throw new DestinationRefused(`must not be a private, loopback, link-local or reserved address (${host})`);
    return url;
  }
  const addresses = await resolve(host);
  if (!addresses.length) throw new DestinationRefused(`host ${host} does not resolve`);
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused) throw new DestinationRefused(`host ${host} resolves to ${refused}, a private, loopback, link-local or reserved address`);
  return url;
}

/** Every address of `host` (IPv4 and IPv6), or DestinationRefused when it does not resolve in time. */
async function resolveAll(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DestinationRefused(`host ${host} did not resolve within ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return found.map((a) => a.address);
  } catch (e) {
    if (e instanceof DestinationRefused) throw e;
    throw new DestinationRefused(`host ${host} does not resolve`);
  } finally {
    clearTimeout(timer);
  }
}

export interface DestinationAgents {
  http: RequestFilteringHttpAgent;
  https: RequestFilteringHttpsAgent;
}

/**
 * The relay's HTTP agents: each connection's resolved address is checked
 * (unless `allowPrivate`; 0.0.0.0 and :: are refused even then). No
 * keep-alive: every delivery resolves and checks its host afresh.
 */
export function destinationAgents(allowPrivate: boolean): DestinationAgents {
  const options = { allowPrivateIPAddress: allowPrivate, keepAlive: false };
  return { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
}

/** Whether an error came from the agents' address check (request-filtering-agent words them "… is not allowed …"). */
export const isRefusedAddress = (e: Error) => /^DNS lookup .* is not allowed/.test(e.message);
