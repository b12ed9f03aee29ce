import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLCurrency, GraphQLDateTime, GraphQLEmailAddress, GraphQLJSON, GraphQLUUID } from 'graphql-scalars';
import { builder } from './builder.js';
import { badInput } from '../errors.js';

builder.addScalarType('UUID', GraphQLUUID, {
  description: 'A UUID, e.g. "0b5e3c9a-6a7e-4f43-9a59-3c2d1e8f4a10": the key of a row (`rowId`) and of references to rows (`userId`, `accountId`, …).',
});
builder.addScalarType('JSON', GraphQLJSON, { description: 'Any JSON value, as stored (jsonb).' });
builder.addScalarType('EmailAddress', GraphQLEmailAddress, {
  description: 'An email address (HTML specification format), at most 254 characters; stored trimmed and in lower case.',
});

// No argument name reaches a scalar: src/inputLimits.ts names it in the error it reports.
const refused = (message: string, node?: ValueNode) => badInput(message, undefined, {}, { nodes: node });

// graphql-scalars' DateTime accepts year 0000, which Postgres then refuses
// mid-request. Only years 0001-9999 (in UTC) are dates anyone means.
const dateTime = GraphQLDateTime.toConfig();
const inYearRange = (date: unknown, node?: ValueNode) => {
  const year = date instanceof Date ? date.getUTCFullYear() : Number.NaN;
  if (!(year >= 1 && year <= 9999)) throw refused('DateTime must fall in the years 0001 to 9999 (UTC)', node);
  return date as Date;
};
builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    ...dateTime,
    description:
      'A point in time, ISO 8601 / RFC 3339, e.g. "2026-03-01T12:00:00.000Z". Stored as timestamptz and always returned in UTC; input may carry any offset ("2026-03-01T09:00:00-03:00"). Years 0001 to 9999.',
    parseValue: (value) => inYearRange(dateTime.parseValue!(value)),
    parseLiteral: (ast, variables) => inYearRange(dateTime.parseLiteral!(ast, variables), ast),
  }),
);

// graphql-scalars' Currency matches ISO 4217 codes in any case; the columns
// (char(3), check ~ '^[A-Z]{3}$') take upper case only, so "eur" is refused
// here, naming the field, instead of by a constraint mid-request.
const currency = GraphQLCurrency.toConfig();
const upperCase = (value: unknown, node?: ValueNode) => {
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) throw refused('Currency must be an ISO 4217 code in upper case, e.g. "BRL"', node);
  return value;
};
builder.addScalarType(
  'Currency',
  new GraphQLScalarType({
    ...currency,
    description: 'An ISO 4217 currency code in upper case, e.g. "BRL" or "EUR" ("eur" is BAD_USER_INPUT). Every amount says its currency beside it.',
    parseValue: (value) => currency.parseValue!(upperCase(value)),
    parseLiteral: (ast, variables) => currency.parseLiteral!(ast.kind === Kind.STRING ? (upperCase(ast.value, ast), ast) : ast, variables),
  }),
);

// graphql-scalars has no arbitrary-precision decimal, so this one is written
// here: money travels as a string so no float ever rounds it.
// The pattern is numeric(20,6), the widest money column, so an out-of-range
// value is BAD_USER_INPUT here and never a database error; narrower columns
// (prices, numeric(12,2)) are checked by the mutation that writes them. A JSON
// number is refused: it is already a float, its exact digits are gone.
const DECIMAL = /^-?\d{1,14}(\.\d{1,6})?$/;
const parseDecimal = (value: unknown, node?: ValueNode) => {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    // graphql-js names the variable for variable values; for a literal
    // (no argument name reaches a scalar) the error points at it.
    throw refused('Decimal must be a string like "12.50" (up to 14 integer and 6 fraction digits)', node);
  }
  return value;
};

builder.scalarType('Decimal', {
  description:
    'Exact decimal number as a string, e.g. "1234.56" (returned without trailing zeros); never a JSON number, so nothing rounds it. Money: amounts and balances are numeric(20,6) (up to 14 integer and 6 fraction digits), prices numeric(12,2).',
  serialize: (value) => String(value),
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING ? ast.value : undefined, ast),
});
