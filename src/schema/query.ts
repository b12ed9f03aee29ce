import { builder } from './builder.js';

// Root types. Each type file adds its own fields with builder.queryFields /
// mutationFields. Every root field needs a signed-in caller unless it skips
// these type scopes (`skipTypeScopes`), as the public ones do (sign-up, login,
// refresh, viewer: `extensions.public`, which src/yoga.ts checks before the
// request transaction starts).
builder.queryType({
  description:
    "Reads. Every field needs an access token (UNAUTHENTICATED otherwise) except `viewer`. Row-level security shows only the viewer's tenant, and in it what their role may see.",
  authScopes: { signedIn: true },
});
builder.mutationType({
  description:
    'Writes. Each request runs in one database transaction: all its writes commit, or none when any error is returned (failed sign-ins and refresh-token reuse are still recorded). `signUp`, `login` and `refreshSession` are open to anonymous callers; every other field needs an access token (UNAUTHENTICATED otherwise).',
  authScopes: { signedIn: true },
});
