// GraphiQL's docs pane is the first manual users open: every public schema
// element says what it is, and enum values follow the GraphQL convention.
import { describe, expect, it } from 'vitest';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType, type GraphQLNamedType } from 'graphql';
import { schema } from '../../src/schema/index.js';

const types = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && !isSpecifiedScalarType(t));

function undocumented(): string[] {
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(path);
  };
  for (const type of types as GraphQLNamedType[]) {
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
  }
  return missing;
}

describe('the schema documents itself', () => {
  it('every type, field, argument, input field and enum value has a description', () => {
    expect(types.length).toBeGreaterThan(50);
    expect(undocumented()).toEqual([]);
  });

  it('enum values are UPPER_CASE', () => {
    const values = types.filter(isEnumType).flatMap((e) => e.getValues().map((v) => `${e.name}.${v.name}`));
    expect(values.length).toBeGreaterThan(10);
    expect(values.filter((v) => !/^[A-Z][A-Z0-9_]*$/.test(v.split('.')[1]!))).toEqual([]);
  });
});
