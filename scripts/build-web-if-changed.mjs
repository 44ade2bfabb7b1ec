// Builds the console (apps/web/dist) only when what goes into it changed since the last build:
// `npm start` runs this first, so a restart with nothing changed starts the server at once.
// The stamp is a SHA-256 over the console's sources, the contracts it imports, the lockfile and the
// build configuration, kept in node_modules/.cache (not in dist, which the server serves); a fresh clone
// has no dist and no stamp, and builds.
// `--force` builds regardless.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'apps/web/dist');
const stamp = join(root, 'node_modules/.cache/redgrid/web-build.sha256');

/** What the build reads: directories walked in full (tests included: cheap, and never wrong). */
const INPUTS = ['apps/web/src', 'apps/web/public', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/tsconfig.json', 'apps/web/package.json', 'packages/contracts/src', 'packages/contracts/package.json', 'package-lock.json'];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules' && entry.name !== 'dist')
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

export function sourceHash() {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) => filesUnder(join(root, input))).sort();
  for (const file of files) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const current = sourceHash();
const built = existsSync(join(dist, 'index.html')) && existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
if (!force && built === current) {
  console.log('console unchanged since its last build (apps/web/dist): not rebuilding');
  process.exit(0);
}
console.log(built === null ? 'building the console (apps/web/dist) …' : 'console sources changed: rebuilding apps/web/dist …');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['run', 'build', '--workspace', 'apps/web'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) process.exit(result.status ?? 1);
// Hash again: the stamp names what was actually built, even if a file changed during the build.
mkdirSync(dirname(stamp), { recursive: true });
writeFileSync(stamp, `${sourceHash() === current ? current : 'changed-during-build'}\n`);
