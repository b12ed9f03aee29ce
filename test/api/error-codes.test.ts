// Error codes are declared once (src/errors.ts ERROR_CODES, made only by its
// constructors) and documented once (README's error table): the two must list
// the same codes, and no other source file may spell a code out.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

const root = new URL('../../', import.meta.url).pathname;

/** The codes in the first column of README's error table (the one under "Errors always carry extensions.code"). */
async function readmeCodes() {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('| code | meaning |');
  expect(start, 'README has an error table starting "| code | meaning |"').toBeGreaterThan(0);
  const table = readme.slice(start).split('\n\n')[0]!;
  return table
    .split('\n')
    .slice(2)
    .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
      return e.name.endsWith('.ts') ? [full] : [];
    }),
  );
  return nested.flat();
}

describe('the error code registry', () => {
  it('README’s error table lists exactly the codes src/errors.ts declares', async () => {
    const documented = await readmeCodes();
    expect(new Set(documented).size, 'a code appears twice in the table').toBe(documented.length);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('no source file outside src/errors.ts writes a code literal into extensions (use its constructors)', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(root, 'src'))) {
      if (file.endsWith(path.join('src', 'errors.ts'))) continue;
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/\bcode:\s*'([A-Z][A-Z_]+)'(?!\s+satisfies ErrorCode)/g)) {
        offenders.push(`${path.relative(root, file)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
