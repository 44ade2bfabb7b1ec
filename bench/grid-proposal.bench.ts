/**
 * Grid proposal benchmark (pure geometry, no database): the demo district's geometry, then the grid
 * proposal for 2,000 clustered buildings and for each of the demo's communities.
 *
 *   node --import tsx bench/grid-proposal.bench.ts [--runs 5] [--write]
 *   npm run bench -- grid-proposal -- --write
 *
 * In one fresh process, in this order: buildDemoGeography for the demo district (as the seed calls it),
 * then proposeGrids for the 2,000-building community of grid-proposal.test.ts, each first call timed on
 * its own (JIT warm-up included) and then `--runs` more; then every demo community with the buildings the
 * seed gives it, `--runs` rounds. Wall and CPU time are both reported: on a shared machine the wall time
 * moves with the load, the CPU time much less. It reports; it asserts nothing. `--write` replaces the
 * "Grid proposal" section of docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { planBuildings } from '../apps/server/src/seed/demo-buildings.ts';
import { jingkaiDivisions } from '../apps/server/src/seed/demo.ts';
import {
  DEMO_SEED,
  GRID_HOUSEHOLD_RANGE,
  buildDemoGeography,
  clusteredCommunity,
  proposeGrids,
  type DemoAreaInput,
  type GridProposalInput,
  type ProposalBuilding,
} from '../apps/server/src/modules/geo/index.ts';

const DOC = new URL('../docs/benchmarks.md', import.meta.url);
const SECTION = '## Grid proposal';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, write: { type: 'boolean', default: false } } });
const RUNS = Math.max(1, Number(values.runs));
const range = { min: GRID_HOUSEHOLD_RANGE.min, max: GRID_HOUSEHOLD_RANGE.max };

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed<T>(work: () => T): [Timing, T] {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = work();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return [{ wallMs, cpuMs: (used.user + used.system) / 1000 }, value];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const fmt = (ms: number): string => Math.round(ms).toLocaleString('en-US');
const spread = (ts: readonly Timing[]): string =>
  `${fmt(median(ts.map((t) => t.wallMs)))} ms (${fmt(Math.min(...ts.map((t) => t.wallMs)))}–${fmt(Math.max(...ts.map((t) => t.wallMs)))}), CPU ${fmt(median(ts.map((t) => t.cpuMs)))} ms`;
const once = (t: Timing): string => `${fmt(t.wallMs)} ms, CPU ${fmt(t.cpuMs)} ms`;

// The demo district, as the seed builds it.
const areas: DemoAreaInput[] = jingkaiDivisions().flatMap((d) =>
  d.level === 'district' || d.level === 'street' || d.level === 'community' ? [{ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode }] : [],
);
const [geometryFirst, geo] = timed(() => buildDemoGeography(areas));
const geometryLater: Timing[] = [];
for (let r = 0; r < RUNS; r++) geometryLater.push(timed(() => buildDemoGeography(areas))[0]);

// 2,000 clustered buildings: the first proposal in this process, then more.
const clustered = clusteredCommunity(2000, 42, range);
const [clusteredFirst, clusteredResult] = timed(() => proposeGrids(clustered));
const clusteredLater: Timing[] = [];
for (let r = 0; r < RUNS; r++) clusteredLater.push(timed(() => proposeGrids(clustered))[0]);

// Each demo community with the seed's buildings (ids in the seed's insertion order).
const byCommunity = new Map<string, ProposalBuilding[]>();
let nextId = 1;
for (const grid of geo.grids) {
  const list = byCommunity.get(grid.communityCode) ?? [];
  for (const b of planBuildings(grid.code, grid.households, grid.geometry, DEMO_SEED)) list.push({ id: nextId++, lng: b.lng, lat: b.lat, households: b.households });
  byCommunity.set(grid.communityCode, list);
}
const communities: GridProposalInput[] = areas.flatMap((a) => {
  const boundary = a.level === 'community' ? geo.boundaries.get(a.code) : undefined;
  return boundary ? [{ boundary, buildings: byCommunity.get(a.code) ?? [], range }] : [];
});
const perCommunity: Timing[][] = communities.map(() => []);
const rounds: Timing[] = [];
let proposedGrids = 0;
for (let r = 0; r < RUNS; r++) {
  const [round] = timed(() =>
    communities.forEach((input, c) => {
      const [t, result] = timed(() => proposeGrids(input));
      perCommunity[c]?.push(t);
      if (r === 0) proposedGrids += result.grids.length;
    }),
  );
  rounds.push(round);
}
const communityMedians = perCommunity.map((ts) => median(ts.map((t) => t.wallMs)));
const largest = communities.reduce((best, input, c) => (input.buildings.length > (communities[best]?.buildings.length ?? 0) ? c : best), 0);
const buildingCounts = communities.map((c) => c.buildings.length);

const cpu = os.cpus();
// Other work on the machine moves these figures; the load average says how busy it was.
const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const section = [
  SECTION,
  '',
  'Pure TypeScript, no database, one fresh process (`bench/grid-proposal.bench.ts`). "First call" includes the JIT warm-up a server pays once after it starts; ' +
    `"later" is the median of ${RUNS} more (min–max). The tests check what these produce, not how long they take.`,
  '',
  '| what | first call | later |',
  '| --- | --- | --- |',
  `| demo district geometry (\`buildDemoGeography\`: ${geo.boundaries.size} boundaries, ${geo.grids.length} grids) | ${once(geometryFirst)} | ${spread(geometryLater)} |`,
  `| proposal, 2,000 clustered buildings in a 3 km square (${clusteredResult.grids.length} grids; the input of grid-proposal.test.ts) | ${once(clusteredFirst)} | ${spread(clusteredLater)} |`,
  `| proposal, each of the ${communities.length} demo communities (${Math.min(...buildingCounts)}–${Math.max(...buildingCounts)} buildings, ${proposedGrids} grids in all), all of them | — | ${spread(rounds)} |`,
  `| the same, one community: median / slowest (${communities[largest]?.buildings.length ?? 0} buildings is the largest) | — | ${fmt(median(communityMedians))} / ${fmt(Math.max(...communityMedians))} ms |`,
  '',
  `Machine: ${cpu[0]?.model.trim() ?? '?'}, ${cpu.length} cores, Node ${process.version}; load average ${load} (1/5/15 min) at the end of the run. ` +
    `Date: ${new Date().toISOString().slice(0, 10)}. Command: \`node --import tsx bench/grid-proposal.bench.ts\` (or \`npm run bench -- grid-proposal -- --write\`).`,
  '',
];
console.log(`\n${section.join('\n')}`);

if (values.write) {
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nEach section is written by its benchmark in `bench/` (`npm run bench`).\n';
  const start = current.indexOf(`${SECTION}\n`);
  let next = start < 0 ? -1 : current.indexOf('\n## ', start + SECTION.length);
  if (next >= 0) next += 1;
  const updated = start < 0 ? `${current.trimEnd()}\n\n${section.join('\n')}` : `${current.slice(0, start)}${section.join('\n')}${next >= 0 ? `\n${current.slice(next)}` : ''}`;
  writeFileSync(DOC, updated);
  console.log(`written to ${DOC.pathname}`);
}
