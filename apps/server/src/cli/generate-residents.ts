import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PERSON_IMPORT_FIELDS } from '../modules/basedata/index.ts';
import { csvLine, SYNTHETIC_CAPACITY, syntheticResidents } from './synthetic-residents.ts';

/**
 * `npm run data:generate -- [--rows 1000000] [--out residents.csv] [--bad 10000] [--grids CODE,CODE | --grids-file codes.txt]
 *   [--offset 0] [--region 320412] [--household-prefix SJ]`
 *
 * Writes synthetic persons (实有人口) as a CSV file in the persons import's own format (UTF-8 with a
 * BOM, the import's column titles), streamed row by row: for benchmarks, load tests and filling the rest
 * of a demo district through the import page. Identity numbers pass the check digit, phones are
 * 170-numbers; `--bad N` makes N rows (spread evenly) carry a wrong check digit, an impossible birth
 * date or a malformed phone. `--grids` names the grids (or buildings / units) the persons live in, by
 * code; without it the column stays empty and the file must be imported into one grid. Prints counts only.
 */
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    out: { type: 'string', default: 'residents.csv' },
    bad: { type: 'string', default: '0' },
    grids: { type: 'string' },
    'grids-file': { type: 'string' },
    offset: { type: 'string', default: '0' },
    region: { type: 'string', default: '320412' },
    'household-prefix': { type: 'string', default: 'SJ' },
  },
});

function fail(message: string): never {
  console.error(`data:generate: ${message}`);
  process.exit(1);
}

const rows = Number(values.rows);
const bad = Number(values.bad);
const offset = Number(values.offset);
if (!Number.isInteger(rows) || rows < 1) fail('--rows must be a positive integer');
if (!Number.isInteger(offset) || offset < 0 || offset + rows > SYNTHETIC_CAPACITY) fail(`--offset + --rows must stay within ${SYNTHETIC_CAPACITY}`);
if (!Number.isInteger(bad) || bad < 0 || bad > rows) fail('--bad must be an integer from 0 to --rows');
if (!/^\d{6}$/.test(values.region)) fail('--region must be a 6-digit division code');
if (!/^[0-9A-Za-z]{1,20}$/.test(values['household-prefix'])) fail('--household-prefix: letters and digits, at most 20');
const codeText = values['grids-file'] ? readFileSync(values['grids-file'], 'utf8') : (values.grids ?? '');
const areaCodes = codeText.split(/[\s,]+/).filter((c) => c !== '');
if (areaCodes.some((c) => !/^[0-9A-Za-z]{1,32}$/.test(c))) fail('area codes are letters and digits');

// Relative paths from where npm was started, not from the workspace.
const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
const file = createWriteStream(out, { encoding: 'utf8' });
const started = performance.now();
file.write(`\uFEFF${csvLine(PERSON_IMPORT_FIELDS.map((f) => f.label))}`);
let buffer = '';
let badRows = 0;
for (const person of syntheticResidents({ count: rows, offset, bad, areaCodes, regionCode: values.region, householdPrefix: values['household-prefix'] })) {
  if (person.bad) badRows += 1;
  buffer += csvLine(PERSON_IMPORT_FIELDS.map((f) => person.cells[f.key] ?? ''));
  if (buffer.length > 1 << 16) {
    // Back-pressure: never more than a chunk or two ahead of the disk.
    if (!file.write(buffer)) await once(file, 'drain');
    buffer = '';
  }
}
file.end(buffer);
await once(file, 'finish');
console.log(`data:generate: ${rows} persons (${badRows} with a mistake) over ${areaCodes.length || 'no'} areas written to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
