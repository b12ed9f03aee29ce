// GraphQL Code Generator, three targets from the same schema:
// - src/generated/graphql/: typed documents for the first-party operations in
//   operations/*.graphql (the SPA's), and their persisted-documents manifest
//   (sha256 hash -> document);
// - src/generated/partners/: the same for operations/partners/*.graphql, the
//   operations a tenant publishes for its partners;
// - test/generated/graphql/: types for the documents the tests write inline
//   with `graphql(`…`)` (test/helpers.ts), which never enter a manifest.
// Output is generated on install and by `npm run generate`, never committed.
// The manifests the server loads are the committed copies in
// persisted-documents/ (first-party.json, partners.json): `npm run codegen`
// writes them (scripts/publish-manifests.mjs), a reviewer reads their diff as
// the change to the allow-list, and test/api/artifacts.test.ts fails
// when they or src/generated/ are stale.
import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
// The preset itself, not the name 'client': @graphql-codegen/cli carries an older copy of it
// (5.x, no `sha256:` prefix) that a programmatic run (test/api/artifacts.test.ts) would pick.
// (Its types come from a newer @graphql-codegen/plugin-helpers than the CLI's, hence the cast.)
import { addTypenameSelectionDocumentTransform, preset as presetModule } from '@graphql-codegen/client-preset';

type Output = Extract<CodegenConfig['generates'][string], { preset?: unknown }>;
const clientPreset = presetModule as unknown as NonNullable<Output['preset']>;

const config = {
  scalars: { UUID: 'string', DateTime: 'string', Decimal: 'string', JSON: 'unknown', Currency: 'string', EmailAddress: 'string' },
  enumsAsTypes: true,
  useTypeImports: true,
};

/**
 * Typed documents holding only their hash, and the manifest that maps each hash
 * to its text. `__typename` is added to every selection set, as Apollo Client
 * and urql add it to the documents they send, so their normalized caches get
 * it from a persisted operation too.
 */
const persisted = (documents: string[]) => ({
  documents,
  documentTransforms: [addTypenameSelectionDocumentTransform],
  preset: clientPreset,
  presetConfig: {
    fragmentMasking: false,
    // sha256 ids as GraphQL over HTTP's persisted documents appendix writes them: `sha256:<hex>`.
    persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
  },
  config,
});

const codegen: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  // ESM with NodeNext resolution: relative imports need their .js extension.
  emitLegacyCommonJSImports: false,
  // In test files only `graphql(`…`)` calls are documents (not the `gql(yoga, …)` helper).
  pluckConfig: { globalGqlIdentifierName: ['graphql'] },
  generates: {
    'src/generated/graphql/': persisted(['operations/*.graphql']),
    'src/generated/partners/': persisted(['operations/partners/*.graphql']),
    // A checkout without test/ (a deployment) generates the first two targets only.
    ...(existsSync('test') && {
      'test/generated/graphql/': {
        documents: ['test/**/*.ts', '!test/generated/**'],
        preset: clientPreset,
        presetConfig: { fragmentMasking: false },
        config,
      },
    }),
  },
};

export default codegen;
