// Persisted operations (@graphql-yoga/plugin-persisted-operations). Two
// manifests, committed in persisted-documents/ and loaded once at start-up:
// first-party.json (operations/*.graphql, the SPA's) and partners.json
// (operations/partners/*.graphql, what a tenant publishes for its partners).
// `npm run codegen` writes them; their diff is the reviewed change to the
// allow-list.
//
// - Users and anonymous callers may send any document (within the limits), or
//   the id of an operation of either manifest.
// - Partners may only send the id of an operation of partners.json: a document
//   is PERSISTED_QUERY_ONLY, an unknown id PERSISTED_QUERY_NOT_FOUND.
// - Ids come as `documentId` (GraphQL over HTTP's persisted documents, POST body
//   or GET query string) or as Apollo's `extensions.persistedQuery.sha256Hash`
//   (Apollo Client's persisted-queries link, urql's persisted exchange), as
//   `sha256:<hex>` or bare hex. An unknown id is answered with the message
//   'PersistedQueryNotFound' those clients look for: they then resend the full
//   document, which a user may run (no registration: only the manifests' hashes
//   are ever known).
// The plugin only swaps the id for the manifest's text before parsing, so a
// persisted operation meets every later step as a sent one would: graphql-armor
// and validation, input limits, cost, sign-in, the request transaction, masking.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Viewer } from './auth/tokens.js';
import { persistedQueryNotFound, persistedQueryOnly, refusedBeforeExecution } from './errors.js';

/** The manifests' operations by bare lowercase sha256 hex. */
export interface PersistedDocuments {
  firstParty: ReadonlyMap<string, string>;
  partners: ReadonlyMap<string, string>;
}

/** The committed manifests, relative to the checkout (src/ and persisted-documents/ are siblings). */
export const MANIFEST_DIR = new URL('../persisted-documents/', import.meta.url);
export const MANIFEST_FILES = { firstParty: 'first-party.json', partners: 'partners.json' } as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `sha256:<hex>` or `<hex>` → bare lowercase hex; anything else is returned unchanged (and found nowhere). */
export const normalizeDocumentId = (id: string) => {
  const hex = (id.startsWith('sha256:') ? id.slice('sha256:'.length) : id).toLowerCase();
  return SHA256_HEX.test(hex) ? hex : id;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A manifest (`{ "sha256:<hex>": "<document>" }`), each entry checked against its hash. */
export function parseManifest(json: string, name: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new Error(`${name}: not JSON (${(e as Error).message}); run \`npm run codegen\``);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${name}: expected an object of "sha256:<hex>": "<document>"`);
  const documents = new Map<string, string>();
  for (const [id, text] of Object.entries(parsed)) {
    const hex = normalizeDocumentId(id);
    // A hand-edited entry must not run under a reviewed operation's hash.
    if (typeof text !== 'string' || !SHA256_HEX.test(hex) || sha256(text) !== hex) {
      throw new Error(`${name}: entry ${id.slice(0, 80)} is not the sha256 of its document; run \`npm run codegen\``);
    }
    documents.set(hex, text);
  }
  return documents;
}

/** Reads both committed manifests (start-up; a missing or tampered one stops the server with its name). */
export function loadPersistedDocuments(dir: URL = MANIFEST_DIR): PersistedDocuments {
  const read = (file: string) => {
    const url = new URL(file, dir);
    let json: string;
    try {
      json = readFileSync(url, 'utf8');
    } catch (e) {
      throw new Error(`Cannot read the persisted-documents manifest ${url.pathname} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run \`npm run codegen\``);
    }
    return parseManifest(json, `persisted-documents/${file}`);
  };
  return { firstParty: read(MANIFEST_FILES.firstParty), partners: read(MANIFEST_FILES.partners) };
}

/** Whether the caller is a partner client (src/auth/tokens.ts), restricted to the partners' manifest. */
export const isPartner = (viewer: Pick<Viewer, 'kind'>): boolean => viewer.kind === 'partner';

/** The persisted operation id a request carries, normalized; null when it carries none. */
export function persistedOperationId(params: GraphQLParams & { documentId?: unknown }, request: Request): string | null {
  let id: unknown = params.documentId;
  if (id == null && request.method === 'GET') id = new URL(request.url, 'http://localhost').searchParams.get('documentId');
  if (id == null) {
    const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
    if (pq && typeof pq === 'object' && pq.version === 1) id = pq.sha256Hash;
  }
  return typeof id === 'string' && id !== '' ? normalizeDocumentId(id) : null;
}

/** The document an id stands for, for this viewer: partners see only their manifest. */
export function persistedDocumentFor(documents: PersistedDocuments, viewer: Pick<Viewer, 'kind'>, id: string): string | null {
  if (isPartner(viewer)) return documents.partners.get(id) ?? null;
  return documents.firstParty.get(id) ?? documents.partners.get(id) ?? null;
}

const PARTNERS_SEND_IDS =
  'Partners may only run the operations published for them, sent by id: "documentId": "sha256:<hex>" or extensions.persistedQuery.sha256Hash (persisted-documents/partners.json)';

/**
 * The persisted-operations plugin for Yoga. It runs on the request's params,
 * before the context exists, so it asks `viewerOf` (the same verified viewer
 * the context gets, src/yoga.ts) who is calling.
 */
export function usePersistedDocuments(documents: PersistedDocuments, viewerOf: (request: Request) => Promise<Viewer>): Plugin {
  return usePersistedOperations({
    extractPersistedOperationId: (params, request) => persistedOperationId(params, request),
    allowArbitraryOperations: async (request) => !isPartner(await viewerOf(request)),
    getPersistedOperation: async (id, request) => persistedDocumentFor(documents, await viewerOf(request), id),
    customErrors: {
      notFound: persistedQueryNotFound,
      persistedQueryOnly: () => persistedQueryOnly(PARTNERS_SEND_IDS),
      // Neither a document nor an id (Yoga itself would say "Must provide query string").
      keyNotFound: () =>
        refusedBeforeExecution(
          'BAD_USER_INPUT',
          'Send a GraphQL document as "query", or a persisted operation\'s id as "documentId" or extensions.persistedQuery.sha256Hash',
        ),
    },
  }) as Plugin;
}
