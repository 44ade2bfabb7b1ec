import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemContext } from '../boot.ts';
import { useTestApp } from '../../test/harness.ts';
import { verifyAuditChain } from './audit.ts';
import { unrestricted } from './data-access.ts';
import { asSystem } from './unit-of-work.ts';

/**
 * A unit of work's audit rows: recorded by the use case as it goes, appended to the chain when the work
 * has finished, just before commit. What must hold: they commit with the change or not at all, in the
 * order recorded, with the values as they were when recorded, and the chain stays whole however many
 * units run at once.
 */

const ctx = useTestApp({}, { seed: false });
const system = () => systemContext(ctx.t.deps, ctx.t.app.log);
const db = () => ctx.t.database.db;

/** A change of the unit's own, beside its audit rows: a table only this file writes. */
async function probeTable(): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS uow_probe (note text PRIMARY KEY)`.execute(db());
}
const probes = async (prefix: string) =>
  (await sql<{ note: string }>`SELECT note FROM uow_probe WHERE note LIKE ${`${prefix}%`} ORDER BY note`.execute(db())).rows.map((r) => r.note);
const auditRows = (entity: string) =>
  db().selectFrom('audit_log').select(['id', 'action', 'entity_id as entityId', 'after', 'actor_name as actorName']).where('entity', '=', entity).orderBy('id').execute();
const head = () => db().selectFrom('audit_head').select(['last_id as lastId', 'row_count as rowCount']).executeTakeFirstOrThrow();

describe('a unit of work and its audit rows', () => {
  it('appends them with the change, in the order recorded, as they were when recorded', async () => {
    await probeTable();
    await asSystem(system(), async (unit) => {
      const note = { step: 1 };
      await unit.use((d) => sql`INSERT INTO uow_probe VALUES ('ordered')`.execute(unrestricted(d)));
      await unit.audit({ action: 'create', entity: 'uow_ordered', entityId: 'first', after: note });
      note.step = 2;
      await unit.audit({ action: 'update', entity: 'uow_ordered', entityId: 'second', after: note });
      await unit.audit({ action: 'delete', entity: 'uow_ordered', entityId: 'third' });
    });
    expect(await probes('ordered')).toEqual(['ordered']);
    const rows = await auditRows('uow_ordered');
    expect(rows.map((r) => [r.action, r.entityId, r.after, r.actorName])).toEqual([
      ['create', 'first', { step: 1 }, 'system'],
      ['update', 'second', { step: 2 }, 'system'],
      ['delete', 'third', null, 'system'],
    ]);
    expect(rows.map((r) => r.id - rows[0]!.id)).toEqual([0, 1, 2]);
    expect(await verifyAuditChain(db(), ctx.t.deps.config.auditKey)).toMatchObject({ ok: true, problems: [] });
  });

  it('appends nothing when the work throws, and the change rolls back with it', async () => {
    await probeTable();
    const before = await head();
    await expect(
      asSystem(system(), async (unit) => {
        await unit.use((d) => sql`INSERT INTO uow_probe VALUES ('thrown')`.execute(unrestricted(d)));
        await unit.audit({ action: 'create', entity: 'uow_thrown', entityId: 1 });
        throw new Error('the use case fails after recording its audit row');
      }),
    ).rejects.toThrow('the use case fails');
    expect(await probes('thrown')).toEqual([]);
    expect(await auditRows('uow_thrown')).toEqual([]);
    expect(await head()).toEqual(before);
    expect(await verifyAuditChain(db(), ctx.t.deps.config.auditKey)).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps the chain whole and each unit’s rows together when many units write at once', async () => {
    await probeTable();
    const units = 24;
    await Promise.all(
      Array.from({ length: units }, (_, i) =>
        asSystem(system(), async (unit) => {
          await unit.audit({ action: 'create', entity: 'uow_parallel', entityId: `${i}:a` });
          await unit.use((d) => sql`INSERT INTO uow_probe VALUES (${`parallel ${String(i).padStart(2, '0')}`})`.execute(unrestricted(d)));
          await unit.audit({ action: 'update', entity: 'uow_parallel', entityId: `${i}:b` });
        }),
      ),
    );
    expect(await probes('parallel')).toHaveLength(units);
    const rows = await auditRows('uow_parallel');
    expect(rows).toHaveLength(units * 2);
    for (let i = 0; i < units; i += 1) {
      const a = rows.find((r) => r.entityId === `${i}:a`)!;
      const b = rows.find((r) => r.entityId === `${i}:b`)!;
      expect(b.id).toBe(a.id + 1);
    }
    const verified = await verifyAuditChain(db(), ctx.t.deps.config.auditKey);
    expect(verified).toMatchObject({ ok: true, problems: [] });
    expect((await head()).rowCount).toBe(verified.checked);
  });

  it('refuses an audit row recorded after its unit has ended', async () => {
    let late: ((event: { action: string; entity: string }) => Promise<void>) | null = null;
    await asSystem(system(), async (unit) => {
      late = (event) => unit.audit(event);
    });
    await expect(late!({ action: 'create', entity: 'uow_late' })).rejects.toThrow('after its unit of work ended');
    expect(await auditRows('uow_late')).toEqual([]);
  });
});

// The embedded engine runs one transaction at a time: only PostgreSQL has other writers to keep waiting.
describe.skipIf(!process.env.DATABASE_URL)('the chain’s lock on PostgreSQL', () => {
  it('is not held while a unit’s work runs, only from its append to its commit', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let recorded!: () => void;
    const hasRecorded = new Promise<void>((resolve) => (recorded = resolve));
    const slow = asSystem(system(), async (unit) => {
      await unit.audit({ action: 'create', entity: 'uow_slow', entityId: 1 });
      recorded();
      await held;
    });
    await hasRecorded;
    // Another writer takes the head's lock without waiting while the first unit is still at work.
    const locked = await db()
      .transaction()
      .execute(async (tx) => (await sql<{ last_id: number }>`SELECT last_id FROM audit_head FOR UPDATE NOWAIT`.execute(tx)).rows.length);
    expect(locked).toBe(1);
    await asSystem(system(), (unit) => unit.audit({ action: 'create', entity: 'uow_quick', entityId: 1 }));
    release();
    await slow;
    const quick = (await auditRows('uow_quick'))[0]!;
    const slowRow = (await auditRows('uow_slow'))[0]!;
    // The unit that finished first holds the earlier place in the chain.
    expect(slowRow.id).toBeGreaterThan(quick.id);
    expect(await verifyAuditChain(db(), ctx.t.deps.config.auditKey)).toMatchObject({ ok: true, problems: [] });
  });
});
