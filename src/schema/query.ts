import { builder } from './builder.js';

// Root types. Each type file adds its own fields with builder.queryFields /
// mutationFields. Every root field needs a signed-in caller unless it skips
// these type scopes (`skipTypeScopes`), as the public ones do (sign-up, login,
// refresh, viewer: `extensions.public`, which src/yoga.ts checks before the
// request transaction starts).
builder.queryType({ authScopes: { signedIn: true } });
builder.mutationType({ authScopes: { signedIn: true } });
