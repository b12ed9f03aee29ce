// prisma/schema.prisma and prisma/migrations must describe the same tables:
// migrations are hand-written (the schema engine binary cannot be downloaded
// here), so a field added to the Prisma schema without a migration, or a
// column a migration added that Prisma does not know, would only show up as a
// runtime error. This compares Prisma's data model with the migrated test
// database's catalog: every model is a table, every scalar field a column of
// the matching type and nullability, and every column a field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { getDatamodel } from '../../src/generated/pothos-types.js';
import * as prismaEnums from '../../src/generated/prisma/enums.js';
import { ownerPool } from '../helpers.js';

interface RuntimeField { name: string; kind: string; type: string; dbName?: string }
interface RuntimeModel { dbName?: string | null; fields: RuntimeField[] }

// Columns Prisma is not meant to see (none yet): 'table.column'.
const NOT_IN_PRISMA = new Set<string>();

// Enums are mapped to their snake_case name (`enum TenantRole … @@map("tenant_role")`).
const snakeCase = (name: string) => name.replace(/(?<!^)([A-Z])/g, '_$1').toLowerCase();

// Prisma scalar type → the Postgres types (information_schema udt_name) it may map to.
const TYPES: Record<string, string[]> = {
  String: ['text', 'varchar', 'bpchar', 'uuid', 'citext'],
  Int: ['int4', 'int2'],
  BigInt: ['int8'],
  Decimal: ['numeric'],
  DateTime: ['timestamptz'],
  Json: ['jsonb'],
  Boolean: ['bool'],
};

let owner: pg.Pool;
let models: Record<string, RuntimeModel>;
beforeAll(() => {
  owner = ownerPool();
  // The client is never connected: only its data model (model and column names) is read.
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgres://unused@127.0.0.1:1/unused' }) });
  models = (client as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })._runtimeDataModel.models;
});
afterAll(() => owner.end());

describe('schema.prisma matches the migrations', () => {
  it('every model is a table, every field a column of its type and nullability, every column a field', async () => {
    const { rows } = await owner.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: 'YES' | 'NO' }>(
      `select table_name, column_name, udt_name, is_nullable from information_schema.columns
        where table_schema = 'public' and table_name <> '_prisma_migrations' order by 1, 2`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const required = getDatamodel().datamodel.models;
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [name, model] of Object.entries(models)) {
      const table = model.dbName ?? name;
      for (const field of model.fields) {
        if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
        const key = `${table}.${field.dbName ?? field.name}`;
        seen.add(key);
        const column = columns.get(key);
        if (!column) {
          problems.push(`${name}.${field.name}: no column ${key}`);
          continue;
        }
        const allowed = field.kind === 'enum' ? [snakeCase(field.type)] : TYPES[field.type] ?? [];
        // A Postgres array's udt_name is its element type's with a leading underscore (text[] is _text).
        const { isRequired, isList } = required[name]!.fields.find((f) => f.name === field.name)!;
        const isArray = column.udt_name.startsWith('_');
        const elementType = isArray ? column.udt_name.slice(1) : column.udt_name;
        if (!allowed.includes(elementType) || isArray !== isList) {
          problems.push(`${key}: ${column.udt_name} in the database, ${field.type}${isList ? '[]' : ''} in Prisma`);
        }
        if (isRequired !== (column.is_nullable === 'NO')) problems.push(`${key}: nullable ${column.is_nullable} in the database, required ${isRequired} in Prisma`);
      }
    }
    const tables = new Set(Object.entries(models).map(([name, m]) => m.dbName ?? name));
    for (const key of columns.keys()) {
      if (!seen.has(key) && !NOT_IN_PRISMA.has(key)) problems.push(`${key}: a column Prisma does not know${tables.has(key.split('.')[0]!) ? '' : ' (no model for its table)'}`);
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(100);
  });

  it('every Prisma enum is a Postgres enum with the same values in the same order', async () => {
    const { rows } = await owner.query<{ typname: string; labels: string[] }>(
      `select t.typname, array_agg(e.enumlabel order by e.enumsortorder)::text[] as labels
         from pg_type t join pg_enum e on e.enumtypid = t.oid
        where t.typnamespace = 'public'::regnamespace group by t.typname`,
    );
    const database = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const prisma = Object.fromEntries(Object.entries(prismaEnums).map(([name, values]) => [snakeCase(name), Object.values(values as object)]));
    expect(Object.keys(prisma).length).toBeGreaterThan(5);
    expect(database).toEqual(prisma);
  });
});
