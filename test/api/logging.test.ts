// The server log: expected failures are one info line; only bugs are errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { GraphQLError } from 'graphql';
import { createLogger } from '../../src/errors.js';
import { ownerPool } from '../helpers.js';

let owner: pg.Pool;
beforeAll(() => {
  owner = ownerPool();
});
afterAll(() => owner.end());

describe('Yoga logger', () => {
  it('logs a database denial at info without a stack, and an unexpected error at error level', async () => {
    const lines: { level: string; args: unknown[] }[] = [];
    const sink = {
      debug: (...args: unknown[]) => lines.push({ level: 'debug', args }),
      info: (...args: unknown[]) => lines.push({ level: 'info', args }),
      warn: (...args: unknown[]) => lines.push({ level: 'warn', args }),
      error: (...args: unknown[]) => lines.push({ level: 'error', args }),
    };
    const logger = createLogger(sink);
    // A real RLS denial from Postgres (SQLSTATE 42501), as the request path would meet it.
    const denial = await owner.query(`set local role fortress_anonymous; select * from accounts`).catch((e: Error) => e);
    expect((denial as { code?: string }).code).toBe('42501');
    logger.error(new GraphQLError('wrapped', { originalError: denial as Error }));
    logger.error(new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } }));
    // A documented FORTRESS error raised by SQL, under a wrapper whose own text starts with a
    // blank line (as Prisma's do): the line carries the client's message.
    const raised = await owner.query(`select app.require_text('name', '', 10)`).catch((e: Error) => e);
    logger.error(new GraphQLError('\nInvalid `prisma.$queryRaw()` invocation:', { originalError: raised as Error }));
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    logger.error(bug);
    expect(lines.map((l) => l.level)).toEqual(['info', 'info', 'info', 'error']);
    expect(String(lines[2]!.args[0])).toMatch(/^\[graphql\] BAD_USER_INPUT: name/);
    // Code and the message the client got, never an empty one.
    expect(String(lines[0]!.args[0])).toMatch(/^\[graphql\] FORBIDDEN: \S/);
    expect(lines[1]!.args[0]).toBe('[graphql] NOT_FOUND: Not found');
    expect(String(lines[0]!.args[0])).not.toMatch(/\n\s+at /);
    expect(lines[3]!.args[0]).toBe(bug);
  });
});
