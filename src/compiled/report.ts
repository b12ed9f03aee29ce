// `npm run codegen` (last step): which persisted operations the compiled read
// path serves and why the others fall back. The server builds the same plans
// from the same manifests at start-up (src/compiled/plugin.ts), so nothing
// generated here is committed or can go stale; this only reports.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { loadPersistedDocuments } from '../persisted.js';
import { schema } from '../schema/index.js';
import { compileManifests, compilerInput, runtimeModelsOf } from './plugin.js';

// A client is only asked for its data model (table and column names); it never connects.
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgres://unused@127.0.0.1:1/unused' }) });
const { coverage } = compileManifests(compilerInput(schema, runtimeModelsOf(prisma)), loadPersistedDocuments());
const served = coverage.filter((c) => c.compiled).length;
console.log(`codegen: compiled read path serves ${served} of ${coverage.length} persisted operations (to signed-in users)`);
for (const c of coverage) console.log(`  ${c.compiled ? 'compiled ' : 'fallback '} ${c.manifest.padEnd(11)} ${c.name}${c.reason ? `: ${c.reason}` : ''}`);
process.exit(0);
