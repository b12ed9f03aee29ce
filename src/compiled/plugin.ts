// The compiled read path: a persisted operation that compiles (./compile.ts)
// is answered by ONE SQL statement that writes the response text, inside the
// same request transaction as every other request:
//   BEGIN; <IDENTITY_SQL, the Pothos path's own identity statement>;
//   <the compiled statement>; COMMIT
// on one pooled connection, all four pipelined in one write and one round
// trip, both statements prepared. Postgres' text is the response; Node never
// parses it. RLS decides every row, exactly as before: the statement reads
// the tables as the request's role, calls no security definer function and
// changes no role.
//
// It replaces Yoga's params handler (after the body limit, CSRF, the
// persisted-documents swap and token verification, which all ran before it)
// and hands everything it does not serve to the original handler — the
// ordinary path, which is also the oracle: any anomaly (not a signed-in user,
// a variable or cursor the ordinary path would refuse, a cost over the limit,
// a null where the schema forbids one, any SQL error, a revoked session)
// falls back there, and the ordinary path produces the canonical data and
// errors. The result goes through Yoga's result processing like any other
// (`stringify` returns the text), so headers, CORS, security headers, the
// request log and HTTP metrics see the same response either way.
import { getOperationAST, getVariableValues, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import type { Viewer } from '../auth/tokens.js';
import { statementNamer, type Database } from '../db/client.js';
import { IDENTITY_SQL } from '../db/identity.js';
import { identityValues } from '../db/request.js';
import { checkOperation } from '../inputLimits.js';
import { MAX_QUERY_COST, operationCost } from '../schema/cost.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { compileOperation, Fallback, setPageSizes, type CompilerInput, type PothosModels, type RuntimeModels } from './compile.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../schema/limits.js';

export interface CompiledOperation {
  name: string | undefined;
  document: DocumentNode;
}

export interface CoverageLine {
  name: string;
  manifest: 'first-party' | 'partners';
  compiled: boolean;
  reason?: string;
}

/** The compiler's view of the schema and the generated client's data models. */
export function compilerInput(schema: GraphQLSchema, runtimeModels: RuntimeModels): CompilerInput {
  setPageSizes(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { schema, pothosModels: getDatamodel().datamodel.models as unknown as PothosModels, runtimeModels };
}

/** The runtime data model (table and column names) of a Prisma client of the generated schema. */
export const runtimeModelsOf = (prisma: unknown) => (prisma as { _runtimeDataModel: { models: RuntimeModels } })._runtimeDataModel.models;

/**
 * Which manifest operations compile, and why the others do not: checked once
 * at start-up (so a compiled plan is never stale: it is built from the
 * running schema and the committed manifests) and printed by `npm run codegen`.
 */
export function compileManifests(input: CompilerInput, manifests: { firstParty: ReadonlyMap<string, string>; partners: ReadonlyMap<string, string> }) {
  const plans = new Map<string, CompiledOperation>();
  const coverage: CoverageLine[] = [];
  for (const [manifest, documents] of [['first-party', manifests.firstParty], ['partners', manifests.partners]] as const) {
    for (const text of documents.values()) {
      const document = parse(text);
      const operation = getOperationAST(document, undefined);
      const name = operation?.name?.value;
      try {
        if (!operation) throw new Fallback('not exactly one operation');
        if (validate(input.schema, document).length) throw new Fallback('invalid against the schema');
        compileOperation(input, document, undefined, null);
        plans.set(text, { name, document });
        coverage.push({ name: name ?? '(anonymous)', manifest, compiled: true });
      } catch (e) {
        if (!(e instanceof Fallback)) throw e;
        coverage.push({ name: name ?? '(anonymous)', manifest, compiled: false, reason: e.reason });
      }
    }
  }
  return { plans, coverage };
}

export interface CompiledOptions {
  database: Database;
  schema: GraphQLSchema;
  manifests: { firstParty: ReadonlyMap<string, string>; partners: ReadonlyMap<string, string> };
  viewerOf: (request: Request) => Promise<Viewer>;
  /** COMPILED_OPERATIONS: off, every request takes the ordinary path. */
  enabled: boolean;
  onPath?: (path: 'compiled' | 'pothos') => void;
  /** Told why a compiled operation's request went to the ordinary path (debug log). */
  onFallback?: (operation: string | undefined, reason: string) => void;
  /** Told about each request it answered, for the access log (src/requestLog.ts). */
  onServed?: (request: Request, operation: { name?: string; type: string; viewer: Viewer }, seconds: number) => void;
}

// Prepared per connection, like the Prisma path's statements (src/db/client.ts).
const statementName = statementNamer('c');

/** A pooled client within `ms`, or undefined (one that arrives later goes straight back to the pool). */
function connectWithin(pool: pg.Pool, ms: number): Promise<pg.PoolClient | undefined> {
  const pending = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      pending.then((c) => c.release()).catch(() => {});
      resolve(undefined);
    }, ms);
  });
  return Promise.race([pending.finally(() => clearTimeout(timer)), late]);
}

export function useCompiledOperations({ database, schema, manifests, viewerOf, enabled, onPath, onServed, onFallback }: CompiledOptions): Plugin {
  const input = compilerInput(schema, runtimeModelsOf(database.prisma));
  const { plans } = enabled ? compileManifests(input, manifests) : { plans: new Map<string, CompiledOperation>() };

  /** The response text, or undefined: the ordinary path answers. */
  async function serve(request: Request, params: { query?: unknown; variables?: unknown; operationName?: unknown }): Promise<string | undefined> {
    const plan = typeof params.query === 'string' ? plans.get(params.query) : undefined;
    if (!plan) return undefined;
    // Whatever goes wrong here (a bug included), the ordinary path still answers the request.
    const why = await attempt(request, params, plan).catch((e: unknown) => `unexpected: ${(e as Error)?.message ?? String(e)}`);
    if (typeof why === 'object') return why.body;
    onFallback?.(plan.name, why);
    return undefined;
  }

  /** The body, or why the ordinary path answers instead. */
  async function attempt(request: Request, params: { variables?: unknown; operationName?: unknown }, plan: CompiledOperation): Promise<{ body: string } | string> {
    if (params.operationName != null && params.operationName !== plan.name) return 'another operation name';
    const viewer = await viewerOf(request).catch(() => undefined);
    // Users only: anonymous callers, partners' scopes and support staff's rules stay with the ordinary path.
    if (viewer?.kind !== 'user') return `viewer ${viewer?.kind ?? 'unverified'}`;
    const raw = (params.variables ?? {}) as Record<string, unknown>;
    if (typeof raw !== 'object' || Array.isArray(raw)) return 'variables';
    const operation = getOperationAST(plan.document, undefined)!;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw);
    if (coerced.errors) return 'variables';
    // The ordinary path's own checks before execution: input limits and the query's cost.
    if (checkOperation(schema, plan.document, undefined, raw).errors.length) return 'input limits';
    const cost = operationCost(schema, plan.document, undefined, raw);
    if (cost !== undefined && cost > MAX_QUERY_COST) return 'cost';
    let statement;
    try {
      statement = compileOperation(input, plan.document, undefined, coerced.coerced);
    } catch (e) {
      if (e instanceof Fallback) return e.reason;
      throw e; // a compiler bug: attempt's caller reports it and falls back
    }
    const asked = performance.now();
    const client = (await connectWithin(database.pool, database.txOptions.maxWait).catch(() => undefined)) as (pg.PoolClient & { pipeline?: boolean }) | undefined;
    // No connection within DB_TX_MAX_WAIT_MS (or none at all): the ordinary path waits its own turn and reports it.
    if (!client) return 'no pooled connection in time';
    database.onTransactionWait?.((performance.now() - asked) / 1000);
    // pg 8.23's pipeline mode, for this checkout only: the four statements go out at once, each
    // with its own Sync, so one round trip instead of three. Fail-closed: when the identity
    // statement fails (a revoked session), the statement behind it fails too ("current
    // transaction is aborted") and COMMIT ends the transaction as a ROLLBACK. The pool's other
    // users (Prisma's transactions) await each statement, as before.
    client.pipeline = true;
    const sentAt = performance.now();
    // Corked: pg writes each statement on its own (one syscall each); corked, the four statements
    // (BEGIN, bind/execute of the two prepared statements, COMMIT) leave in one writev.
    const socket = (client as unknown as { connection: { stream: { cork?: () => void; uncork?: () => void } } }).connection.stream;
    socket.cork?.();
    const sent = [
      // Pipelined, so src/db/identity.ts does not hold BEGIN back; the identity statement is prepared
      // (parsed and planned once per connection) instead of sent with literal values.
      client.query('BEGIN'),
      client.query({ name: 'fortress_identity', text: IDENTITY_SQL, values: identityValues(viewer) }),
      client.query<{ body: string }>({ name: statementName(statement.sql), text: statement.sql, values: statement.values }),
      client.query('COMMIT'),
    ] as const;
    socket.uncork?.();
    const settled = await Promise.allSettled(sent);
    client.pipeline = false;
    const result = settled[2];
    if (settled.every((s) => s.status === 'fulfilled') && result.status === 'fulfilled' && typeof result.value.rows[0]?.body === 'string') {
      client.release();
      onServed?.(request, { name: plan.name, type: 'query', viewer }, (performance.now() - sentAt) / 1000);
      return { body: result.value.rows[0].body };
    }
    const failed = settled.find((s) => s.status === 'rejected');
    // A revoked session, a cursor not in the connection, a null in a non-null field, any SQL
    // error: make sure nothing is left open and let the ordinary path answer (and report) it.
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (e) {
      client.release(e as Error);
    }
    return `statement failed: ${failed ? ((failed.reason as Error).message ?? '') : 'no body'}`;
  }

  return {
    onParams({ request, setParamsHandler, paramsHandler }) {
      setParamsHandler(async (payload) => {
        const body = enabled ? await serve(request, payload.params) : undefined;
        onPath?.(body === undefined ? 'pothos' : 'compiled');
        if (body === undefined) return paramsHandler(payload);
        return { stringify: () => body } as ExecutionResult & { stringify: () => string };
      });
    },
  };
}
