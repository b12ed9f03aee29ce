// GraphQL Code Generator, two targets from the same schema:
// - src/generated/graphql/: typed documents for the operations in operations/
//   and a persisted-documents manifest (sha256 hash -> document). The manifest
//   is the allow-list partners will be restricted to, so it holds
//   operations/ only; benchmarks and test/api/operations.test.ts use these.
// - test/generated/graphql/: types for the documents the tests write inline
//   with `graphql(`…`)` (test/helpers.ts), which never enter the manifest.
// Output is generated on install and by `npm run generate`, never committed.
import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

const config = {
  scalars: { UUID: 'string', DateTime: 'string', Decimal: 'string', JSON: 'unknown', Currency: 'string', EmailAddress: 'string' },
  enumsAsTypes: true,
  useTypeImports: true,
};

const codegen: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  // ESM with NodeNext resolution: relative imports need their .js extension.
  emitLegacyCommonJSImports: false,
  // In test files only `graphql(`…`)` calls are documents (not the `gql(yoga, …)` helper).
  pluckConfig: { globalGqlIdentifierName: ['graphql'] },
  generates: {
    'src/generated/graphql/': {
      documents: ['operations/**/*.graphql'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
      },
      config,
    },
    // A checkout without test/ (a deployment) generates the first target only.
    ...(existsSync('test') && {
      'test/generated/graphql/': {
        documents: ['test/**/*.ts', '!test/generated/**'],
        preset: 'client',
        presetConfig: { fragmentMasking: false },
        config,
      },
    }),
  },
};

export default codegen;
