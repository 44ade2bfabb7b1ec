import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditCheckpointSchema, type AuditCheckpoint } from '@redgrid/contracts';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../boot.ts';
import { testConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { seedDemo } from '../seed/demo.ts';
import type { DB } from '../db/types.ts';
import { createTestApp, loginAs, type TestApp } from '../../test/harness.ts';
import {
  anchorAuditChainAfterMigration,
  appendAudit,
  canonicalJson,
  checkpointSignatureValid,
  createAuditCheckpoint,
  GENESIS_HASH,
  reanchorAuditChain,
  sealAuditHead,
  verifyAuditChain,
} from './audit.ts';
import { FieldCipher, hashHex } from './crypto.ts';

/**
 * What an attacker with database access does: switch the guards off (both tables), change, switch
 * them on. They do not hold REDGRID_AUDIT_KEY.
 */
async function tamper(db: Kysely<DB>, ...statements: string[]) {
  await sql.raw('ALTER TABLE audit_log DISABLE TRIGGER USER').execute(db);
  await sql.raw('ALTER TABLE audit_head DISABLE TRIGGER USER').execute(db);
  for (const statement of statements) await sql.raw(statement).execute(db);
  await sql.raw('ALTER TABLE audit_log ENABLE TRIGGER USER').execute(db);
  await sql.raw('ALTER TABLE audit_head ENABLE TRIGGER USER').execute(db);
}

/** A fresh database (template: migrated, empty log, head without MAC) and n audit rows written by the app. */
async function freshLog(n: number, overrides: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(overrides, { seed: false });
  await appendRows(app, n);
  return app;
}

async function appendRows(t: TestApp, n: number, note = 'x') {
  const ctx = systemContext(t.deps, t.app.log);
  for (let i = 0; i < n; i += 1) {
    await t.database.db.transaction().execute((tx) => appendAudit(tx, ctx, { action: 'update', entity: 'test', entityId: i, after: { note, i } }));
  }
}

const checkpoint = (t: TestApp) => t.database.db.transaction().execute((tx) => createAuditCheckpoint(tx, t.deps.config.auditKey, t.clock.read()));
const verify = (t: TestApp, checkpoints: AuditCheckpoint[] = []) =>
  verifyAuditChain(t.database.db, t.deps.config.auditKey, { checkpoints: checkpoints.map((c, i) => ({ name: `cp${i + 1}.json`, checkpoint: c })) });
const kinds = (r: Awaited<ReturnType<typeof verify>>) => r.problems.map((p) => `${p.id}:${p.kind}`);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await loginAs(t.app, 'zb_admin');
  await loginAs(t.app, 'qsy_admin');
  await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zb_admin', password: 'wrong-Pass1' } });
});
afterAll(async () => t?.close());

describe('audit trail', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE are refused, on the log and on its head', async () => {
    await expect(sql`UPDATE audit_log SET actor_name = 'x' WHERE id = 1`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE id = 1`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_head SET row_count = row_count - 1`.execute(t.database.db)).rejects.toThrow(/only advances/);
    await expect(sql`UPDATE audit_head SET mac = NULL, mac_alg = NULL`.execute(t.database.db)).rejects.toThrow(/only advances/);
    await expect(sql`DELETE FROM audit_head`.execute(t.database.db)).rejects.toThrow(/only advances/);
    await expect(sql`TRUNCATE audit_head`.execute(t.database.db)).rejects.toThrow(/only advances/);
  });

  it('refuses, at commit, an audit row written past the head', async () => {
    const head = await t.database.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    await expect(
      sql`INSERT INTO audit_log (id, at, action, entity, prev_hash, hash, hash_alg)
          VALUES (${head.last_id + 1}, now(), 'update', 'x', ${head.last_hash}, ${'f'.repeat(64)}, 'hmac-sm3')`.execute(t.database.db),
    ).rejects.toThrow(/without advancing audit_head/);
  });

  it('writes keyed rows and a head that agrees with the table: a normal run passes', async () => {
    const rows = await t.database.db.selectFrom('audit_log').select(['hash_alg']).execute();
    expect(new Set(rows.map((r) => r.hash_alg))).toEqual(new Set(['hmac-sm3']));
    const intact = await verify(t);
    expect(intact).toMatchObject({ ok: true, problems: [], head: { lastId: rows.length, rowCount: rows.length, sealed: true } });
    expect(intact.checked).toBe(rows.length);
    expect(intact.checked).toBeGreaterThanOrEqual(4);
    // Without the key nothing verifies: the keyed hashes are not plain SM3.
    const wrongKey = await verifyAuditChain(t.database.db, Buffer.alloc(32, 7));
    expect(wrongKey.ok).toBe(false);
    expect(wrongKey.problems.filter((p) => p.kind === 'modified')).toHaveLength(rows.length);
  });

  it('finds an edited row and a row deleted from the middle', async () => {
    const x = await freshLog(6);
    try {
      await tamper(x.database.db, `UPDATE audit_log SET after = '{"reason":"nothing happened"}' WHERE id = 2`);
      expect(kinds(await verify(x))).toEqual(['2:modified']);
      await tamper(x.database.db, 'DELETE FROM audit_log WHERE id = 3');
      expect(kinds(await verify(x))).toEqual(['2:modified', '3:missing', '4:broken_link', '6:head_mismatch']);
    } finally {
      await x.close();
    }
  });

  it('catches the newest row deleted, naming the tail', async () => {
    const x = await freshLog(5);
    try {
      expect((await verify(x)).ok).toBe(true);
      await tamper(x.database.db, 'DELETE FROM audit_log WHERE id = 5');
      const r = await verify(x);
      expect(r.ok).toBe(false);
      expect(r.lastId).toBe(4);
      expect(r.problems).toContainEqual(expect.objectContaining({ id: 5, kind: 'tail_missing', message: expect.stringMatching(/rows 5–5 at the tail are missing.*5 rows up to id 5/) }));
      expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'head_mismatch', message: 'the head records 5 rows, the table has 4' }));
    } finally {
      await x.close();
    }
  });

  it('catches every row deleted', async () => {
    const x = await freshLog(3);
    try {
      await tamper(x.database.db, 'DELETE FROM audit_log');
      const r = await verify(x);
      expect(r.ok).toBe(false);
      expect(r.checked).toBe(0);
      expect(r.problems).toContainEqual(expect.objectContaining({ id: 1, kind: 'tail_missing', message: expect.stringContaining('every row is missing') }));
    } finally {
      await x.close();
    }
  });

  it('catches the tail deleted and the head rolled back by hand: the head fails its MAC, appends stop until an operator re-anchors', async () => {
    const x = await freshLog(4);
    try {
      const row3 = await x.database.db.selectFrom('audit_log').select('hash').where('id', '=', 3).executeTakeFirstOrThrow();
      await tamper(x.database.db, 'DELETE FROM audit_log WHERE id = 4', `UPDATE audit_head SET last_id = 3, row_count = 3, last_hash = '${row3.hash}'`);
      expect(kinds(await verify(x))).toEqual(['3:head_mismatch']);
      // The app does not append onto (and re-MAC) a forged head: that would launder the deletion.
      await expect(appendRows(x, 1)).rejects.toMatchObject({ code: 'unavailable' });
      await tamper(x.database.db, 'DELETE FROM audit_head');
      expect(kinds(await verify(x))).toEqual(['3:head_mismatch']);
      expect((await verify(x)).problems[0]?.message).toContain('missing');

      // The operator's way back after keeping the evidence: the head moves to the table's end and a row records it.
      await reanchorAuditChain(x.database, systemContext(x.deps, x.app.log));
      const cp = await checkpoint(x);
      const record = await x.database.db.selectFrom('audit_log').selectAll().where('id', '=', 4).executeTakeFirstOrThrow();
      expect(record).toMatchObject({ entity: 'audit_chain', actor_name: 'cli:audit-checkpoint --reanchor', before: null, after: expect.objectContaining({ lastId: 3, rowCount: 3 }) });
      await appendRows(x, 1);
      expect(await verify(x, [cp])).toMatchObject({ ok: true, checked: 5 });
    } finally {
      await x.close();
    }
  });

  it('catches a row edited and every later hash recomputed with plain SM3, as an attacker without the key would', async () => {
    const x = await freshLog(5);
    try {
      // The attacker rewrites row 2 and re-chains 2..5 with SM3 over the same canonical fields, labelled
      // as the legacy unkeyed scheme so a naive verifier would accept them, and moves the head along.
      const rows = await x.database.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
      let prev = rows[0]?.hash ?? GENESIS_HASH;
      const statements: string[] = [];
      for (const row of rows.slice(1)) {
        const after = row.id === 2 ? { note: 'rewritten', i: 1 } : row.after;
        const fields = {
          id: row.id, at: new Date(row.at).toISOString(), actorId: row.actor_id, actorName: row.actor_name, action: row.action,
          entity: row.entity, entityId: row.entity_id, areaId: row.area_id, ip: row.ip, requestId: row.request_id,
          before: row.before ?? null, after: after ?? null, prevHash: prev, alg: 'sm3',
        };
        const hash = hashHex('sm3', canonicalJson(fields));
        statements.push(`UPDATE audit_log SET after = '${JSON.stringify(after)}', prev_hash = '${prev}', hash = '${hash}', hash_alg = 'sm3' WHERE id = ${row.id}`);
        prev = hash;
      }
      statements.push(`UPDATE audit_head SET last_hash = '${prev}'`);
      await tamper(x.database.db, ...statements);
      const r = await verify(x);
      expect(r.ok).toBe(false);
      expect(kinds(r)).toEqual(['2:modified', '3:modified', '4:modified', '5:modified', '5:head_mismatch']);
      expect(r.problems[0]?.message).toContain('unkeyed hash after keyed rows');

      // Going further: every row rewritten unkeyed and the head stripped of its MAC, as if never anchored.
      const first = rows[0];
      if (!first) throw new Error('no rows');
      const firstFields = {
        id: 1, at: new Date(first.at).toISOString(), actorId: first.actor_id, actorName: first.actor_name, action: first.action,
        entity: first.entity, entityId: first.entity_id, areaId: first.area_id, ip: first.ip, requestId: first.request_id,
        before: first.before ?? null, after: first.after ?? null, prevHash: GENESIS_HASH, alg: 'sm3',
      };
      await tamper(x.database.db, `UPDATE audit_log SET hash = '${hashHex('sm3', canonicalJson(firstFields))}', hash_alg = 'sm3' WHERE id = 1`, 'UPDATE audit_head SET mac = NULL, mac_alg = NULL');
      const stripped = await verify(x);
      expect(stripped.ok).toBe(false);
      expect(stripped.problems).toContainEqual(expect.objectContaining({ kind: 'head_mismatch', message: expect.stringContaining('has no MAC') }));
      // …and the app refuses to anchor it by appending.
      await expect(appendRows(x, 1)).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      await x.close();
    }
  });

  it('catches a rollback to an earlier state with a later checkpoint', async () => {
    const x = await freshLog(3);
    try {
      const earlier = await checkpoint(x);
      const earlierHead = await x.database.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      await appendRows(x, 3, 'later');
      x.clock.advanceMinutes(60);
      const later = await checkpoint(x);
      expect(later).toMatchObject({ lastId: 6, rowCount: 6 });
      expect((await verify(x, [earlier, later])).ok).toBe(true);

      // Restore the database as it was at the earlier checkpoint: a consistent, correctly MACed state.
      await tamper(
        x.database.db,
        'DELETE FROM audit_log WHERE id > 3',
        `UPDATE audit_head SET last_id = ${earlierHead.last_id}, last_hash = '${earlierHead.last_hash}', row_count = ${earlierHead.row_count}, mac = '${earlierHead.mac}'`,
      );
      // Alone, the database cannot tell (this is what checkpoints are for)…
      expect((await verify(x)).ok).toBe(true);
      expect((await verify(x, [earlier])).ok).toBe(true);
      // …the later checkpoint can.
      const r = await verify(x, [earlier, later]);
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => p.kind)).toEqual(['checkpoint_mismatch', 'checkpoint_mismatch']);
      expect(r.problems[0]?.message).toMatch(/^checkpoint cp2\.json \(row 6, .*\): row 6 is gone/);
      expect(r.problems[1]?.message).toContain('the head (3 rows up to id 3) is behind the checkpoint (6 rows)');
    } finally {
      await x.close();
    }
  });

  it('catches a rewrite behind a checkpoint, and refuses forged or foreign checkpoints', async () => {
    const x = await freshLog(4);
    try {
      const cp = await checkpoint(x);
      expect(checkpointSignatureValid(cp, x.deps.config.auditKey)).toBe(true);
      const forged = { ...cp, lastHash: 'a'.repeat(64) };
      expect(checkpointSignatureValid(forged, x.deps.config.auditKey)).toBe(false);
      expect(kinds(await verify(x, [forged]))).toEqual(['4:checkpoint_mismatch']);
      expect(checkpointSignatureValid(cp, Buffer.alloc(32, 9))).toBe(false);

      await tamper(x.database.db, `UPDATE audit_log SET hash = '${'b'.repeat(64)}' WHERE id = 4`);
      const r = await verify(x, [cp]);
      expect(r.problems).toContainEqual(expect.objectContaining({ id: 4, kind: 'checkpoint_mismatch', message: expect.stringContaining('row 4 has a different hash') }));
    } finally {
      await x.close();
    }
  });

  it('refuses a checkpoint of a tampered or empty log', async () => {
    const empty = await freshLog(0);
    try {
      await expect(checkpoint(empty)).rejects.toMatchObject({ code: 'conflict', message: '审计日志尚无记录，无法生成检查点' });
      expect((await verify(empty)).ok).toBe(true);
      // The same once a migrating process has given the empty head its MAC.
      expect(await anchorAuditChainAfterMigration(empty.database, empty.deps.config, ['0006_audit_anchor'])).toBe(true);
      await expect(checkpoint(empty)).rejects.toMatchObject({ code: 'conflict', message: '审计日志尚无记录，无法生成检查点' });
      expect(await verify(empty)).toMatchObject({ ok: true, head: { sealed: true, rowCount: 0 } });
      await appendRows(empty, 2);
      await tamper(empty.database.db, 'DELETE FROM audit_log WHERE id = 2');
      await expect(checkpoint(empty)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('末尾与链头不符') });
    } finally {
      await empty.close();
    }
  });

  it('keeps unkeyed rows of an existing install verifiable once the migrating process anchors them', async () => {
    const x = await createTestApp({}, { seed: false });
    try {
      // As before 0006: three rows with plain SM3 hashes; the migration recorded the tail, no MAC.
      let prev = GENESIS_HASH;
      const statements: string[] = [];
      for (let id = 1; id <= 3; id += 1) {
        const fields = {
          id, at: '2026-01-01T00:00:00.000Z', actorId: null, actorName: 'system', action: 'create', entity: 'legacy', entityId: String(id),
          areaId: null, ip: null, requestId: null, before: null, after: null, prevHash: prev, alg: 'sm3',
        };
        const hash = hashHex('sm3', canonicalJson(fields));
        statements.push(`INSERT INTO audit_log (id, at, actor_name, action, entity, entity_id, prev_hash, hash, hash_alg) VALUES (${id}, '${fields.at}', 'system', 'create', 'legacy', '${id}', '${prev}', '${hash}', 'sm3')`);
        prev = hash;
      }
      statements.push(`UPDATE audit_head SET last_id = 3, row_count = 3, last_hash = '${prev}'`);
      await tamper(x.database.db, ...statements);

      // Not anchored yet: verify says so and the app will not anchor it by appending.
      expect((await verify(x)).problems).toEqual([expect.objectContaining({ kind: 'head_mismatch', message: expect.stringContaining('has no MAC') })]);
      await expect(appendRows(x, 1)).rejects.toMatchObject({ code: 'unavailable' });
      // Only the process that applied 0006 anchors.
      expect(await anchorAuditChainAfterMigration(x.database, x.deps.config, [])).toBe(false);
      expect(await anchorAuditChainAfterMigration(x.database, x.deps.config, ['0006_audit_anchor'])).toBe(true);
      expect(await sealAuditHead(x.database.db, x.deps.config)).toBe(false);

      await appendRows(x, 2);
      const algs = await x.database.db.selectFrom('audit_log').select('hash_alg').orderBy('id').execute();
      expect(algs.map((r) => r.hash_alg)).toEqual(['sm3', 'sm3', 'sm3', 'hmac-sm3', 'hmac-sm3']);
      expect(await verify(x)).toMatchObject({ ok: true, checked: 5 });

      // The last unkeyed row rewritten with a fresh plain SM3 hash: the keyed row after it no longer links.
      const row2 = await x.database.db.selectFrom('audit_log').select('hash').where('id', '=', 2).executeTakeFirstOrThrow();
      const rewritten = hashHex('sm3', canonicalJson({
        id: 3, at: '2026-01-01T00:00:00.000Z', actorId: null, actorName: 'system', action: 'create', entity: 'legacy', entityId: '99',
        areaId: null, ip: null, requestId: null, before: null, after: null, prevHash: row2.hash, alg: 'sm3',
      }));
      await tamper(x.database.db, `UPDATE audit_log SET entity_id = '99', hash = '${rewritten}' WHERE id = 3`);
      expect(kinds(await verify(x))).toEqual(['4:broken_link']);
    } finally {
      await x.close();
    }
  });

  it('chains with HMAC-SHA256 when configured, and still verifies', async () => {
    const sha = await createTestApp({ auditHash: 'sha256' });
    try {
      await loginAs(sha.app, 'admin');
      const rows = await sha.database.db.selectFrom('audit_log').select(['hash_alg', 'hash']).execute();
      expect(new Set(rows.map((r) => r.hash_alg))).toEqual(new Set(['hmac-sha256']));
      expect((await verifyAuditChain(sha.database.db, sha.deps.config.auditKey)).ok).toBe(true);
    } finally {
      await sha.close();
    }
  });
});

describe('GET /api/audit/checkpoint', () => {
  it('gives the audit admin a signed checkpoint, and nobody else', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/audit/checkpoint' })).statusCode).toBe(401);
    const admin = await loginAs(t.app, 'admin');
    expect((await t.app.inject({ method: 'GET', url: '/api/audit/checkpoint', headers: { cookie: admin.cookie } })).statusCode).toBe(403);

    const auditor = await loginAs(t.app, 'auditor');
    const res = await t.app.inject({ method: 'GET', url: '/api/audit/checkpoint', headers: { cookie: auditor.cookie } });
    expect(res.statusCode).toBe(200);
    const cp = auditCheckpointSchema.parse(res.json());
    const head = await t.database.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    expect(cp).toMatchObject({ lastId: head.last_id, lastHash: head.last_hash, rowCount: head.row_count, alg: 'sm2-sm3' });
    expect(checkpointSignatureValid(cp, t.deps.config.auditKey)).toBe(true);
    expect((await verify(t, [cp])).ok).toBe(true);
  });
});

describe.skipIf(Boolean(process.env.DATABASE_URL))('npm run audit:verify and audit:checkpoint', () => {
  it('exit 0 on an intact embedded database, 2 after a row is edited or the tail is cut behind a checkpoint', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'redgrid-audit-'));
    try {
      const config = testConfig({ dataDir, databaseUrl: null });
      const opened = await openConfiguredDatabase(config);
      await anchorAuditChainAfterMigration(opened.database, config, await migrate(opened.database));
      const deps = { config, database: opened.database, cipher: new FieldCipher(config.dataKeys), clock: () => new Date() };
      await seedDemo(systemContext(deps, t.app.log));
      await opened.close();

      const cli = (name: string) => fileURLToPath(new URL(`../cli/${name}.ts`, import.meta.url));
      const { DATABASE_URL: _ignored, ...env } = process.env;
      // The CLI derives the demo audit key from the data key, as a demo install does; the test's fixed key goes in by env.
      const cliEnv = { ...env, REDGRID_DATA_DIR: dataDir, REDGRID_AUDIT_KEY: config.auditKey.toString('hex') };
      const run = (name: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', cli(name), ...args], { env: cliEnv, encoding: 'utf8', timeout: 90_000 });

      const cpFile = path.join(dataDir, 'checkpoint.json');
      const made = run('audit-checkpoint', '--out', cpFile);
      expect(made.status, made.stderr).toBe(0);
      const cp = auditCheckpointSchema.parse(JSON.parse(readFileSync(cpFile, 'utf8')));
      expect(checkpointSignatureValid(cp, config.auditKey)).toBe(true);

      const ok = run('audit-verify', '--checkpoint', cpFile);
      expect(ok.stdout, ok.stderr).toContain('audit chain intact');
      expect(ok.stdout).toContain('1 checkpoint(s) confirmed');
      expect(ok.status).toBe(0);

      const again = await openConfiguredDatabase(config);
      await tamper(again.database.db, `UPDATE audit_log SET actor_name = 'someone-else' WHERE id = 1`, `DELETE FROM audit_log WHERE id = ${cp.lastId}`);
      await again.close();
      const bad = run('audit-verify', '--checkpoint', cpFile);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('#1 modified');
      expect(bad.stderr).toContain(`#${cp.lastId} tail_missing`);
      expect(bad.stderr).toContain(`#${cp.lastId} checkpoint_mismatch: checkpoint checkpoint.json`);
      expect(bad.stderr).not.toContain('someone-else');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
