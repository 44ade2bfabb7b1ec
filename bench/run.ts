/**
 * Runs the benchmarks in bench/, one after another, each in its own process (a benchmark holds
 * a gigabyte-sized embedded database; the next one starts clean).
 *
 *   npm run bench                                              every bench/*.bench.ts, in name order
 *   npm run bench -- import-divisions geo                      the named ones
 *   npm run bench -- import-divisions -- --pg postgres://…     options (after the second --) go to each benchmark
 *   node --import tsx bench/run.ts import-divisions --pg postgres://…
 *
 * Exits non-zero when a benchmark fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
// Names first, options after. The root script goes through a second npm, which needs that second `--`
// and swallows it; run directly, the first option ends the names (a lone `--` is dropped).
const args = process.argv.slice(2).filter((a, i, all) => !(a === '--' && i === all.indexOf('--')));
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = (firstOption < 0 ? args : args.slice(0, firstOption)).map((n) => n.replace(/\.bench\.ts$/, ''));
const forwarded = firstOption < 0 ? [] : args.slice(firstOption);

const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const name of names.length > 0 ? names : available) {
  console.log(`\n▶ bench/${name}.bench.ts ${forwarded.join(' ')}`);
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.bench.ts`, ...forwarded], { stdio: 'inherit' });
  console.log(`◀ ${name}: ${run.status === 0 ? 'done' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
