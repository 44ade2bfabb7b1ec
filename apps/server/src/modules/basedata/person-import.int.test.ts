import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '@redgrid/contracts';
import { areaIdByCode, loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { syntheticIdentityNumber } from '../../platform/identity-number.ts';
import { importRunners, registerImportKind } from '../exchange/index.ts';
import { personImportKind } from './persons/person-import.ts';
import { personSealer, SEAL_FAILED } from './persons/person-seal.ts';

/** 实有人口 through the import engine: a file with bad rows, the report, the apply, a re-import, an export. */

const filesDir = await mkdtemp(path.join(tmpdir(), 'person-import-'));
const ctx = useTestApp({ filesDir });
afterAll(async () => rm(filesDir, { recursive: true, force: true }));
let secretary: Session;
let worker: Session;
let grid: { id: number; code: string };

beforeAll(async () => {
  secretary = await loginAs(ctx.t.app, 'zb_admin');
  worker = await loginAs(ctx.t.app, 'zb_worker');
  const row = await ctx.t.database.db.selectFrom('areas').select(['id', 'code']).where('code', 'like', '320412001001%').where('level', '=', 'grid').orderBy('code').executeTakeFirstOrThrow();
  grid = row;
});

const id = (n: number, sex: 'male' | 'female' = n % 2 ? 'male' : 'female') => syntheticIdentityNumber({ regionCode: '320412', birthDate: `19${60 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`, sex, sequence: n % 500 });

function csv(rows: string[][]): Buffer {
  return Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\n')}\n`, 'utf8');
}

async function importFile(file: Buffer, session = secretary): Promise<ImportJob> {
  const community = await areaIdByCode(ctx.t.database, '320412001001');
  const up = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/persons/jobs?areaId=${community}&fileName=people.csv`, headers: { ...session.headers, 'content-type': 'application/octet-stream' }, payload: file });
  expect(up.statusCode, up.body).toBe(201);
  const job = up.json<ImportJob>();
  expect((await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/check`, headers: session.headers, payload: {} })).statusCode).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}`, headers: session.headers })).json<ImportJob>();
}

async function apply(job: ImportJob): Promise<ImportJob> {
  const res = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/apply`, headers: secretary.headers, payload: {} });
  expect(res.statusCode, res.body).toBe(200);
  await importRunners.get(ctx.t.deps)!.idle();
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}`, headers: secretary.headers })).json<ImportJob>();
}

describe('importing 实有人口', () => {
  const header = ['姓名', '身份证号', '手机号', '网格编码', '户号', '与户主关系', '人口类型', '现住址'];
  const good = Array.from({ length: 30 }, (_, i) => [`导入${i}号`, id(i + 1), i % 3 ? '' : `1700000${String(1000 + i)}`, '', `HH${Math.floor(i / 3)}`, i % 3 === 0 ? '户主' : '子女', i % 5 === 0 ? '流动人口' : '户籍人口', `站北社区 ${i}号`]);
  const bad = [
    ['坏号码', `${id(99).slice(0, 17)}${id(99)[17] === '1' ? '2' : '1'}`, '', '', '', '', '', ''],
    ['未来人', '320412209901010011', '', '', '', '', '', ''],
    ['错电话', id(98), '12345', '', '', '', '', ''],
    ['错类型', id(97), '', '', '', '', '外星人口', ''],
    ['外区网格', id(96), '', '330102001001001', '', '', '', ''],
  ];

  it('reports every bad row with its row number, column and reason, and imports the good ones', async () => {
    const file = csv([header, ...good.slice(0, 10), ...bad, ...good.slice(10)].map((r, i) => (i > 0 && r[3] === '' ? [r[0]!, r[1]!, r[2]!, grid.code, ...r.slice(4)] : r)));
    const checked = await importFile(file);
    expect(checked.status).toBe('checked');
    expect(checked.counts).toMatchObject({ total: 35, good: 30, bad: 5 });
    const report = await ctx.t.app.inject({ url: `/api/imports/jobs/${checked.id}/errors`, headers: secretary.headers });
    const lines = report.body.split('\n').filter((l) => /^\d/.test(l));
    expect(lines.map((l) => l.split(',')[0])).toEqual(['12', '13', '14', '15', '16']);
    expect(report.body).toContain('校验');
    expect(report.body).toContain('外星人口');
    expect(report.body).toContain('330102001001001');
    const done = await apply(checked);
    expect(done.status).toBe('applied');
    expect(done.counts).toMatchObject({ created: 30, updated: 0 });
    // The apply leaves the planner statistics fresh (the embedded engine runs no autovacuum).
    const stats = await sql<{ reltuples: number }>`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'persons'`.execute(ctx.t.database.db);
    expect(Number(stats.rows[0]!.reltuples)).toBeGreaterThanOrEqual(30);
    const found = await ctx.t.app.inject({ url: `/api/basedata/persons?q=${id(1)}`, headers: worker.headers });
    expect(found.json<{ items: { name: string; idMasked: string; householdId: number }[] }>().items).toEqual([expect.objectContaining({ name: '导入0号', idMasked: expect.stringMatching(/^3204\*{10}/) })]);
  });

  it('a second import of the same people updates them and creates no duplicate', async () => {
    const changed = good.map((r) => [r[0]!, r[1]!, r[2]!, grid.code, r[4]!, r[5]!, r[6]!, `${r[7]!}（新）`]);
    const job = await apply(await importFile(csv([header, ...changed])));
    expect(job.status, JSON.stringify(job)).toBe('applied');
    expect(job.counts).toMatchObject({ created: 0, updated: 30 });
    const count = await ctx.t.database.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'like', '导入%').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(30);
    const households = await ctx.t.database.db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).where('household_no', 'like', 'HH%').executeTakeFirstOrThrow();
    expect(Number(households.n)).toBe(10);
  });

  it('a grid worker may not import; the export is masked and watermarked', async () => {
    const community = await areaIdByCode(ctx.t.database, '320412001001');
    const refused = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/kinds/persons/jobs?areaId=${community}&fileName=p.csv`, headers: { ...worker.headers, 'content-type': 'application/octet-stream' }, payload: csv([header]) });
    expect(refused.statusCode).toBe(403);
    const exported = await ctx.t.app.inject({ url: `/api/basedata/persons/export?format=csv&q=${encodeURIComponent('导入')}`, headers: secretary.headers });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('导出人');
    expect(exported.body).toContain('张秀英');
    expect(exported.body).toContain('导入0号');
    expect(exported.body).not.toContain(id(1));
    expect(exported.body).toMatch(/3204\*{10}/);
  });
});

describe('a file of more than one batch', () => {
  it('imports every person of full batches of 2,000 on the embedded engine', async () => {
    // A batch of 2,000 persons is one INSERT of 50,000 parameters unless sliced; PGlite answered that
    // with no rows and no error, so whole batches were lost. 2,100 rows: one full batch and a short one.
    const header = ['姓名', '身份证号', '网格编码', '户号', '与户主关系'];
    const rows = Array.from({ length: 2100 }, (_, i) => [`批量${i}`, syntheticIdentityNumber({ regionCode: '320481', birthDate: `1985-0${1 + (i % 9)}-${String(10 + Math.floor(i / 500)).padStart(2, '0')}`, sex: i % 2 ? 'male' : 'female', sequence: i % 500 }), grid.code, `PL${Math.floor(i / 4)}`, i % 4 === 0 ? '户主' : '子女']);
    const job = await apply(await importFile(csv([header, ...rows])));
    expect(job.status).toBe('applied');
    expect(job.counts).toMatchObject({ created: 2100, updated: 0 });
    const count = await ctx.t.database.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'like', '批量%').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2100);
    const heads = await ctx.t.database.db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).where('household_no', 'like', 'PL%').where('head_person_id', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(heads.n)).toBe(525);
  }, 120_000);
});

describe('the write path: arrays, sealing in a worker thread, batches that crash', () => {
  const header = ['姓名', '身份证号', '手机号', '网格编码', '户号', '与户主关系', '现住址'];
  // Each test its own region code: no person of one test is another's.
  const regions: Record<string, string> = { 存值: '320402', 崩溃: '320404', 加密: '320411', 地址: '320413' };
  const person = (prefix: string, i: number) =>
    [`${prefix}${i}`, syntheticIdentityNumber({ regionCode: regions[prefix]!, birthDate: `1977-0${1 + (i % 9)}-${String(10 + (i % 18)).padStart(2, '0')}`, sex: i % 2 ? 'male' : 'female', sequence: (i * 7) % 500 }), i % 2 ? `1710000${String(1000 + i)}` : '', grid.code, `${prefix}H${Math.floor(i / 3)}`, i % 3 === 0 ? '户主' : '子女', `站北社区 ${i} 号`];
  const count = async (prefix: string) => Number((await ctx.t.database.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'like', `${prefix}%`).executeTakeFirstOrThrow()).n);
  const withKind = async <T>(kind: ReturnType<typeof personImportKind>, run: () => Promise<T>): Promise<T> => {
    registerImportKind(kind);
    try {
      return await run();
    } finally {
      registerImportKind(personImportKind(ctx.t.deps.cipher, ctx.t.deps.clock));
    }
  };
  const resume = async (job: ImportJob) => {
    const res = await ctx.t.app.inject({ method: 'POST', url: `/api/imports/jobs/${job.id}/resume`, headers: secretary.headers, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    await importRunners.get(ctx.t.deps)!.idle();
    return (await ctx.t.app.inject({ url: `/api/imports/jobs/${job.id}`, headers: secretary.headers })).json<ImportJob>();
  };

  it('stores what the file says, sealed, and each person\'s history names the import job and who ran it', async () => {
    // Characters array literals must escape: quotes, commas, braces, a backslash.
    const address = '站北社区 "东苑",3幢{A}\\101室';
    const rows = [person('存值', 1), person('存值', 2), person('存值', 3)].map((r, i) => (i === 0 ? [...r.slice(0, 6), address] : r));
    const job = await apply(await importFile(csv([header, ...rows.map((r) => r.map((c) => (c.includes(',') || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)))])));
    expect(job.status, JSON.stringify(job)).toBe('applied');
    const stored = await ctx.t.database.db.selectFrom('persons').select(['id', 'name', 'id_enc', 'id_bidx', 'phone_enc', 'phone_bidx', 'current_address', 'name_pinyin', 'household_id']).where('name', 'like', '存值%').orderBy('name').execute();
    expect(stored.map((p) => p.name)).toEqual(['存值1', '存值2', '存值3']);
    expect(stored[0]!.current_address).toBe(address);
    expect(ctx.t.deps.cipher.decrypt(stored[0]!.id_enc!)).toBe(rows[0]![1]);
    expect(stored[0]!.id_bidx).toBe(ctx.t.deps.cipher.blindIndex(rows[0]![1]!));
    expect(ctx.t.deps.cipher.decrypt(stored[0]!.phone_enc!)).toBe(rows[0]![2]);
    expect(stored[0]!.phone_bidx).toBe(ctx.t.deps.cipher.blindIndex(rows[0]![2]!));
    expect(stored[1]!.phone_enc).toBeNull();
    expect(stored[0]!.name_pinyin).toBe('cunzhi');
    const me = await ctx.t.database.db.selectFrom('users').select('id').where('username', '=', 'zb_admin').executeTakeFirstOrThrow();
    const history = await ctx.t.database.db.selectFrom('record_history').select(['record_id', 'action', 'source', 'actor_id', 'changes']).where('record_type', '=', 'person').where('record_id', 'in', stored.map((p) => p.id)).execute();
    expect(history).toHaveLength(3);
    for (const h of history) expect(h).toMatchObject({ action: 'import', source: 'import', actor_id: me.id, changes: { importJob: [null, job.id] } });
  });

  it('an imported person is found by address, the text as the record would have it; a changed address follows', async () => {
    // The import writes the address text in its batch statement (migration 0029), not through the row trigger:
    // one person into a household that lives in a house, so the house's address is part of it too.
    const db = ctx.t.database.db;
    const house = await db.insertInto('houses').values({ area_id: grid.id, address_key: '地址测试-延陵里7幢602', address: '延陵里 7幢', room: '602室' }).returning('id').executeTakeFirstOrThrow();
    const home = await db.insertInto('households').values({ area_id: grid.id, house_id: house.id, household_no: '地址户1' }).returning(['id', 'household_no as householdNo']).executeTakeFirstOrThrow();
    const rows = [person('地址', 1), person('地址', 2)].map((r, i) => (i === 0 ? [...r.slice(0, 4), home.householdNo!, '子女', '幸福里 8号'] : r));
    const job = await apply(await importFile(csv([header, ...rows])));
    expect(job.status, JSON.stringify(job)).toBe('applied');
    const stored = await sql<{ id: number; name: string; household_id: number | null; same: boolean }>`
      SELECT id, name, household_id, address_text = person_address_text(area_id, household_id, current_address, registration_address) AS same
        FROM persons WHERE name LIKE '地址%' ORDER BY name`.execute(db);
    expect(stored.rows.map((p) => [p.name, p.same])).toEqual([['地址1', true], ['地址2', true]]);
    const [mine] = stored.rows;
    expect(mine!.household_id).toBe(home.id);
    const find = async (q: string) => (await ctx.t.app.inject({ url: `/api/basedata/persons?${new URLSearchParams({ q, by: 'address', limit: '200' }).toString()}`, headers: secretary.headers })).json<{ items: { id: number }[] }>().items.map((p) => p.id);
    expect(await find('幸福里8号')).toEqual([mine!.id]);
    expect(await find('延陵里7栋602')).toEqual([mine!.id]);
    // The record's address changed on its page: the text follows (the trigger, outside the import).
    const patched = await ctx.t.app.inject({ method: 'PATCH', url: `/api/basedata/persons/${mine!.id}`, headers: secretary.headers, payload: { currentAddress: '和平里 9号' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await find('和平里9号')).toEqual([mine!.id]);
    expect(await find('幸福里8号')).toEqual([]);
  });

  it('a crash inside a batch keeps nothing of that batch; the resume finishes with every person once', async () => {
    const rows = Array.from({ length: 45 }, (_, i) => person('崩溃', i));
    const real = personImportKind(ctx.t.deps.cipher, ctx.t.deps.clock);
    let batches = 0;
    const crashing = {
      ...real,
      batchSize: 10,
      // The third batch writes its persons, households and history, then dies before its commit.
      applyBatch: async (...args: Parameters<typeof real.applyBatch>) => {
        const counts = await real.applyBatch(...args);
        batches += 1;
        if (batches === 3) throw new Error('simulated crash after the writes of batch 3');
        return counts;
      },
    };
    const failed = await withKind(crashing, async () => apply(await importFile(csv([header, ...rows]))));
    expect(failed.status).toBe('failed');
    expect(failed.cursorRow).toBe(21);
    expect(await count('崩溃')).toBe(20);
    const resumed = await withKind({ ...real, batchSize: 10 }, () => resume(failed));
    expect(resumed.status).toBe('applied');
    expect(resumed.counts).toMatchObject({ created: 45, updated: 0 });
    expect(await count('崩溃')).toBe(45);
    const history = await sql<{ n: string }>`SELECT count(*) AS n FROM record_history h JOIN persons p ON p.id = h.record_id WHERE h.record_type = 'person' AND p.name LIKE '崩溃%'`.execute(ctx.t.database.db);
    expect(Number(history.rows[0]!.n)).toBe(45);
    const heads = await ctx.t.database.db.selectFrom('households').select((eb) => eb.fn.countAll<number>().as('n')).where('household_no', 'like', '崩溃H%').where('head_person_id', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(heads.n)).toBe(15);
  });

  it('a seal worker that fails stops the job with a clear reason; committed batches stay, a resume finishes', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => person('加密', i));
    const real = personImportKind(ctx.t.deps.cipher, ctx.t.deps.clock);
    // A worker that dies as it starts (a missing module, an out-of-memory kill …).
    const broken = personSealer(ctx.t.deps.cipher, new URL(`data:text/javascript,${encodeURIComponent("throw new Error('worker could not start')")}`));
    const failed = await withKind({ ...real, batchSize: 10, prepare: (batch) => broken.seal(batch.map((r) => ({ rowNumber: r.rowNumber, idValue: r.row.idValue, phone: r.row.phone, name: r.row.name }))) }, async () => apply(await importFile(csv([header, ...rows]))));
    expect(failed.status).toBe('failed');
    expect(failed.failure).toBe(SEAL_FAILED);
    expect(failed.cursorRow).toBe(0);
    expect(await count('加密')).toBe(0);
    const resumed = await withKind({ ...real, batchSize: 10 }, () => resume(failed));
    expect(resumed.status).toBe('applied');
    expect(await count('加密')).toBe(25);
  });
});
