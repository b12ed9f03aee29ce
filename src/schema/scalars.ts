import { GraphQLError, Kind } from 'graphql';
import { GraphQLCurrency, GraphQLDateTime, GraphQLEmailAddress, GraphQLJSON, GraphQLUUID } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('UUID', GraphQLUUID);
builder.addScalarType('DateTime', GraphQLDateTime);
builder.addScalarType('JSON', GraphQLJSON);
builder.addScalarType('EmailAddress', GraphQLEmailAddress);
builder.addScalarType('Currency', GraphQLCurrency);

// graphql-scalars has no arbitrary-precision decimal, so this one is written
// here: money travels as a string so no float ever rounds it.
const DECIMAL = /^-?\d{1,14}(\.\d{1,6})?$/;
const parseDecimal = (value: unknown) => {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new GraphQLError('Decimal must be a string like "12.50" (up to 14 integer and 6 fraction digits)', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
};

builder.scalarType('Decimal', {
  description: 'Exact decimal number serialised as a string, e.g. "1234.560000". Used for money.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING ? ast.value : undefined),
});
