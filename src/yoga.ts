// Builds the Yoga instance: limits, authentication, the request transaction,
// error masking, health and readiness. src/server.ts only listens.
import { GraphQLError } from 'graphql';
import { createYoga, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { schema } from './schema/index.js';
import type { Context } from './context.js';
import type { Database } from './db/client.js';
import { withRequestTransaction, Rollback } from './db/request.js';
import { pendingMigrations } from './db/migrate.js';
import type { TokenService } from './auth/tokens.js';
import type { AuthSettings } from './resolvers/auth.js';
import { isCommittedFailure, maskError } from './errors.js';

export interface YogaOptions {
  database: Database;
  tokens: TokenService;
  /** Login policy; defaults: 5 failures lock for 15 minutes, refresh tokens live 30 days. */
  authPolicy?: Partial<Omit<AuthSettings, 'tokens'>>;
  /** Serve GraphiQL. */
  development?: boolean;
  /** Headers pre-filled in GraphiQL (a demo token in development). */
  graphiqlHeaders?: Record<string, string>;
  /** Yoga's logger (masked errors are logged at error level). Tests turn it off. */
  logging?: boolean;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy?: boolean;
}

/**
 * Runs the whole execution of an operation inside the request transaction
 * and hands resolvers its client as ctx.db. A result with errors rolls the
 * transaction back, so a failing operation never leaves a partial write.
 */
function useRequestTransaction(database: Database): Plugin<Context> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) =>
        withRequestTransaction(database, (args.contextValue as Context).viewer, async (db) => {
          (args.contextValue as Context).db = db;
          const result = await executeFn(args);
          // Roll back on any error, except when every error is a failure whose
          // record must persist (a failed login, a reused refresh token).
          if ('errors' in result && result.errors?.length && !result.errors.every(isCommittedFailure)) throw new Rollback(result);
          return result;
        }),
      );
    },
  };
}

/**
 * Parse and validation errors (graphql-armor's limits included) carry no
 * code; give them one, so every error a client sees has a stable
 * extensions.code. Execution errors already have theirs (src/errors.ts).
 */
function useErrorCodeForInvalidDocuments(): Plugin<Context> {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      setResult({
        ...result,
        errors: result.errors.map((e) =>
          e.extensions?.code
            ? e
            : new GraphQLError(e.message, { ...e, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
        ),
      });
    },
  };
}

export function buildYoga({ database, tokens, authPolicy, development = false, graphiqlHeaders, logging = true, trustProxy = false }: YogaOptions) {
  const auth: AuthSettings = { tokens, refreshTtlDays: 30, maxAttempts: 5, lockMinutes: 15, ...authPolicy };
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    logging,
    landingPage: false,
    graphiql: development
      ? { title: 'Fortress', headers: graphiqlHeaders ? JSON.stringify(graphiqlHeaders, null, 2) : undefined }
      : false,
    maskedErrors: { maskError },
    // Yoga's own empty-body check stays available for probes; /health below answers JSON.
    healthCheckEndpoint: '/healthz',
    context: async ({ request, req }: { request: Request; req?: { socket?: { remoteAddress?: string } } }) =>
      ({
        viewer: await tokens.viewerFromAuthorization(request.headers.get('authorization')),
        // X-Forwarded-For is anyone's to write: only believed behind a trusted proxy.
        ip: (trustProxy && request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()) || req?.socket?.remoteAddress || null,
        userAgent: request.headers.get('user-agent'),
        auth,
      }) as Context,
    plugins: [
      // Depth, cost, alias, directive and token limits; no field suggestions in production.
      EnvelopArmorPlugin({
        maxDepth: { n: 12 },
        maxAliases: { n: 15 },
        // Armor's cost grows 1.5x per level and Relay adds two levels per
        // connection; the shipped operations (operations/) stay well below this.
        costLimit: { maxCost: 12_000 },
        blockFieldSuggestion: { enabled: !development },
      }),
      useErrorCodeForInvalidDocuments(),
      useRequestTransaction(database),
      useReadinessCheck({
        endpoint: '/health',
        check: ({ fetchAPI }) => fetchAPI.Response.json({ status: 'ok' }),
      }),
      useReadinessCheck({
        endpoint: '/ready',
        check: async ({ fetchAPI }) => {
          try {
            const { rows } = await database.pool.query<{ name: string }>('select app.applied_migrations() as name');
            const pending = await pendingMigrations(rows.map((r) => r.name));
            const ready = pending.length === 0;
            return fetchAPI.Response.json({ status: ready ? 'ready' : 'pending_migrations', pending }, { status: ready ? 200 : 503 });
          } catch {
            return fetchAPI.Response.json({ status: 'database_unreachable' }, { status: 503 });
          }
        },
      }),
    ],
  });
}

export type FortressYoga = ReturnType<typeof buildYoga>;
