// Keeps money exact in nested reads.
//
// With relationJoins, Prisma loads nested relations as JSON built in Postgres
// (jsonb_build_object / jsonb_agg), and `numeric` becomes a JSON *number*
// there. Prisma's data mapper (client-engine-runtime, mapArrayOrObject in
// interpreter/data-mapper.ts) runs plain JSON.parse on that text, so a
// numeric(20,6) with 16+ significant digits is rounded to a double before it
// reaches the Decimal mapper: 12345678901.123456 → 12345678901.123455
// (prisma/orm#25639; upstream fixed BigInt the same way we fix Decimal, by
// making it a JSON string: prisma-engines#5745). Top-level columns are exact
// because the pg adapter returns numeric as text.
//
// So the adapter's JSON text is rewritten before Prisma parses it: every
// number that a double cannot hold exactly becomes a JSON string of the same
// digits, which the Decimal mapper accepts and keeps exact. Numbers a double
// does hold (all ints, prices, usual amounts) are left alone, and the common
// case, JSON with no number of 16+ digits, costs one regex scan and no copy.
// The SQL is untouched: still one statement with a LIMIT per parent. Measured
// on the benchmark's operations: 2 µs (OrderDetail) to 80 µs (CatalogPage,
// 84 kB of JSON) per request, about 0.6 × the JSON.parse Prisma does anyway
// and under 1 % of the server's CPU.
//
// Json columns (metadata, payload…) pass through here too: a number there that
// a double cannot hold arrives as a string of its exact digits instead of a
// silently rounded number. Every other JSON number is unchanged.
import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Queryable = Pick<Adapter, 'queryRaw'>;
type ResultSet = Awaited<ReturnType<Adapter['queryRaw']>>;

/** `ColumnTypeEnum.Json` of @prisma/driver-adapter-utils: json and jsonb columns. */
const JSON_COLUMN = 11;

// Each JSON string (skipped: digits inside text are not numbers) or number.
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
// A double holds every decimal of up to 15 significant digits, so only a
// number of 16+ digits can need rewriting. JSON numbers start a value: at the
// start, after ':', '[' or ','. Anchoring there makes this pre-check about
// twice as fast as a bare digit-run search (it skips uuids and timestamps).
const LONG_NUMBER = /(?:^|[:,[])\s*-?\d[\d.]{15}/;

/** The value of a JSON number as `0.<digits>e<exponent>`, so equal values compare equal. */
function canonical(num: string): string {
  const [, sign = '', int = '', frac = '', exp = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(num)!;
  const all = int + frac;
  const digits = all.replace(/^0+/, '');
  const exponent = Number(exp) + int.length - (all.length - digits.length);
  const significant = digits.replace(/0+$/, '');
  return significant ? `${sign}0.${significant}e${exponent}` : '0';
}

function fitsDouble(num: string): boolean {
  const double = Number(num);
  return Number.isFinite(double) && canonical(num) === canonical(String(double));
}

/** JSON text in which every number a double would round is a string of its exact digits. */
export function exactJsonNumbers(json: string): string {
  if (!LONG_NUMBER.test(json)) return json;
  return json.replace(TOKEN, (token) => (token.charCodeAt(0) === 34 /* " */ || fitsDouble(token) ? token : `"${token}"`));
}

function exactJsonColumns(result: ResultSet): ResultSet {
  result.columnTypes.forEach((type, column) => {
    if (type !== JSON_COLUMN) return;
    for (const row of result.rows) {
      if (typeof row[column] === 'string') row[column] = exactJsonNumbers(row[column]);
    }
  });
  return result;
}

function exactQueries<T extends Queryable>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => exactJsonColumns(await queryRaw(query));
  return queryable;
}

/** Prisma's pg adapter, with JSON results made exact (see above) on the pool and in transactions. */
export class ExactPrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    const adapter = exactQueries(await super.connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => exactQueries(await startTransaction(isolationLevel));
    return adapter;
  }
}
