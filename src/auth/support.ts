// Support tokens in the request path (issue 12). A support token may run
// only `support` (the masked views) and `supportLogout`: any other root
// field is refused before execution (FORBIDDEN, HTTP 403), as persisted-only
// partners are. Every operation that reads (`support`) is first recorded in
// the tenant's support_access_logs, in a short transaction of its own that
// commits before the request's transaction starts, so the record stays when
// the request then fails; when the grant or session is gone by then, the
// request stops there (FORBIDDEN / UNAUTHENTICATED) and reads nothing.
import { GraphQLError, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Database } from '../db/client.js';
import { withRequestTransaction } from '../db/request.js';
import { maskError, refusedBeforeExecution } from '../errors.js';
import { recordSupportAccess } from '../resolvers/support.js';
import { rootFields } from '../yoga.js';

/** What a support token may ask for at the root. */
const SUPPORT_ROOT_FIELDS = new Set(['support', 'supportLogout', '__typename']);

export function useSupportRules(database: Database): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context;
      if (ctx.viewer.kind !== 'support') return;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const fields = rootFields(args.document, operation.selectionSet);
      const refused = [...new Set(fields.filter((f) => !SUPPORT_ROOT_FIELDS.has(f)))];
      if (refused.length) {
        setResultAndStopExecution({
          errors: [
            refusedBeforeExecution(
              'FORBIDDEN',
              `Support tokens may call only support and supportLogout, not ${refused.join(', ')}`,
              {},
              403,
            ),
          ],
        });
        return;
      }
      // Reading needs a live grant, and leaves a record; signing out needs neither.
      if (!fields.includes('support')) return;
      try {
        await recordSupportAccess(
          (viewer, fn) => withRequestTransaction(database, viewer, fn),
          ctx,
          args.operationName ?? operation.name?.value ?? null,
          args.variableValues ?? {},
        );
      } catch (e) {
        setResultAndStopExecution({ data: null, errors: [maskError(e) as GraphQLError] });
      }
    },
  };
}
