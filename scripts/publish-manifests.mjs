// `npm run codegen` (after graphql-codegen): publishes the persisted-documents
// manifests codegen wrote to src/generated/ (git-ignored) as the committed
// allow-lists the server loads at start-up (src/persisted.ts):
//   src/generated/graphql/persisted-documents.json  -> persisted-documents/first-party.json
//   src/generated/partners/persisted-documents.json -> persisted-documents/partners.json
// Only this explicit step writes them, never `npm run generate` (install, test,
// start), so a change to operations/ shows up as a reviewed diff of these files,
// and test/api/artifacts.test.ts fails until it is published.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const MANIFESTS = {
  'first-party.json': 'src/generated/graphql/persisted-documents.json',
  'partners.json': 'src/generated/partners/persisted-documents.json',
};
mkdirSync(path.join(root, 'persisted-documents'), { recursive: true });
for (const [name, source] of Object.entries(MANIFESTS)) {
  const manifest = JSON.parse(readFileSync(path.join(root, source), 'utf8'));
  writeFileSync(path.join(root, 'persisted-documents', name), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`codegen: persisted-documents/${name} (${Object.keys(manifest).length} operations)`);
}
