import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { testConfig } from '../config.ts';
import { areaIdByCode, loginAs, useTestApp } from '../../test/harness.ts';
import { buildUser } from '../../test/factories.ts';
import type { AppDeps } from './context.ts';
import { FieldCipher, type KeyRing } from './crypto.ts';
import { rekey, type RekeyTarget } from './rekey.ts';
import { systemContext } from './unit-of-work.ts';

/**
 * A key rotation end to end on the real engine: accounts' phones under key A (the test config's,
 * id k1), the deployment moves to key B (id k2) with a new blind-index key, the job is stopped
 * half-way and fails once on a value no key opens, then resumes; afterwards every phone opens under
 * B alone, search by phone still finds its account, and a second run rewrites nothing.
 */

const KEY_A = testConfig().dataKeys.current.key;
const KEY_B = Buffer.from('8f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const KEY_X = Buffer.from('77777777777777777777777777777777', 'hex');
const INDEX_B = Buffer.alloc(32, 0x5b);

/** What the user module's front door names (`rekeyTargets`); platform tests do not import modules. */
const rekeyTargets: readonly RekeyTarget[] = [{ table: 'users', id: 'id', fields: [{ encrypted: 'phone_enc', blindIndex: 'phone_bidx' }] }];

const rotating: KeyRing = { current: { id: 'k2', key: KEY_B }, retired: [{ id: 'k1', key: KEY_A }], index: INDEX_B, retiredIndex: [] };
const rotated: KeyRing = { current: { id: 'k2', key: KEY_B }, retired: [], index: INDEX_B, retiredIndex: [] };

/** A phone as FieldCipher stored it before key rings: "sm4:<iv>:<ct>:<tag>". */
function legacyEncrypt(key: Buffer, plain: string): string {
  const macKey = createHmac('sm3', key).update('redgrid:field-mac').digest();
  const iv = randomBytes(16);
  const c = createCipheriv('sm4-cbc', key, iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return `sm4:${iv.toString('base64')}:${ct.toString('base64')}:${createHmac('sm3', macKey).update(iv).update(ct).digest().toString('base64')}`;
}

describe('rekey: rotating the data key and the blind-index key', () => {
  const ctx = useTestApp();

  const depsUnder = (ring: KeyRing): AppDeps => ({ ...ctx.t.deps, config: testConfig({ dataKeys: ring }), cipher: new FieldCipher(ring) });
  const phones = async () =>
    ctx.t.database.db.selectFrom('users').select(['id', 'username', 'phone_enc', 'phone_bidx']).where('phone_enc', 'is not', null).orderBy('id').execute();
  async function findsByPhone(ring: KeyRing, phone: string): Promise<string[]> {
    const app = await buildApp(depsUnder(ring), { logger: false });
    try {
      const admin = await loginAs(app, 'admin');
      const res = await app.inject({ method: 'GET', url: `/api/users?q=${phone}`, headers: admin.headers });
      expect(res.statusCode).toBe(200);
      return res.json<{ items: { username: string }[] }>().items.map((u) => u.username);
    } finally {
      await app.close();
    }
  }

  it('moves every phone under the new keys, resumably, and finds nothing to do afterwards', async () => {
    const { database, app } = ctx.t;
    // Accounts without a phone are walked past; one phone is in the format from before key rings.
    const home = await areaIdByCode(database, '320412001001');
    await buildUser(database, { username: 'no_phone_1', homeAreaId: home, roles: ['grid_worker'] });
    await buildUser(database, { username: 'no_phone_2', homeAreaId: home, roles: ['grid_worker'] });
    await database.db.updateTable('users').set({ phone_enc: legacyEncrypt(KEY_A, '13915000017') }).where('username', '=', 'dy_member').execute();
    const before = await phones();
    expect(before.length).toBeGreaterThanOrEqual(10);
    const plainA = new FieldCipher(KEY_A);
    const plain = new Map(before.map((r) => [r.username, plainA.decrypt(r.phone_enc ?? '')]));
    expect(plain.get('zb_worker')).toBe('13915000014');
    const total = await database.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

    // The deployment restarts under key B: search still finds the unmoved rows through the old index.
    const system = systemContext(depsUnder(rotating), app.log);
    expect(await findsByPhone(rotating, '13915000014')).toEqual(['zb_worker']);

    // Stopped after 4 batches of one row: 4 rows moved, the cursor kept.
    const stop = new AbortController();
    let seen = 0;
    const first = await rekey(system, rekeyTargets, {
      batchSize: 1,
      signal: stop.signal,
      onBatch: () => {
        seen += 1;
        if (seen === 4) stop.abort();
      },
    });
    expect(first).toMatchObject({ finished: false, resumed: false, batches: 4 });
    expect(first.targets.users).toMatchObject({ scanned: 4, done: false });
    const half = await phones();
    const moved = half.filter((r) => r.phone_enc?.startsWith('sm4:k2:'));
    expect(moved.length).toBe(first.targets.users?.rewritten);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(half.length);
    const job = await database.db.selectFrom('maintenance_jobs').selectAll().where('name', '=', 'rekey').executeTakeFirstOrThrow();
    expect(job.finished_at).toBeNull();
    expect(job.state).toMatchObject({ users: { cursor: first.targets.users?.cursor, scanned: 4 } });

    // Half-way, search finds moved and unmoved accounts alike.
    const movedName = moved[0]!.username;
    const unmoved = half.find((r) => r.phone_enc?.startsWith('sm4:k1:'))!;
    expect(await findsByPhone(rotating, plain.get(movedName)!)).toContain(movedName);
    expect(await findsByPhone(rotating, plain.get(unmoved.username)!)).toContain(unmoved.username);

    // A value no configured key opens fails its batch by row (no value in the message); nothing of
    // that batch is written, and the cursor stays where it was.
    const stranger = half.find((r) => r.id > Number(first.targets.users?.cursor) && r.phone_enc?.startsWith('sm4:k1:'))!;
    const strangerValue = new FieldCipher({ current: { id: 'k9', key: KEY_X }, retired: [], index: null, retiredIndex: [] }).encrypt('13900000000');
    await database.db.updateTable('users').set({ phone_enc: strangerValue }).where('id', '=', stranger.id).execute();
    const failed = rekey(system, rekeyTargets, { batchSize: 1000 });
    await expect(failed).rejects.toThrow(`rekey: users.phone_enc of id ${stranger.id}: SM4 field value is under data key "k9", which is not configured`);
    await expect(failed).rejects.not.toThrow(/13900000000/);
    const afterFailure = await database.db.selectFrom('maintenance_jobs').select(['state', 'finished_at']).where('name', '=', 'rekey').executeTakeFirstOrThrow();
    expect(afterFailure.state).toEqual(job.state);
    expect((await phones()).filter((r) => r.phone_enc?.startsWith('sm4:k2:')).length).toBe(moved.length);

    // Put the account's own phone back; the job resumes after its cursor and finishes.
    await database.db.updateTable('users').set({ phone_enc: stranger.phone_enc }).where('id', '=', stranger.id).execute();
    const second = await rekey(system, rekeyTargets, { batchSize: 3 });
    expect(second).toMatchObject({ finished: true, resumed: true });
    expect(second.targets.users).toMatchObject({ scanned: Number(total.n), rewritten: before.length, done: true });

    // Everything opens under B alone, with its index under the new index key.
    const onlyB = new FieldCipher(rotated);
    for (const r of await phones()) {
      expect(r.phone_enc?.startsWith('sm4:k2:'), r.username).toBe(true);
      expect(onlyB.decrypt(r.phone_enc ?? '')).toBe(plain.get(r.username));
      expect(r.phone_bidx).toBe(onlyB.blindIndex(plain.get(r.username) ?? ''));
    }
    expect(await findsByPhone(rotated, '13915000014')).toEqual(['zb_worker']);
    expect(await findsByPhone(rotated, '13915000017')).toEqual(['dy_member']);
    const done = await database.db.selectFrom('maintenance_jobs').selectAll().where('name', '=', 'rekey').executeTakeFirstOrThrow();
    expect(done.finished_at).not.toBeNull();

    // A second run walks again and finds nothing to rewrite.
    const again = await rekey(systemContext(depsUnder(rotated), app.log), rekeyTargets);
    expect(again).toMatchObject({ finished: true, resumed: false, batches: 1 });
    expect(again.targets.users).toMatchObject({ scanned: Number(total.n), rewritten: 0, done: true });

    // The runs are in the audit trail, without any value.
    const audit = await database.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'maintenance_job').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['rekey_start', 'rekey_finish', 'rekey_start', 'rekey_finish']);
    expect(JSON.stringify(audit)).not.toMatch(/139\d{8}/);
  });

  it('handles several fields, a field without index, nulls, a text id and a table no area owns', async () => {
    const { database, app } = ctx.t;
    await sql`CREATE TABLE rekey_probe (code text PRIMARY KEY, id_enc text, id_bidx text, note_enc text)`.execute(database.db);
    const a = new FieldCipher(KEY_A);
    const rows = Array.from({ length: 7 }, (_, i) => ({
      code: `c-${String.fromCharCode(97 + i)}`,
      id: `32041219900101${String(1000 + i)}`,
      note: i % 3 === 0 ? null : `备注${i}`,
    }));
    for (const r of rows) {
      await sql`INSERT INTO rekey_probe VALUES (${r.code}, ${a.encrypt(r.id)}, ${a.blindIndex(r.id)}, ${r.note === null ? null : a.encrypt(r.note)})`.execute(database.db);
    }
    const target: RekeyTarget = { table: 'rekey_probe', id: 'code', fields: [{ encrypted: 'id_enc', blindIndex: 'id_bidx' }, { encrypted: 'note_enc' }] };
    const system = systemContext(depsUnder(rotating), app.log);
    const stop = new AbortController();
    const first = await rekey(system, [target], { job: 'probe', batchSize: 2, signal: stop.signal, onBatch: () => stop.abort() });
    expect(first).toMatchObject({ finished: false, targets: { rekey_probe: { cursor: 'c-b', scanned: 2, rewritten: 2 } } });
    const done = await rekey(system, [target], { job: 'probe', batchSize: 2 });
    expect(done).toMatchObject({ finished: true, resumed: true, targets: { rekey_probe: { scanned: 7, rewritten: 7, done: true } } });

    const onlyB = new FieldCipher(rotated);
    const { rows: stored } = await sql<{ code: string; id_enc: string; id_bidx: string; note_enc: string | null }>`SELECT * FROM rekey_probe ORDER BY code`.execute(database.db);
    for (const [i, r] of stored.entries()) {
      expect(onlyB.decrypt(r.id_enc)).toBe(rows[i]!.id);
      expect(r.id_bidx).toBe(onlyB.blindIndex(rows[i]!.id));
      expect(r.note_enc === null ? null : onlyB.decrypt(r.note_enc)).toBe(rows[i]!.note);
    }
    expect((await rekey(system, [target], { job: 'probe' })).targets.rekey_probe).toMatchObject({ scanned: 7, rewritten: 0 });
  });

  it('is refused on a context that came from a request', async () => {
    const { makeContext } = await import('./unit-of-work.ts');
    const requestCtx = makeContext(ctx.t.deps, { actor: null, scope: null, log: ctx.t.app.log, requestId: 'req-1', ip: null });
    await expect(rekey(requestCtx, rekeyTargets)).rejects.toThrow(/asSystem is for work no person started/);
  });
});
