import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../boot.ts';
import { testConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { seedDemo } from '../db/seed/demo.ts';
import type { DB } from '../db/types.ts';
import { createTestApp, loginAs, type TestApp } from '../../test/harness.ts';
import { verifyAuditChain } from './audit.ts';
import { FieldCipher } from './crypto.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await loginAs(t.app, 'zb_admin');
  await loginAs(t.app, 'qsy_admin');
  await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'zb_admin', password: 'wrong-Pass1' } });
});
afterAll(async () => t?.close());

/** What an attacker with database access does: switch the append-only guard off, change, switch it on. */
async function tamper(db: Kysely<DB>, statement: string) {
  await sql.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update').execute(db);
  await sql.raw(statement).execute(db);
  await sql.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update').execute(db);
}

describe('audit trail', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(sql`UPDATE audit_log SET actor_name = 'x' WHERE id = 1`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE id = 1`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
  });

  it('verifies intact, then finds an edited row and a deleted row', async () => {
    const intact = await verifyAuditChain(t.database.db);
    expect(intact).toMatchObject({ ok: true, problems: [] });
    expect(intact.checked).toBeGreaterThanOrEqual(4);

    await tamper(t.database.db, `UPDATE audit_log SET after = '{"reason":"nothing happened"}' WHERE id = 2`);
    const edited = await verifyAuditChain(t.database.db);
    expect(edited.ok).toBe(false);
    expect(edited.problems).toEqual([expect.objectContaining({ id: 2, kind: 'modified' })]);

    await tamper(t.database.db, 'DELETE FROM audit_log WHERE id = 3');
    const deleted = await verifyAuditChain(t.database.db);
    expect(deleted.problems.map((p) => `${p.id}:${p.kind}`)).toEqual(['2:modified', '3:missing', '4:broken_link']);
  });

  it('chains with SHA-256 when configured, and still verifies', async () => {
    const sha = await createTestApp({ auditHash: 'sha256' });
    try {
      await loginAs(sha.app, 'admin');
      const rows = await sha.database.db.selectFrom('audit_log').select(['hash_alg', 'hash']).execute();
      expect(new Set(rows.map((r) => r.hash_alg))).toEqual(new Set(['sha256']));
      expect((await verifyAuditChain(sha.database.db)).ok).toBe(true);
    } finally {
      await sha.close();
    }
  });
});

describe.skipIf(Boolean(process.env.DATABASE_URL))('npm run audit:verify', () => {
  it('exits 0 on an intact embedded database and 2 after a row is edited', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'redgrid-audit-'));
    try {
      const config = testConfig({ dataDir, databaseUrl: null });
      const opened = await openConfiguredDatabase(config);
      await migrate(opened.database);
      const deps = { config, database: opened.database, cipher: new FieldCipher(config.dataKey), clock: () => new Date() };
      await seedDemo(systemContext(deps, t.app.log));
      await opened.close();

      const cli = fileURLToPath(new URL('../cli/audit-verify.ts', import.meta.url));
      const { DATABASE_URL: _ignored, ...env } = process.env;
      const run = () => spawnSync(process.execPath, ['--import', 'tsx', cli], { env: { ...env, REDGRID_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 90_000 });
      const ok = run();
      expect(ok.stdout, ok.stderr).toContain('audit chain intact');
      expect(ok.status).toBe(0);

      const again = await openConfiguredDatabase(config);
      await tamper(again.database.db, `UPDATE audit_log SET actor_name = 'someone-else' WHERE id = 1`);
      await again.close();
      const bad = run();
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('#1 modified');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
