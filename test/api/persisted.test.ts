// Persisted operations (src/persisted.ts, README "Persisted operations"):
// users may send any document or the id of a published operation; partner
// clients only ids of persisted-documents/partners.json. Both id protocols
// (GraphQL over HTTP's `documentId`, Apollo's extensions.persistedQuery), the
// error shapes real clients act on, and the limits a persisted operation still
// meets. The last block drives Apollo Client and urql, with their persisted
// query support fed from the published manifests, against a listening server.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOperationAST, parse, print, type DocumentNode } from 'graphql';
import type pg from 'pg';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { errorCodes, ownerPool, testApp, tokens } from '../helpers.js';
import { createTenant, type TenantFixture } from '../fixtures.js';
import { loadPersistedDocuments, persistedDocumentFor, persistedOperationId, parseManifest } from '../../src/persisted.js';
import { CatalogPageDocument, ViewerAccountsDocument } from '../../src/generated/graphql/graphql.js';
import { PartnerCatalogDocument, PartnerPlaceOrderDocument } from '../../src/generated/partners/graphql.js';

const sent: string[] = [];
let app: Awaited<ReturnType<typeof testApp>>;
let owner: pg.Pool;
let a: TenantFixture;
let b: TenantFixture;
let partnerToken: string;
const documents = loadPersistedDocuments();

/** A typed document's id (`sha256:<hex>`): codegen keeps only that. */
const idOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;
const hexOf = (document: unknown) => idOf(document).slice('sha256:'.length);
const textOf = (document: unknown) => documents.firstParty.get(hexOf(document)) ?? documents.partners.get(hexOf(document))!;
const UNKNOWN = createHash('sha256').update('query NotPublished { viewer { role } }').digest('hex');

beforeAll(async () => {
  app = await testApp({ onQuery: (s) => sent.push(s) });
  owner = ownerPool();
  a = await createTenant(owner, 'persisted-a');
  b = await createTenant(owner, 'persisted-b');
  // A live partner client of tenant a with catalog:read (its secret is never used: the token is minted directly).
  const clientId = `pc_${randomBytes(16).toString('base64url')}`;
  const { rows } = await owner.query(
    `insert into partner_clients (tenant_id, name, client_id, secret_hash, scopes) values ($1, 'persisted test', $2, '$argon2id$unused', array['catalog:read']) returning id`,
    [a.tenantId, clientId],
  );
  partnerToken = (await (await tokens()).signPartner({ tenantId: a.tenantId, partnerClientId: rows[0].id, clientId, scopes: ['catalog:read'] })).token;
});
afterAll(async () => {
  await app.close();
  await owner.end();
});

type Body = Record<string, unknown>;
/** One POST (or GET with `body` as the query string) through yoga.fetch; `accept` decides the status codes (GraphQL over HTTP). */
async function send(body: Body, opts: { token?: string; method?: 'GET' | 'POST'; accept?: string } = {}) {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/graphql-response+json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let url = 'http://fortress.test/graphql';
  if (opts.method === 'GET') {
    // A GET must say it is not a cross-site link (CSRF prevention, src/browserSafety.ts).
    headers['x-graphql-yoga-csrf'] = '1';
    url += `?${new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))}`;
  } else headers['content-type'] = 'application/json';
  const res = await app.yoga.fetch(url, { method: opts.method ?? 'POST', headers, ...(opts.method === 'GET' ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] }) };
}
const apollo = (hex: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hex } } });
const productIds = (r: { data?: any }) => r.data.products.edges.map((e: { node: { rowId: string } }) => e.node.rowId);

describe('the manifests', () => {
  it('publish the partner operations apart from the first-party ones, each entry checked against its hash at load', () => {
    const names = (m: ReadonlyMap<string, string>) => [...m.values()].map((q) => /^(?:query|mutation) (\w+)/.exec(q)![1]).sort();
    expect(names(documents.partners)).toEqual([
      'PartnerCatalog', 'PartnerInventoryByLocation', 'PartnerLocations', 'PartnerLowStock', 'PartnerOrderStatus', 'PartnerOrders',
      'PartnerPlaceOrder', 'PartnerProduct', 'PartnerProductBySku', 'PartnerSettlementStatement', 'PartnerSettlementTransfersIn',
    ]);
    expect(names(documents.firstParty)).toEqual(['AccountStatement', 'CatalogPage', 'OrderDetail', 'ViewerAccounts']);
    const [hex, text] = [...documents.partners][0]!;
    expect(() => parseManifest(JSON.stringify({ [`sha256:${hex}`]: text }), 'ok.json')).not.toThrow();
    // A document edited under a reviewed hash is refused (control above: the same entry unedited loads).
    expect(() => parseManifest(JSON.stringify({ [`sha256:${hex}`]: `${text} ` }), 'tampered.json')).toThrow(/tampered.json.*not the sha256/);
  });

  it('ids: documentId (body or GET query) before extensions.persistedQuery, sha256:<hex> or bare hex; partners resolve only their manifest', () => {
    const hex = hexOf(CatalogPageDocument);
    const post = new Request('http://x/graphql', { method: 'POST' });
    expect(persistedOperationId({ documentId: `sha256:${hex.toUpperCase()}` } as never, post)).toBe(hex);
    expect(persistedOperationId({ ...apollo(hex) } as never, post)).toBe(hex);
    expect(persistedOperationId({ extensions: { persistedQuery: { version: 2, sha256Hash: hex } } } as never, post)).toBeNull();
    expect(persistedOperationId({ query: '{ viewer { role } }' } as never, post)).toBeNull();
    expect(persistedOperationId({} as never, new Request(`http://x/graphql?documentId=sha256:${hex}`))).toBe(hex);
    const partner = { kind: 'partner' } as const;
    expect(persistedDocumentFor(documents, partner, hexOf(PartnerCatalogDocument))).toBe(textOf(PartnerCatalogDocument));
    expect(persistedDocumentFor(documents, partner, hex)).toBeNull();
    expect(persistedDocumentFor(documents, { kind: 'user' } as const, hex)).toBe(textOf(CatalogPageDocument));
    expect(persistedDocumentFor(documents, { kind: 'anonymous' } as const, hexOf(PartnerCatalogDocument))).toBe(textOf(PartnerCatalogDocument));
  });
});

describe('users', () => {
  it('run a published operation by id in either protocol, POST or GET: the same data and the same SQL as the document sent in full', async () => {
    const token = await a.token('x');
    sent.length = 0;
    const full = await send({ query: textOf(CatalogPageDocument) }, { token });
    const fullSql = sent.splice(0);
    expect(full.errors).toBeUndefined();
    expect(productIds(full)).toEqual([a.product]);
    for (const [body, method] of [
      [{ documentId: idOf(CatalogPageDocument) }, 'POST'],
      [{ documentId: hexOf(CatalogPageDocument) }, 'POST'],
      [apollo(hexOf(CatalogPageDocument)), 'POST'],
      [{ documentId: idOf(CatalogPageDocument) }, 'GET'],
      [apollo(hexOf(CatalogPageDocument)), 'GET'],
    ] as const) {
      const r = await send(body, { token, method });
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(r.errors, JSON.stringify(body)).toBeUndefined();
      expect(r.data).toEqual(full.data);
      expect(sent.splice(0), 'the same statements as the full document').toEqual(fullSql);
    }
  });

  it('may still send any document, with or without an id beside it, and the partners’ operations', async () => {
    const token = await a.token('x');
    for (const body of [
      { query: '{ viewer { role } }' },
      { query: '{ viewer { role } }', documentId: `sha256:${UNKNOWN}` },
      { query: '{ viewer { role } }', ...apollo(UNKNOWN) },
    ]) {
      const r = await send(body, { token });
      expect(r.errors, JSON.stringify(body)).toBeUndefined();
      expect(r.data).toEqual({ viewer: { role: 'MEMBER' } });
    }
    expect(productIds(await send({ documentId: idOf(PartnerCatalogDocument) }, { token }))).toEqual([a.product]);
  });

  it('an unknown id: PERSISTED_QUERY_NOT_FOUND with the message clients retry on, 404 (200 under application/json), before any SQL', async () => {
    const token = await a.token('x');
    sent.length = 0;
    for (const body of [{ documentId: `sha256:${UNKNOWN}` }, apollo(UNKNOWN), { documentId: 'not-a-hash' }]) {
      const r = await send(body, { token });
      expect(r.status).toBe(404);
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toEqual([expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) })]);
      const json = await send(body, { token, accept: 'application/json' });
      expect([json.status, errorCodes(json)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
    }
    expect(sent).toEqual([]);
  });

  it('neither a document nor an id: BAD_USER_INPUT naming both ways', async () => {
    const r = await send({ variables: {} }, { token: await a.token('x') });
    expect([r.status, errorCodes(r)]).toEqual([400, ['BAD_USER_INPUT']]);
    expect(r.errors![0]!.message).toMatch(/"query".*"documentId".*persistedQuery/);
  });
});

describe('partners', () => {
  it('run a published operation by id (both protocols, POST and GET) and get only their tenant’s rows', async () => {
    for (const [body, method] of [
      [{ documentId: idOf(PartnerCatalogDocument) }, 'POST'],
      [apollo(hexOf(PartnerCatalogDocument)), 'POST'],
      [{ documentId: idOf(PartnerCatalogDocument), variables: { first: 5 } }, 'GET'],
    ] as const) {
      const r = await send(body, { token: partnerToken, method });
      expect(r.errors, JSON.stringify(body)).toBeUndefined();
      expect(productIds(r)).toEqual([a.product]);
      expect(JSON.stringify(r.data)).not.toContain(b.product);
    }
    // Control: tenant b's product exists, and its owner sees it.
    expect(productIds(await send({ documentId: idOf(PartnerCatalogDocument) }, { token: await b.token('owner') }))).toEqual([b.product]);
    // A search long enough for the trigram path (app.search_products) finds the partner's own
    // tenant's product by name and by SKU, and none of b's.
    for (const search of ['Milk', 'sku-1']) {
      const r = await send({ documentId: idOf(PartnerCatalogDocument), variables: { first: 5, search } }, { token: partnerToken });
      expect(r.errors, search).toBeUndefined();
      expect(productIds(r)).toEqual([a.product]);
    }
    expect(productIds(await send({ documentId: idOf(PartnerCatalogDocument), variables: { first: 5, search: 'no such thing' } }, { token: partnerToken }))).toEqual([]);
  });

  it('place an order for a customer by id (PartnerPlaceOrder): CREATED, stock reserved, in their own tenant', async () => {
    const variables = { customerId: a.x, locationId: a.location, items: [{ productId: a.product, quantity: 1 }], shippingAddress: { city: 'SP' } };
    // A client token without orders:write may not (the catalog-only one of this file).
    expect(errorCodes(await send({ documentId: idOf(PartnerPlaceOrderDocument), variables }, { token: partnerToken }))).toEqual(['FORBIDDEN']);
    const writer = await a.partnerToken(['orders:write']);
    const r = await send({ documentId: idOf(PartnerPlaceOrderDocument), variables }, { token: writer });
    expect(r.errors).toBeUndefined();
    const order = (r.data as { placePartnerOrder: { order: { rowId: string; status: string; totalAmount: string } } }).placePartnerOrder.order;
    expect(order).toMatchObject({ status: 'CREATED', totalAmount: '5.99' });
    const row = (await owner.query('select tenant_id, user_id, location_id from orders where id = $1', [order.rowId])).rows[0];
    expect(row).toEqual({ tenant_id: a.tenantId, user_id: a.x, location_id: a.location });
    // Another tenant's customer is NOT_FOUND through a's client (control: the same call for a's customer worked above).
    const other = await send({ documentId: idOf(PartnerPlaceOrderDocument), variables: { ...variables, customerId: b.x } }, { token: writer });
    expect(errorCodes(other)).toEqual(['NOT_FOUND']);
  });

  it('a document is PERSISTED_QUERY_ONLY (403), even a published one or with a published id beside it; nothing reaches the database', async () => {
    sent.length = 0;
    for (const [body, method] of [
      [{ query: '{ viewer { role } }' }, 'POST'],
      [{ query: textOf(PartnerCatalogDocument) }, 'POST'],
      [{ query: textOf(PartnerCatalogDocument), documentId: idOf(PartnerCatalogDocument) }, 'POST'],
      [{ query: textOf(PartnerCatalogDocument), ...apollo(hexOf(PartnerCatalogDocument)) }, 'POST'],
      [{ query: '{ viewer { role } }' }, 'GET'],
    ] as const) {
      const r = await send(body, { token: partnerToken, method });
      expect([r.status, errorCodes(r)], JSON.stringify(body)).toEqual([403, ['PERSISTED_QUERY_ONLY']]);
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0]!.message).toMatch(/documentId/);
    }
    expect(sent).toEqual([]);
  });

  it('an id outside partners.json is PERSISTED_QUERY_NOT_FOUND, a first-party operation’s too; nothing reaches the database', async () => {
    sent.length = 0;
    for (const body of [{ documentId: `sha256:${UNKNOWN}` }, apollo(UNKNOWN), { documentId: idOf(CatalogPageDocument) }, apollo(hexOf(ViewerAccountsDocument))]) {
      const r = await send(body, { token: partnerToken });
      expect([r.status, errorCodes(r)], JSON.stringify(body)).toEqual([404, ['PERSISTED_QUERY_NOT_FOUND']]);
      expect(r.errors![0]!.message).toBe('PersistedQueryNotFound');
    }
    expect(sent).toEqual([]);
  });
});

describe('a persisted operation meets every limit a sent one does', () => {
  it('query cost: a first-party operation priced over the limit by its variables is refused before any SQL (control: default variables run)', async () => {
    const token = await a.token('owner');
    sent.length = 0;
    const r = await send({ documentId: idOf(ViewerAccountsDocument), variables: { entries: 100 } }, { token });
    expect([r.status, errorCodes(r)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    expect(r.errors![0]!.extensions!.cost).toBeGreaterThan(r.errors![0]!.extensions!.maxCost);
    expect(sent).toEqual([]);
    expect((await send({ documentId: idOf(ViewerAccountsDocument) }, { token })).errors).toBeUndefined();
  });

  it('input limits: a partner’s negative page or 201-character search is BAD_USER_INPUT naming the argument, before any SQL', async () => {
    sent.length = 0;
    for (const [variables, field] of [
      [{ first: -1 }, 'first'],
      [{ search: 'x'.repeat(201) }, 'search'],
    ] as const) {
      const r = await send({ documentId: idOf(PartnerCatalogDocument), variables }, { token: partnerToken });
      expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe(field);
    }
    expect(sent).toEqual([]);
    // Control: within the limits it runs.
    expect((await send({ documentId: idOf(PartnerCatalogDocument), variables: { first: 100, search: 'xy' } }, { token: partnerToken })).errors).toBeUndefined();
  });

  it('sign-in: an anonymous caller sending a published id is UNAUTHENTICATED (401), before any SQL', async () => {
    sent.length = 0;
    const r = await send({ documentId: idOf(CatalogPageDocument) });
    expect([r.status, errorCodes(r)]).toEqual([401, ['UNAUTHENTICATED']]);
    expect(sent).toEqual([]);
  });

  it('variables are checked against the manifest’s document: a wrong type is refused, not run', async () => {
    const r = await send({ documentId: idOf(PartnerCatalogDocument), variables: { first: 'ten' } }, { token: partnerToken });
    expect(r.data ?? null).toBeNull();
    expect(r.errors!.length).toBeGreaterThan(0);
  });
});

describe('real clients over HTTP: Apollo Client’s persisted-queries link and urql’s persisted exchange', () => {
  let server: Server;
  let url: string;
  /** What the clients put on the wire: method, and whether a document or only an id was sent. */
  const wire: { method: string; query: boolean; id: string | null }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const body = init?.body ? (JSON.parse(String(init.body)) as Body) : Object.fromEntries(u.searchParams);
    const extensions = typeof body.extensions === 'string' ? JSON.parse(body.extensions) : body.extensions;
    wire.push({ method: init?.method ?? 'GET', query: typeof body.query === 'string', id: extensions?.persistedQuery?.sha256Hash ?? null });
    return fetch(input, init);
  };
  // The published manifests, by operation name: what a client bundles (generateHash looks the id up).
  const published = new Map(
    [...documents.firstParty, ...documents.partners].map(([hex, text]) => [getOperationAST(parse(text))!.name!.value, hex]),
  );
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const idFor = (document: DocumentNode) => published.get(getOperationAST(document)?.name?.value ?? '') ?? sha256(print(document));
  const notPublished = parse('query NotPublished { viewer { __typename role } }');

  beforeAll(async () => {
    server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const apolloClient = (token: string) =>
    new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({ generateHash: idFor }).concat(new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` }, fetch: recordingFetch })),
    });
  const urqlClient = (token: string, opts: { enforcePersistedQueries?: boolean } = {}) =>
    new Client({
      url,
      fetch: recordingFetch,
      // urql sends persisted operations as GET: with a CSRF header, as the README asks of GET clients.
      fetchOptions: { headers: { authorization: `Bearer ${token}`, 'x-graphql-yoga-csrf': 'urql' } },
      exchanges: [persistedExchange({ generateHash: async (_query, document) => idFor(document), ...opts }), fetchExchange],
    });

  it('Apollo, as a user: a published operation goes by id alone; an unknown one falls back to the full document and runs', async () => {
    const client = apolloClient(await a.token('x'));
    wire.length = 0;
    const page = await client.query({ query: parse(textOf(CatalogPageDocument)), fetchPolicy: 'network-only' });
    expect(page.error).toBeUndefined();
    expect((page.data as any).products.edges.map((e: any) => e.node.rowId)).toEqual([a.product]);
    expect(wire).toEqual([{ method: 'POST', query: false, id: hexOf(CatalogPageDocument) }]);

    wire.length = 0;
    const adHoc = await client.query({ query: notPublished, fetchPolicy: 'network-only' });
    expect(adHoc.error).toBeUndefined();
    expect(adHoc.data).toEqual({ viewer: { __typename: 'Viewer', role: 'MEMBER' } });
    expect(wire).toEqual([
      { method: 'POST', query: false, id: sha256(print(notPublished)) },
      { method: 'POST', query: true, id: sha256(print(notPublished)) },
    ]);
  });

  it('urql, as a user: a published operation goes by id alone (GET); an unknown one falls back to the full document and runs', async () => {
    const client = urqlClient(await a.token('x'));
    wire.length = 0;
    const page = await client.query(parse(textOf(CatalogPageDocument)), {}, { requestPolicy: 'network-only' }).toPromise();
    expect(page.error).toBeUndefined();
    expect(page.data.products.edges.map((e: any) => e.node.rowId)).toEqual([a.product]);
    expect(wire).toEqual([{ method: 'GET', query: false, id: hexOf(CatalogPageDocument) }]);

    wire.length = 0;
    const adHoc = await client.query(notPublished, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(adHoc.error).toBeUndefined();
    expect(adHoc.data).toEqual({ viewer: { __typename: 'Viewer', role: 'MEMBER' } });
    expect(wire.map((w) => w.query)).toEqual([false, true]);
  });

  it('Apollo and urql, as a partner: the published operation runs by id; an unpublished one is refused even after the fallback', async () => {
    const apolloPartner = apolloClient(partnerToken);
    wire.length = 0;
    const page = await apolloPartner.query({ query: parse(textOf(PartnerCatalogDocument)), fetchPolicy: 'network-only' });
    expect(page.error).toBeUndefined();
    expect((page.data as any).products.edges.map((e: any) => e.node.rowId)).toEqual([a.product]);
    expect(wire).toEqual([{ method: 'POST', query: false, id: hexOf(PartnerCatalogDocument) }]);

    wire.length = 0;
    const refused = await apolloPartner.query({ query: notPublished, fetchPolicy: 'network-only', errorPolicy: 'all' });
    expect(wire.map((w) => w.query)).toEqual([false, true]);
    expect(JSON.stringify(refused.error)).toContain('PERSISTED_QUERY_ONLY');

    const urqlPartner = urqlClient(partnerToken, { enforcePersistedQueries: true });
    wire.length = 0;
    const viaUrql = await urqlPartner.query(parse(textOf(PartnerCatalogDocument)), { first: 10 }, { requestPolicy: 'network-only' }).toPromise();
    expect(viaUrql.error).toBeUndefined();
    expect(viaUrql.data.products.edges.map((e: any) => e.node.rowId)).toEqual([a.product]);
    wire.length = 0;
    const missing = await urqlPartner.query(notPublished, {}, { requestPolicy: 'network-only' }).toPromise();
    expect(missing.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(wire).toEqual([{ method: 'GET', query: false, id: sha256(print(notPublished)) }]);
  });
});
