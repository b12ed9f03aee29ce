// Every CLI command fails loudly: a non-zero exit code and one line naming
// the variable to fix, never a stack trace, never exit 0.
import { describe, expect, it } from 'vitest';
import { freePort, meaningfulLines, npmRun } from './helpers.js';

const noStack = (output: string) => expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('CLI exit codes and messages', () => {
  it('db:migrate with an invalid DATABASE_URL exits 1 with one line naming it', async () => {
    const { code, output } = await npmRun('db:migrate', { DATABASE_URL: 'not-a-url' });
    expect(code).toBe(1);
    expect(meaningfulLines(output)).toEqual([expect.stringMatching(/^Invalid environment: DATABASE_URL: .*postgres:\/\//)]);
  });

  it('db:migrate with an unreachable database exits 1 with one line naming DATABASE_URL, and needs no JWT_SECRET', async () => {
    const port = await freePort();
    const { code, output } = await npmRun('db:migrate', {
      DATABASE_URL: `postgres://fortress_owner:s3cret-owner-pw@127.0.0.1:${port}/fortress`,
      AUTHENTICATOR_PASSWORD: 'a-long-authenticator-password',
    });
    expect(code).toBe(1);
    const lines = meaningfulLines(output);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^Cannot connect to DATABASE_URL \\(.*127\\.0\\.0\\.1:${port}/fortress\\): .*ECONNREFUSED`))]);
    expect(output).not.toContain('JWT_SECRET');
    expect(output).not.toContain('s3cret-owner-pw');
    noStack(output);
  });

  it('db:migrate with DATABASE_URL but no AUTHENTICATOR_PASSWORD says which variable is missing', async () => {
    const { code, output } = await npmRun('db:migrate', { DATABASE_URL: 'postgres://fortress_owner:pw@127.0.0.1:1/fortress' });
    expect(code).toBe(1);
    expect(meaningfulLines(output)).toEqual([expect.stringMatching(/AUTHENTICATOR_PASSWORD/)]);
  });

  it('db:seed and token refuse outside development, before touching any database', async () => {
    for (const script of ['db:seed', 'token']) {
      const { code, output } = await npmRun(script, {
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        // Unreachable on purpose: the refusal must come first.
        DATABASE_URL: 'postgres://fortress_owner:pw@127.0.0.1:1/fortress',
        AUTHENTICATOR_PASSWORD: 'a-long-authenticator-password',
      });
      expect(code, script).toBe(1);
      expect(meaningfulLines(output), script).toEqual([expect.stringMatching(/^Refusing to .*NODE_ENV=production.*development only/)]);
    }
  });

  it('an unknown command exits 2 with its usage', async () => {
    const { run } = await import('./helpers.js');
    const proc = run('node', ['--import', 'tsx', 'src/db/cli.ts', 'nope'], {});
    expect((await proc.exited).code).toBe(2);
    expect(proc.output()).toMatch(/usage:/);
  });
});
