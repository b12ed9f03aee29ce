// `npm run generate` (also before `npm start` / `npm test`, and on install):
// the Prisma client + Pothos types (prisma generate) and the typed operations
// + persisted-documents manifests (first-party and partners; the committed
// copies in persisted-documents/ are written only by `npm run codegen`), and the types of the tests' inline documents
// in test/generated (graphql-codegen), regenerated only when
// their inputs changed. The inputs' hash is kept in src/generated/.inputs-hash;
// a fresh clone has no src/generated and always generates.
//   node scripts/generate.mjs [--force]
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const HASH_FILE = path.join(root, 'src/generated/.inputs-hash');

/** Files whose content decides the generated code (operations/ recursively, and test files with inline documents). */
const INPUT_FILES = ['prisma/schema.prisma', 'prisma.config.ts', 'schema.graphql', 'codegen.ts', 'scripts/generate.mjs'];
const INPUT_DIRS = ['operations'];
/** Test files whose inline `graphql(`…`)` documents codegen types into test/generated (codegen.ts). */
const testDocumentFiles = () =>
  filesUnder('test').filter(
    (f) => f.endsWith('.ts') && !f.startsWith(path.join('test', 'generated')) && readFileSync(path.join(root, f), 'utf8').includes('graphql(`'),
  );
/** Packages whose version decides the generated code. */
const GENERATORS = ['prisma', '@prisma/client', '@pothos/plugin-prisma', '@graphql-codegen/cli', '@graphql-codegen/client-preset', 'graphql'];
/** What must exist for a skip to be safe (someone may have deleted part of src/generated). */
const OUTPUTS = [
  'src/generated/prisma/client.ts',
  'src/generated/pothos-types.ts',
  'src/generated/graphql/index.ts',
  'src/generated/graphql/persisted-documents.json',
  'src/generated/partners/index.ts',
  'src/generated/partners/persisted-documents.json',
];
if (existsSync(path.join(root, 'test'))) OUTPUTS.push('test/generated/graphql/index.ts');

function filesUnder(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  const files = [...INPUT_FILES, ...INPUT_DIRS.flatMap(filesUnder), ...testDocumentFiles()].sort();
  for (const file of files) {
    const abs = path.join(root, file);
    hash.update(`file ${file}\n`);
    hash.update(existsSync(abs) ? readFileSync(abs) : '(missing)');
    hash.update('\n');
  }
  for (const name of GENERATORS) {
    let version = '(missing)';
    try {
      version = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      // not installed: hashed as missing, so installing it regenerates
    }
    hash.update(`package ${name}@${version}\n`);
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const hash = inputsHash();
const previous = existsSync(HASH_FILE) ? readFileSync(HASH_FILE, 'utf8').trim() : undefined;
if (!force && previous === hash && OUTPUTS.every((f) => existsSync(path.join(root, f)))) {
  console.log('generate: up to date (inputs unchanged; `npm run generate -- --force` regenerates)');
  process.exit(0);
}

// A failed or interrupted run must not leave a hash that claims success.
rmSync(HASH_FILE, { force: true });
const env = {
  ...process.env,
  PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  // prisma generate needs no schema engine, but checks that the binary exists;
  // it cannot be downloaded on our machines (design.md, "Environment facts").
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || path.join(root, 'package.json'),
};
for (const [cmd, ...args] of [
  ['prisma', 'generate'],
  ['graphql-codegen', '--config', 'codegen.ts', '--silent'],
]) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`generate: \`${cmd} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    process.exit(r.status || 1);
  }
}
mkdirSync(path.dirname(HASH_FILE), { recursive: true });
writeFileSync(HASH_FILE, `${hash}\n`);
// The committed allow-lists are published only by `npm run codegen` (scripts/publish-manifests.mjs): say so when they lag.
for (const [committed, generated] of [
  ['persisted-documents/first-party.json', 'src/generated/graphql/persisted-documents.json'],
  ['persisted-documents/partners.json', 'src/generated/partners/persisted-documents.json'],
]) {
  const read = (f) => (existsSync(path.join(root, f)) ? JSON.stringify(JSON.parse(readFileSync(path.join(root, f), 'utf8'))) : '(missing)');
  if (read(committed) !== read(generated)) console.warn(`generate: ${committed} differs from operations/: run \`npm run codegen\` and commit it`);
}
