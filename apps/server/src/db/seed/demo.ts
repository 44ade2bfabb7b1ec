import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { AreaLevel } from '@redgrid/contracts';
import { actorFromRoles, scopeFromRoles, type AppDeps, type RequestContext } from '../../platform/context.ts';
import { appendAudit } from '../../platform/audit.ts';
import { maskPhone } from '../../platform/crypto.ts';
import { hashPassword } from '../../platform/password.ts';
import { inTransaction, type Tx } from '../../platform/transaction.ts';
import { withActor } from '../../platform/unit-of-work.ts';
import { listRolesOfUser } from '../../modules/auth/auth.repository.ts';
import { importEdition, listEditions } from '../../modules/division/index.ts';
import { buildDemoGeography, DEMO_SEED, type DemoAreaInput } from '../../modules/geo/demo-geometry.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';
import { planBuildings } from './demo-buildings.ts';

/** Changzhou Jingkai District: the statistical data still files its streets and towns under 武进区 320412. */
export const JINGKAI_TOWNSHIPS = ['320412001000', '320412002000', '320412003000', '320412104000', '320412105000', '320412106000'];
export const JINGKAI_DISTRICT_CODE = '320412000000';

interface DivisionRow {
  code: string;
  name: string;
  level: string;
  parent_code: string;
}

/**
 * The division code library's demo editions: real NBS statistical division files bundled in ./data.
 * 2021 is the file the district comes from (常州市, 5 levels, 1,140 rows; from
 * github.com/liyanjie2048/AdministrativeDivisionCn, MIT). 2023 is there to compare it with: 常州市 to
 * township level, 75 rows, cut from the 2023 national 4-level file of
 * github.com/modood/Administrative-divisions-of-China (WTFPL) — its header, 江苏省 and every row whose
 * code starts with 3204, unchanged (shared/data/divisions/china_4level_2023.csv beside the repository).
 */
export const DEMO_EDITIONS = [
  { name: '2021', file: 'changzhou_3204_5level_2021.csv' },
  { name: '2023', file: 'changzhou_3204_4level_2023.csv' },
] as const;

const LEVELS: Record<string, AreaLevel> = { '1': 'province', '2': 'city', '3': 'district', '4': 'street', '5': 'community' };

/** The demo's area rows, top-down: province, city, the district, its 6 townships and their communities/villages. */
export function jingkaiDivisions(): { code: string; name: string; level: AreaLevel; parentCode: string | null }[] {
  const csv = readFileSync(new URL('./data/changzhou_3204_5level_2021.csv', import.meta.url), 'utf8');
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as DivisionRow[];
  const townships = new Set(JINGKAI_TOWNSHIPS);
  const picked = rows.filter(
    (r) => r.code === '320000000000' || r.code === '320400000000' || r.code === JINGKAI_DISTRICT_CODE || townships.has(r.code) || townships.has(r.parent_code),
  );
  return picked.map((r) => ({
    code: r.code,
    // The demo shows the district by the name its people use; the code stays the statistical one.
    name: r.code === JINGKAI_DISTRICT_CODE ? '常州经开区' : r.name,
    level: LEVELS[r.level] ?? 'community',
    parentCode: r.parent_code || null,
  }));
}

export async function isSeeded(deps: AppDeps): Promise<boolean> {
  const row = await deps.database.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return row.n > 0;
}

export interface DemoSeedCounts {
  areas: number;
  users: number;
  grids: number;
  buildings: number;
  /** Names of the library editions loaded. */
  editions: string[];
}

/**
 * Seeds the demo district once (deterministic: same rows every time), then the library's editions.
 * The district goes in one transaction, so a start killed half-way seeds again from nothing on the
 * next start. The editions follow it (see seedDemoEditions); `editions: false` leaves them out. A
 * start killed between the two keeps the district without editions (isSeeded counts accounts only):
 * 导入版本 on the 区划代码库 page loads the same files.
 */
export async function seedDemo(ctx: RequestContext, { editions = true }: { editions?: boolean } = {}): Promise<DemoSeedCounts> {
  const district = await seedDistrict(ctx);
  return { ...district, editions: editions ? await seedDemoEditions(ctx) : [] };
}

/**
 * Loads DEMO_EDITIONS into the division code library, through the same import as an upload, as the
 * demo's system admin: importing needs `division.manage`, and the edition and its audit row name who
 * loaded it. Each import is its own transaction (importEdition opens one), so this runs after the
 * district has committed. An edition whose name is taken is left alone (an operator may have replaced
 * it), so running this again loads nothing. Answers the names loaded.
 */
export async function seedDemoEditions(ctx: RequestContext): Promise<string[]> {
  const admin = await demoAdminContext(ctx);
  const existing = new Set((await listEditions(admin)).items.map((e) => e.name));
  const loaded: string[] = [];
  for (const e of DEMO_EDITIONS) {
    if (existing.has(e.name)) continue;
    const bytes = readFileSync(new URL(`./data/${e.file}`, import.meta.url));
    const report = await importEdition(admin, bytes, { name: e.name, source: e.file, replace: false, dryRun: false });
    if (!report.applied) throw new Error(`demo edition ${e.name}: ${report.message}`);
    loaded.push(e.name);
  }
  return loaded;
}

/** A context acting as the demo's system admin, built the way a login builds one. */
async function demoAdminContext(ctx: RequestContext): Promise<RequestContext> {
  const account = DEMO_ACCOUNTS.find((a) => a.roles.includes('system_admin'));
  if (!account) throw new Error('no demo system admin');
  const user = await ctx.database.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', account.username).executeTakeFirstOrThrow();
  const roles = await listRolesOfUser(ctx.database.db, user.id);
  const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.display_name }, roles, { mustChangePassword: false, sessionId: null });
  return withActor(ctx, actor, scopeFromRoles(roles));
}

async function seedDistrict(ctx: RequestContext): Promise<Omit<DemoSeedCounts, 'editions'>> {
  const divisions = jingkaiDivisions();
  const hashes = new Map<string, string>();
  for (const a of DEMO_ACCOUNTS) if (!hashes.has(a.password)) hashes.set(a.password, await hashPassword(a.password));
  return inTransaction(ctx, async (tx) => {
    const ids = new Map<string, number>();
    for (const [i, d] of divisions.entries()) {
      const parentId = d.parentCode ? ids.get(d.parentCode) ?? null : null;
      const row = await tx
        .insertInto('areas')
        .values({ code: d.code, name: d.name, level: d.level, parent_id: parentId, sort_order: i })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name }))
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.set(d.code, row.id);
    }
    const geography = await seedGeography(tx, ctx, divisions, ids);
    for (const a of DEMO_ACCOUNTS) {
      const areaId = ids.get(a.areaCode);
      if (areaId === undefined) throw new Error(`demo account ${a.username}: area ${a.areaCode} missing`);
      const user = await tx
        .insertInto('users')
        .values({
          username: a.username,
          display_name: a.displayName,
          password_hash: hashes.get(a.password) ?? '',
          phone_enc: ctx.cipher.encrypt(a.phone),
          phone_bidx: ctx.cipher.blindIndex(a.phone),
          phone_masked: maskPhone(a.phone),
          home_area_id: areaId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('role_assignments').values(a.roles.map((role) => ({ user_id: user.id, role, area_id: areaId }))).execute();
    }
    await appendAudit(tx, ctx, {
      action: 'create',
      entity: 'demo_seed',
      actorOverride: { id: null, name: 'system' },
      after: { areas: divisions.length, ...geography, users: DEMO_ACCOUNTS.map((a) => a.username) },
    });
    return { areas: divisions.length, users: DEMO_ACCOUNTS.length, ...geography };
  });
}

/**
 * Boundaries for the district, its townships and communities, 295 grids and their buildings:
 * synthetic shapes around the real location, drawn by buildDemoGeography, inserted in bulk.
 */
async function seedGeography(
  tx: Tx,
  ctx: RequestContext,
  divisions: ReturnType<typeof jingkaiDivisions>,
  ids: Map<string, number>,
): Promise<{ grids: number; buildings: number }> {
  const input: DemoAreaInput[] = divisions.flatMap((d) =>
    d.level === 'district' || d.level === 'street' || d.level === 'community' ? [{ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode }] : [],
  );
  const geo = buildDemoGeography(input);
  const now = ctx.clock();
  const districtId = ids.get(JINGKAI_DISTRICT_CODE);
  if (districtId === undefined) throw new Error('demo district missing');
  const change = await tx
    .insertInto('area_changes')
    .values({ kind: 'seed', at: now, actor_id: null, area_id: districtId, summary: JSON.stringify({ grids: geo.grids.length, plantedOutliers: geo.plantedOutliers }) })
    .returning('id')
    .executeTakeFirstOrThrow();

  const grids = await sql<{ id: number; code: string }>`
    INSERT INTO areas (code, name, level, parent_id, grid_type, households, sort_order)
    SELECT t.code, t.name, 'grid', t.parent_id, 'comprehensive', t.households, t.ord
      FROM unnest(${geo.grids.map((g) => g.code)}::text[], ${geo.grids.map((g) => g.name)}::text[],
                  ${geo.grids.map((g) => ids.get(g.communityCode) ?? 0)}::bigint[], ${geo.grids.map((g) => g.households)}::int[])
           WITH ORDINALITY AS t(code, name, parent_id, households, ord)
    RETURNING id, code`.execute(tx);
  for (const g of grids.rows) ids.set(g.code, g.id);

  const shapes: [number, string][] = [
    ...[...geo.boundaries].map(([code, geometry]): [number, string] => [ids.get(code) ?? 0, JSON.stringify(geometry)]),
    ...geo.grids.map((g): [number, string] => [ids.get(g.code) ?? 0, JSON.stringify(g.geometry)]),
  ];
  await sql`
    INSERT INTO area_boundaries (area_id, geom, valid_from, change_id)
    SELECT t.area_id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(t.geojson), 4326)), ${now}, ${change.id}
      FROM unnest(${shapes.map((s) => s[0])}::bigint[], ${shapes.map((s) => s[1])}::text[]) AS t(area_id, geojson)`.execute(tx);

  const buildings = geo.grids.flatMap((g) => planBuildings(g.code, g.households, g.geometry, DEMO_SEED).map((b) => ({ ...b, parentId: ids.get(g.code) ?? 0 })));
  await sql`
    INSERT INTO areas (code, name, level, parent_id, households, location, sort_order)
    SELECT t.code, t.name, 'building', t.parent_id, t.households, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326), t.ord
      FROM unnest(${buildings.map((b) => b.code)}::text[], ${buildings.map((b) => b.name)}::text[], ${buildings.map((b) => b.parentId)}::bigint[],
                  ${buildings.map((b) => b.households)}::int[], ${buildings.map((b) => b.lng)}::float8[], ${buildings.map((b) => b.lat)}::float8[])
           WITH ORDINALITY AS t(code, name, parent_id, households, lng, lat, ord)`.execute(tx);
  return { grids: geo.grids.length, buildings: buildings.length };
}
