import { builder } from './builder.js';

// Root types. Each type file adds its own fields with builder.queryField / mutationField.
builder.queryType({});
builder.mutationType({});
