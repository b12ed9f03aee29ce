// npm run support:create / support:disable (issue 12): support staff are
// created with the owner connection only, the password checked by users'
// policy, hashed with argon2id and never printed; disabling ends their
// sessions at once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type pg from 'pg';
import { ownerPool } from '../helpers.js';
import { meaningfulLines, npmRun, run } from './helpers.js';
import { createTenant } from '../fixtures.js';

let owner: pg.Pool;
beforeAll(() => {
  owner = ownerPool();
});
afterAll(() => owner.end());

// The suite's database, as a deployment's owner connection; the authenticator keeps its password.
const env = (extra: Record<string, string>) => ({
  DATABASE_URL: inject('ownerUrl'),
  AUTHENTICATOR_PASSWORD: decodeURIComponent(new URL(inject('authenticatorUrl')).password),
  ...extra,
});

describe('support:create and support:disable', () => {
  it('creates a staff member with an argon2id hash, never printing the password; refuses weak passwords and taken emails', async () => {
    const email = `Cli-${randomBytes(4).toString('hex')}@Support.test`;
    const password = `cli-passphrase-${randomBytes(6).toString('hex')}`;
    const missing = await npmRun('support:create', env({ SUPPORT_PASSWORD: password }));
    expect(missing.code).toBe(1);
    expect(meaningfulLines(missing.output)).toEqual([expect.stringMatching(/--email/)]);
    const create = (pw: string) => run('npm', ['run', '--silent', 'support:create', '--', '--email', email, '--name', 'Ana Lima'], env({ SUPPORT_PASSWORD: pw }));
    for (const [weak, why] of [['short', /at least 12 characters/], ['password1234', /too common/]] as const) {
      const refused = create(weak);
      expect((await refused.exited).code).toBe(1);
      expect(meaningfulLines(refused.output())).toEqual([expect.stringMatching(why)]);
    }
    const ok = create(password);
    expect((await ok.exited).code).toBe(0);
    expect(ok.output()).toContain(`created support staff member ${email.toLowerCase()}`);
    expect(ok.output()).not.toContain(password);
    const { rows } = await owner.query('select display_name, password_hash, is_active from support_staff where email = $1', [email.toLowerCase()]);
    expect(rows).toEqual([{ display_name: 'Ana Lima', password_hash: expect.stringMatching(/^\$argon2id\$/), is_active: true }]);
    expect(rows[0].password_hash).not.toContain(password);
    const again = create(password);
    expect((await again.exited).code).toBe(1);
    expect(meaningfulLines(again.output())).toEqual([expect.stringMatching(/already exists/)]);

    // Disable: inactive, its live sessions ended.
    const tenant = (await createTenant(owner, 'support-cli')).tenantId;
    const staffId = (await owner.query('select id from support_staff where email = $1', [email.toLowerCase()])).rows[0].id;
    const session = (await owner.query(`insert into support_sessions (staff_id, tenant_id, expires_at) values ($1, $2, now() + interval '10 minutes') returning id`, [staffId, tenant])).rows[0].id;
    const disable = run('npm', ['run', '--silent', 'support:disable', '--', '--email', email], env({}));
    expect((await disable.exited).code).toBe(0);
    expect(disable.output()).toMatch(/ended 1 live session/);
    const after = await owner.query('select s.is_active, s.disabled_at is not null as disabled, x.revoked_at is not null as ended from support_staff s join support_sessions x on x.staff_id = s.id where x.id = $1', [session]);
    expect(after.rows).toEqual([{ is_active: false, disabled: true, ended: true }]);
  });
});
