import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJob } from '@redgrid/contracts';
import { buildApp } from '../../app.ts';
import { actorFromRoles, scopeFromRoles } from '../../platform/context.ts';
import { listOwnRoles } from '../../platform/cross-scope.repository.ts';
import { restricted, scopedFrom } from '../../platform/data-access.ts';
import { systemContext, withActor } from '../../platform/unit-of-work.ts';
import { loginAs, useTestApp, type Session } from '../../../test/harness.ts';
import { exportTable, importRunners, registerImportKind, type ParsedRow, type RowIssue } from './index.ts';

/**
 * The import engine end to end, with a test-only kind that upserts into a table of its own
 * (`test_things`, natural key `code`): real files (GBK CSV, XLSX with a formula, a date and an ID
 * number stored as a number), the dry run's report, batches, a crash and its resume, a re-import.
 */

const filesDir = await mkdtemp(path.join(tmpdir(), 'exchange-int-'));
const ctx = useTestApp({ filesDir });
let admin: Session;

interface Thing {
  code: string;
  name: string;
  born: string | null;
  idNumber: string | null;
  grid: string | null;
}

/** Test switch: the apply throws in this batch number (a crash in the middle of the import). */
let crashInBatch: number | null = null;
let batchesSeen = 0;

const BORN = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseThing(cells: Readonly<Record<string, string>>): { ok: true; row: Thing } | { ok: false; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  if (!/^[A-Z]\d{5}$/.test(cells.code ?? '')) issues.push({ field: 'code', reason: '编码应为 1 个大写字母加 5 位数字' });
  if (!cells.name) issues.push({ field: 'name', reason: '名称不能为空' });
  const born = cells.born || null;
  if (born && (!BORN.test(born) || Number.isNaN(Date.parse(born)))) issues.push({ field: 'born', reason: '日期应为 YYYY-MM-DD' });
  const idNumber = cells.idNumber || null;
  if (idNumber && !/^\d{17}[\dX]$/.test(idNumber)) issues.push({ field: 'idNumber', reason: '身份证号应为 18 位' });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, row: { code: cells.code!, name: cells.name!, born, idNumber, grid: cells.grid || null } };
}

function thingsKind(kind: string, batchSize?: number) {
  registerImportKind<Thing>({
    kind,
    label: '测试物件',
    permission: 'area.manage',
    fields: [
      { key: 'code', label: '编码', aliases: ['代码'], required: true, hint: '1 个大写字母加 5 位数字' },
      { key: 'name', label: '名称', required: true },
      { key: 'born', label: '日期' },
      { key: 'idNumber', label: '身份证号', aliases: ['公民身份号码'] },
      { key: 'grid', label: '网格编码' },
    ],
    templateRows: [{ code: 'A00001', name: '示例', born: '2020-01-31', idNumber: '', grid: '' }],
    parse: parseThing,
    // A database check: a grid code must name an area in the caller's scope.
    async check(unit, rows: readonly ParsedRow<Thing>[]) {
      const codes = [...new Set(rows.map((r) => r.row.grid).filter((g): g is string => g !== null))];
      if (codes.length === 0) return [];
      const known = await unit.use((db, scope) => scopedFrom(db, scope, 'areas').select('code').where('code', 'in', codes).execute());
      const found = new Set(known.map((k) => k.code));
      return rows.filter((r) => r.row.grid !== null && !found.has(r.row.grid)).map((r) => ({ rowNumber: r.rowNumber, issues: [{ field: 'grid', reason: `没有编码为 ${r.row.grid} 的网格（或不在管辖范围内）` }] }));
    },
    async applyBatch(unit, rows, job) {
      batchesSeen += 1;
      if (crashInBatch !== null && batchesSeen === crashInBatch) throw new Error('simulated crash');
      return unit.use(async (db) => {
        const values = rows.map((r) => sql`(${r.row.code}, ${r.row.name}, ${r.row.born}::date, ${r.row.idNumber}, ${job.areaId})`);
        const result = await sql<{ inserted: boolean }>`
          INSERT INTO test_things (code, name, born, id_number, area_id) VALUES ${sql.join(values)}
          ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, born = EXCLUDED.born, id_number = EXCLUDED.id_number
          WHERE (test_things.name, test_things.born, test_things.id_number) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.born, EXCLUDED.id_number)
          RETURNING (xmax = 0) AS inserted`.execute(db);
        const created = result.rows.filter((r) => r.inserted).length;
        return { created, updated: result.rows.length - created };
      });
    },
    ...(batchSize ? { batchSize } : {}),
  });
}

let zhanbei: number;

beforeAll(async () => {
  const { t } = ctx;
  await sql`CREATE TABLE test_things (code text PRIMARY KEY, name text NOT NULL, born date, id_number text, area_id bigint NOT NULL)`.execute(t.database.db);
  thingsKind('test_things', 500);
  thingsKind('test_big');
  zhanbei = (await t.database.db.selectFrom('areas').select('id').where('code', '=', '320412001001').executeTakeFirstOrThrow()).id;
  admin = await loginAs(t.app, 'zb_admin');
});
afterAll(async () => rm(filesDir, { recursive: true, force: true }));

function runner() {
  const r = importRunners.get(ctx.t.deps);
  if (!r) throw new Error('no runner');
  return r;
}

async function upload(kind: string, file: Buffer, fileName: string, session = admin, areaId = zhanbei) {
  return ctx.t.app.inject({
    method: 'POST',
    url: `/api/imports/kinds/${kind}/jobs?areaId=${areaId}&fileName=${encodeURIComponent(fileName)}`,
    headers: { ...session.headers, 'content-type': 'application/octet-stream' },
    payload: file,
  });
}

async function post(url: string, body: object = {}, session = admin) {
  return ctx.t.app.inject({ method: 'POST', url, headers: session.headers, payload: body });
}

async function job(id: number): Promise<ImportJob> {
  return (await ctx.t.app.inject({ url: `/api/imports/jobs/${id}`, headers: admin.headers })).json<ImportJob>();
}

/** Upload, dry run, wait: the checked job. */
async function checked(kind: string, file: Buffer, fileName: string): Promise<ImportJob> {
  const res = await upload(kind, file, fileName);
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<ImportJob>().id;
  const started = await post(`/api/imports/jobs/${id}/check`);
  expect(started.statusCode, started.body).toBe(200);
  await runner().idle();
  return job(id);
}

async function applied(id: number): Promise<ImportJob> {
  const res = await post(`/api/imports/jobs/${id}/apply`);
  expect(res.statusCode, res.body).toBe(200);
  await runner().idle();
  return job(id);
}

async function report(id: number): Promise<string[][]> {
  const res = await ctx.t.app.inject({ url: `/api/imports/jobs/${id}/errors`, headers: admin.headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-disposition']).toContain("filename*=UTF-8''");
  const lines = res.body.replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
  expect(lines[0]).toMatch(/^导出人：张秀英（zb_admin）/);
  return lines.slice(1).map((l) => l.split(','));
}

async function countThings(prefix: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM test_things WHERE code LIKE ${`${prefix}%`}`.execute(ctx.t.database.db);
  return r.rows[0]!.n;
}

/** GB18030 bytes of a text: Node decodes GBK but does not encode it, so the table is built by decoding. */
const gbkTable = (() => {
  const map = new Map<string, Buffer>();
  const decoder = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(a, b));
      if (ch.length === 1 && !map.has(ch)) map.set(ch, Buffer.from([a, b]));
    }
  }
  return map;
})();
function gbk(text: string): Buffer {
  return Buffer.concat([...text].map((ch) => (ch.charCodeAt(0) < 0x80 ? Buffer.from(ch) : gbkTable.get(ch)!)));
}

function csv(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

describe('import kinds and templates', () => {
  it('describes a kind and serves its template', async () => {
    const info = await ctx.t.app.inject({ url: '/api/imports/kinds/test_things', headers: admin.headers });
    expect(info.json().fields.map((f: { label: string }) => f.label)).toEqual(['编码', '名称', '日期', '身份证号', '网格编码']);
    const template = await ctx.t.app.inject({ url: '/api/imports/kinds/test_things/template?format=csv', headers: admin.headers });
    expect(template.statusCode).toBe(200);
    expect(template.body).toBe('\uFEFF编码*,名称*,日期,身份证号,网格编码\r\nA00001,示例,2020-01-31,,\r\n');
    const xlsx = await ctx.t.app.inject({ url: '/api/imports/kinds/test_things/template', headers: admin.headers });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    // The template imports as it is.
    const back = await checked('test_things', xlsx.rawPayload, '模板.xlsx');
    expect(back.counts).toMatchObject({ total: 1, good: 1, bad: 0 });
  });

  it('answers 404 for an unknown kind and 403 without the kind permission', async () => {
    expect((await upload('no_such_kind', csv(['编码,名称', 'A00001,x']), 'a.csv')).statusCode).toBe(404);
    const worker = await loginAs(ctx.t.app, 'zb_worker');
    expect((await upload('test_things', csv(['编码,名称', 'A00001,x']), 'a.csv', worker)).statusCode).toBe(403);
    expect((await ctx.t.app.inject({ url: '/api/imports/kinds/test_things/template', headers: worker.headers })).statusCode).toBe(403);
  });
});

describe('reading real files', () => {
  it('reads a GBK CSV (what Excel on a Chinese Windows saves)', async () => {
    const file = Buffer.concat([gbk('编码,名称,日期\r\n'), gbk('G00001,张三,1990-05-17\r\n'), gbk('G00002,李四,\r\n')]);
    const j = await checked('test_things', file, '物件.csv');
    expect(j.encoding).toBe('gb18030');
    expect(j.headers).toEqual(['编码', '名称', '日期']);
    expect(j.counts).toMatchObject({ total: 2, good: 2, bad: 0 });
    const done = await applied(j.id);
    expect(done.status).toBe('applied');
    const rows = await sql<{ code: string; name: string }>`SELECT code, name FROM test_things WHERE code LIKE 'G%' ORDER BY code`.execute(ctx.t.database.db);
    expect(rows.rows).toEqual([{ code: 'G00001', name: '张三' }, { code: 'G00002', name: '李四' }]);
  });

  it('reads an XLSX: a formula by its result, a date as a Beijing date, and flags an ID number stored as a number and a formula without a result', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('物件');
    ws.addRow(['代码', '名称', '日期', '公民身份号码']);
    const dated = ws.addRow(['X00001', { formula: 'CONCAT("王","五")', result: '王五' }, new Date(Date.UTC(1988, 1, 29)), '320102198802291234']);
    dated.getCell(3).numFmt = 'yyyy"年"m"月"d"日"';
    ws.addRow(['X00002', '赵六', '', Number('320102199005171234')]);
    ws.addRow(['X00003', { formula: 'B2&"x"' }, '', '']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const j = await checked('test_things', file, '物件.xlsx');
    expect(j.format).toBe('xlsx');
    expect(j.mapping).toEqual({ code: 0, name: 1, born: 2, idNumber: 3 });
    expect(j.counts).toMatchObject({ total: 3, good: 1, bad: 2 });
    expect(j.preview).toEqual([
      { row: 3, column: '公民身份号码', reason: expect.stringContaining('超过 15 位') },
      { row: 4, column: '名称', reason: expect.stringContaining('公式没有计算结果') },
    ]);
    await applied(j.id);
    const row = await sql<{ name: string; born: string }>`SELECT name, born::text AS born FROM test_things WHERE code = 'X00001'`.execute(ctx.t.database.db);
    expect(row.rows[0]).toEqual({ name: '王五', born: '1988-02-29' });
  });

  it('stops at missing required columns, names unknown ones, and takes a mapping the user chose', async () => {
    const res = await upload('test_things', csv(['名字,名称,备注', 'M00001,甲,x']), 'm.csv');
    const j = res.json<ImportJob>();
    expect(j.missing).toEqual([{ key: 'code', label: '编码' }]);
    expect(j.unknown).toEqual([{ column: 0, header: '名字' }, { column: 2, header: '备注' }]);
    const refused = await post(`/api/imports/jobs/${j.id}/check`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe('缺少必填列：编码');
    const mapped = await post(`/api/imports/jobs/${j.id}/check`, { mapping: { code: 0 } });
    expect(mapped.statusCode).toBe(200);
    await runner().idle();
    expect((await job(j.id)).counts).toMatchObject({ total: 1, good: 1 });
  });
});

describe('10,000 rows with 100 bad ones', () => {
  const bad = new Set<number>();
  let file: Buffer;
  let jobId: number;

  beforeAll(() => {
    const lines = ['编码,名称,日期,网格编码'];
    for (let i = 1; i <= 10_000; i++) {
      const rowNumber = i + 1;
      const code = `B${String(i).padStart(5, '0')}`;
      if (i % 100 === 7) {
        bad.add(rowNumber);
        // Three kinds of trouble: a field rule, a date, a database check.
        if (i % 300 === 7) lines.push(`b${i},坏编码,,`);
        else if (i % 300 === 107) lines.push(`${code},坏日期,2021-13-40,`);
        else lines.push(`${code},未知网格,,999999999999`);
      } else {
        lines.push(`${code},物件${i},2020-01-01,${i % 2 === 0 ? '320412001001' : ''}`);
      }
    }
    file = csv(lines);
  });

  it('reports every bad row in the dry run, with its row number, column and reason, and writes nothing', async () => {
    const j = await checked('test_things', file, '一万行.csv');
    jobId = j.id;
    expect(j.status).toBe('checked');
    expect(j.counts).toMatchObject({ total: 10_000, good: 9_900, bad: 100, issues: 100 });
    expect(await countThings('B')).toBe(0);
    const lines = await report(j.id);
    expect(lines[0]).toEqual(['行号', '列', '原因', '编码', '名称', '日期', '网格编码']);
    const rows = lines.slice(1);
    expect(rows.map((r) => Number(r[0]))).toEqual([...bad].sort((a, b) => a - b));
    expect(rows[0]).toEqual(['8', '编码', '编码应为 1 个大写字母加 5 位数字', 'b7', '坏编码', '', '']);
    expect(rows.find((r) => r[3] === 'B00107')!.slice(1, 3)).toEqual(['日期', '日期应为 YYYY-MM-DD']);
    expect(rows.find((r) => r[3] === 'B00207')!.slice(1, 3)).toEqual(['网格编码', '没有编码为 999999999999 的网格（或不在管辖范围内）']);
  });

  it('applies in batches; a crash in the middle keeps the committed batches, and a resume finishes without duplicates', async () => {
    batchesSeen = 0;
    crashInBatch = 4;
    const failed = await applied(jobId);
    crashInBatch = null;
    expect(failed.status).toBe('failed');
    // Three batches of 500 rows committed (rows 2–1501), the fourth rolled back whole.
    expect(failed.cursorRow).toBe(1501);
    expect(failed.counts.applied + failed.counts.skipped).toBe(1500);
    expect(await countThings('B')).toBe(failed.counts.applied);
    expect(failed.abilities.resume).toBe(true);

    const resumed = await post(`/api/imports/jobs/${jobId}/resume`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    await runner().idle();
    const done = await job(jobId);
    expect(done.status).toBe('applied');
    expect(done.counts).toMatchObject({ applied: 9_900, created: 9_900, updated: 0, skipped: 100 });
    expect(await countThings('B')).toBe(9_900);
    const audit = await ctx.t.database.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'import_job').where('entity_id', '=', String(jobId)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['import.create', 'import.check', 'import.report', 'import.start', 'import.fail', 'import.resume', 'import.apply']);
    // No personal data in the trail: counts, kind, digest.
    expect(JSON.stringify(audit)).not.toContain('物件');
  });

  it('a re-import of the same file creates nothing and changes nothing', async () => {
    const again = await checked('test_things', file, '一万行.csv');
    expect(again.counts).toMatchObject({ good: 9_900, bad: 100 });
    const done = await applied(again.id);
    expect(done.counts).toMatchObject({ applied: 9_900, created: 0, updated: 0, skipped: 100 });
    expect(await countThings('B')).toBe(9_900);
  });

  it('a server that stopped while applying resumes the job when it starts again', async () => {
    const j = await checked('test_things', csv(['编码,名称', ...Array.from({ length: 1200 }, (_, i) => `R${String(i).padStart(5, '0')},重启${i}`)]), 'restart.csv');
    batchesSeen = 0;
    crashInBatch = 2;
    const failed = await applied(j.id);
    crashInBatch = null;
    expect(failed.cursorRow).toBe(501);
    // As a killed process leaves it: still 'applying', no runner holds it.
    await sql`UPDATE import_jobs SET status = 'applying' WHERE id = ${j.id}`.execute(ctx.t.database.db);
    const original = runner();
    try {
      const restarted = await buildApp(ctx.t.deps, { logger: false });
      await restarted.ready();
      await importRunners.get(ctx.t.deps)!.idle();
      await restarted.close();
    } finally {
      importRunners.set(ctx.t.deps, original);
    }
    const done = await job(j.id);
    expect(done.status).toBe('applied');
    expect(done.counts).toMatchObject({ applied: 1200, created: 1200 });
    expect(await countThings('R')).toBe(1200);
  });
});

describe('scope and cancel', () => {
  it('hides a job from an account that does not govern its area, and cancels', async () => {
    const res = await upload('test_things', csv(['编码,名称', 'C00001,甲']), 'c.csv');
    const id = res.json<ImportJob>().id;
    const other = await loginAs(ctx.t.app, 'jk_admin');
    expect((await ctx.t.app.inject({ url: `/api/imports/jobs/${id}`, headers: other.headers })).statusCode).toBe(200);
    const lanshanhu = (await ctx.t.database.db.selectFrom('areas').select('id').where('code', '=', '320412002002').executeTakeFirstOrThrow()).id;
    // zb_admin governs 站北 only: an upload into 蓝山湖 is refused, and that community's jobs are not seen.
    expect((await upload('test_things', csv(['编码,名称', 'C00002,乙']), 'c.csv', admin, lanshanhu)).statusCode).toBe(404);
    const theirs = await upload('test_things', csv(['编码,名称', 'C00003,丙']), 'c.csv', other, lanshanhu);
    expect(theirs.statusCode).toBe(201);
    expect((await ctx.t.app.inject({ url: `/api/imports/jobs/${theirs.json().id}`, headers: admin.headers })).statusCode).toBe(404);
    const list = (await ctx.t.app.inject({ url: '/api/imports/jobs', headers: admin.headers })).json<{ items: ImportJob[] }>();
    expect(list.items.some((j) => j.id === theirs.json().id)).toBe(false);
    expect(list.items.some((j) => j.id === id)).toBe(true);

    const cancelled = await post(`/api/imports/jobs/${id}/cancel`);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await post(`/api/imports/jobs/${id}/check`)).statusCode).toBe(409);
  });
});

describe('exportTable', () => {
  it('streams rows with the exporter watermark and records who exported what in the audit trail', async () => {
    const { t } = ctx;
    const user = await t.database.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', 'zb_admin').executeTakeFirstOrThrow();
    const roles = await listOwnRoles(restricted(t.database.db), user.id);
    const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, { mustChangePassword: false, sessionId: null });
    const asAdmin = withActor(systemContext(t.deps, t.app.log), actor, scopeFromRoles(roles));
    async function* rows() {
      yield ['G00001', '张三'];
      yield ['G00002', '=cmd|calc'];
    }
    const file = await exportTable(asAdmin, { kind: 'test_things', label: '测试物件', permission: 'area.manage', format: 'csv', headers: ['编码', '名称'], filter: { q: 'G' }, areaId: zhanbei, rows: rows() });
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream) chunks.push(chunk as Buffer);
    expect(await file.done).toBe(2);
    expect(file.fileName).toMatch(/^测试物件-\d{8}-\d{4}\.csv$/);
    const lines = Buffer.concat(chunks).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFF导出人：张秀英（zb_admin） 导出时间：2026-11-20 10:00（北京时间） 仅限工作使用，不得外传');
    expect(lines.slice(1, 4)).toEqual(['编码,名称', 'G00001,张三', "G00002,'=cmd|calc"]);
    const audit = await t.database.db.selectFrom('audit_log').select(['actor_name', 'after']).where('action', '=', 'export').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor_name).toBe('zb_admin');
    expect(audit.after).toEqual({ format: 'csv', rows: 2, filter: { q: 'G' }, complete: true });
    // Without the permission, nothing is written at all.
    const worker = await t.database.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', 'zb_worker').executeTakeFirstOrThrow();
    const workerRoles = await listOwnRoles(restricted(t.database.db), worker.id);
    const asWorker = withActor(systemContext(t.deps, t.app.log), actorFromRoles({ id: worker.id, username: worker.username, displayName: worker.display_name }, workerRoles, { mustChangePassword: false, sessionId: null }), scopeFromRoles(workerRoles));
    await expect(exportTable(asWorker, { kind: 'test_things', label: '测试物件', permission: 'area.manage', format: 'csv', headers: ['编码'], filter: {}, rows: rows() })).rejects.toThrow(/权限/);
  });
});

describe('a 200,000-row file', () => {
  it('streams through the dry run and the apply in bounded memory', async () => {
    const lines = ['编码,名称,日期,身份证号'];
    for (let i = 0; i < 200_000; i++) lines.push(`H${String(i).padStart(5, '0').slice(-5)},大文件物件${i},2001-02-03,32041219900101${String(i % 10000).padStart(4, '0')}`);
    // Codes repeat after 100,000 (H + 5 digits): the second half updates the first, as a real re-delivery would.
    const file = csv(lines);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    try {
      const j = await checked('test_big', file, '二十万行.csv');
      expect(j.counts).toMatchObject({ total: 200_000, good: 200_000, bad: 0 });
      const done = await applied(j.id);
      expect(done.status).toBe('applied');
      expect(done.counts.applied).toBe(200_000);
      expect(done.counts.created).toBe(100_000);
      // The second half repeats the first half's codes with other names: updates, not new rows.
      expect(done.counts.updated).toBe(100_000);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`200,000-row import: peak RSS growth ${growthMb.toFixed(0)} MB (file ${(file.length / 1024 / 1024).toFixed(1)} MB)`);
    expect(growthMb).toBeLessThan(512);
    expect(await countThings('H')).toBe(100_000);
  }, 300_000);
});
