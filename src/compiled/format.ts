// SQL expressions that write a value as the JSON text the Pothos path would
// send for it, byte for byte. The compiled statement builds the response as
// text (never json_build_object/json_agg: those put spaces after ':' and ','
// and newlines between array elements, which JSON.stringify never writes).
// Each helper takes a SQL expression and returns a SQL expression of type
// text that is never NULL (a NULL value is written as `null`).

/** A SQL string literal. Only ever called with names from the schema, quoted all the same. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A JSON string literal written into the SQL (keys, type names, enum names). */
export const jsonLit = (s: string) => lit(JSON.stringify(s));

/** `null` for NULL, else `expr`. */
export const orNull = (expr: string) => `coalesce(${expr}, 'null')`;

/** Strings (text, uuid, char(n)): to_json escapes exactly the characters JSON.stringify escapes. */
export const jsonString = (expr: string) => `to_json(${expr})::text`;

/** Int columns: the number's digits. */
export const jsonInt = (expr: string) => `(${expr})::text`;

export const jsonBoolean = (expr: string) => `case when ${expr} then 'true' when not ${expr} then 'false' end`;

/**
 * The Decimal scalar serializes Prisma's Decimal with String(): decimal.js's
 * toString, which drops trailing zeros (1234.560000 → "1234.56", 0.000000 →
 * "0") and only switches to exponent notation below 1e-7 or at 1e21, which
 * numeric(20,6) never reaches. trim_scale writes the same digits.
 */
export const jsonDecimal = (expr: string) => `('"' || trim_scale(${expr})::text || '"')`;

/**
 * DateTime (graphql-scalars) serializes a Date with toISOString(): UTC,
 * milliseconds, 'Z'. The pg adapter's Date keeps milliseconds and drops the
 * microseconds; to_char's MS truncates the same way.
 */
export const jsonDateTime = (expr: string) => `('"' || to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"')`;

/**
 * A connection cursor in @pothos/plugin-prisma's format for a string (uuid)
 * key: base64('GPC:S:' + id), as src/cursors.ts describes. Postgres' base64
 * breaks lines every 76 characters; Node's never does.
 */
export const jsonStringCursor = (expr: string) => `('"' || translate(encode(convert_to('GPC:S:' || ${expr}::text, 'UTF8'), 'base64'), E'\\n', '') || '"')`;

/** A GraphQL enum: the database value → the GraphQL name, from the enum type's own values. */
export function jsonEnum(expr: string, values: readonly { name: string; value: unknown }[], what: string) {
  const cases = values.map((v) => `when ${lit(String(v.value))} then ${jsonLit(v.name)}`).join(' ');
  // NULL stays NULL (a nullable column; the caller writes it as null); an unknown value is an anomaly.
  return `(case ${expr}::text ${cases} else case when ${expr} is null then null else app.compiled_anomaly(${lit(`unknown enum value of ${what}`)})::text end end)`;
}

/** `{"k1":v1,"k2":v2}` from [key, json text expression] pairs, keys in selection order. */
export function jsonObject(parts: [string, string][]) {
  if (!parts.length) return `'{}'`;
  return parts.map(([key, value], i) => `${lit((i === 0 ? '{' : ',') + JSON.stringify(key) + ':')} || ${value}`).join(' || ') + ` || '}'`;
}
