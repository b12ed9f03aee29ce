// GraphQL Code Generator: typed documents for the operations in operations/
// and a persisted-documents manifest (sha256 hash -> document). The manifest
// is the allow-list partners will be restricted to; tests and benchmarks use
// the typed documents. Output is generated on install, never committed.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['operations/**/*.graphql'],
  ignoreNoDocuments: false,
  // ESM with NodeNext resolution: relative imports need their .js extension.
  emitLegacyCommonJSImports: false,
  generates: {
    'src/generated/graphql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
      },
      config: {
        scalars: { UUID: 'string', DateTime: 'string', Decimal: 'string', JSON: 'unknown', Currency: 'string', EmailAddress: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
