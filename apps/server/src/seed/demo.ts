import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import type { AreaLevel } from '@redgrid/contracts';
import { actorFromRoles, scopeFromRoles, type RequestContext } from '../platform/context.ts';
import { listOwnRoles } from '../platform/cross-scope.repository.ts';
import { maskPhone } from '../platform/crypto.ts';
import { beijingDate } from '../platform/tabular/index.ts';
import { hashPassword } from '../platform/password.ts';
import { asSystem, withActor } from '../platform/unit-of-work.ts';
import { seedAffairsCatalogue } from '../modules/affairs/index.ts';
import { discardPrepared, prepareAttachment } from '../modules/attachment/index.ts';
import { seedDemoCases, type DemoCaseCounts } from '../modules/case/index.ts';
import { seedDistrict } from '../modules/area/index.ts';
import { seedOpen311DemoKey } from '../modules/open311/index.ts';
import { seedDemoResidents, type ResidentSeedCounts } from '../modules/basedata/index.ts';
import { importEdition, listEditions } from '../modules/division/index.ts';
import { buildDemoGeography, DEMO_SEED, type DemoAreaInput } from '../modules/geo/index.ts';
import { countAccounts, findAccount, seedAccounts } from '../modules/user/index.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';
import { planDemoDepartments, seedDemoDepartments } from './demo-departments.ts';
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

/** Whether the demo has been seeded: any account at all means it has (or an operator set the system up). */
export async function isSeeded(ctx: RequestContext): Promise<boolean> {
  return (await asSystem(ctx, countAccounts)) > 0;
}

/**
 * Communities whose every household is in the demo with its members (站北社区 of 戚墅堰街道 and
 * 蓝山湖社区 of 丁堰街道, where the demo grid workers are); the rest of the district has buildings and
 * household counts only.
 */
export const DEMO_RESIDENT_COMMUNITIES = ['320412001001', '320412002002'];
/** The grid worker whose visits this month the demo shows. */
const DEMO_RESIDENT_VISITOR = 'zb_worker';

export interface DemoSeedCounts {
  residents: ResidentSeedCounts;
  areas: number;
  users: number;
  grids: number;
  buildings: number;
  /** Names of the library editions loaded. */
  editions: string[];
  /** The demo quarter of cases (none when left out). */
  cases: DemoCaseCounts;
}

/**
 * Seeds the demo district once (deterministic: same rows every time), then the library's editions.
 * The district goes in one transaction, so a start killed half-way seeds again from nothing on the
 * next start. The editions follow it (see seedDemoEditions); `editions: false` leaves them out. A
 * start killed between the two keeps the district without editions (isSeeded counts accounts only):
 * 导入版本 on the 区划代码库 page loads the same files.
 */
export async function seedDemo(ctx: RequestContext, { editions = true, residents = true, cases = residents }: { editions?: boolean; residents?: boolean; cases?: boolean } = {}): Promise<DemoSeedCounts> {
  const district = await seedDemoDistrict(ctx, residents, cases);
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
  const { user, roles } = await asSystem(ctx, async (unit) => {
    const user = await findAccount(unit, account.username);
    if (!user) throw new Error(`demo system admin ${account.username} missing`);
    return { user, roles: await unit.use((db) => listOwnRoles(db, user.id)) };
  });
  const actor = actorFromRoles({ id: user.id, username: user.username, displayName: user.displayName }, roles, { mustChangePassword: false, sessionId: null });
  return withActor(ctx, actor, scopeFromRoles(roles));
}

/**
 * The district, its geography and the accounts, in one transaction: divisions, then boundaries for
 * the district, its townships and communities, 295 grids and their buildings (synthetic shapes around
 * the real location, drawn by buildDemoGeography), then the accounts and their roles, then one audit row.
 */
async function seedDemoDistrict(ctx: RequestContext, withResidents: boolean, withCases: boolean): Promise<Omit<DemoSeedCounts, 'editions'>> {
  const divisions = jingkaiDivisions();
  const hashes = new Map<string, string>();
  for (const a of DEMO_ACCOUNTS) if (!hashes.has(a.password)) hashes.set(a.password, await hashPassword(a.password));
  const input: DemoAreaInput[] = divisions.flatMap((d) =>
    d.level === 'district' || d.level === 'street' || d.level === 'community' ? [{ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode }] : [],
  );
  const geo = buildDemoGeography(input);
  const buildings = geo.grids.flatMap((g) => planBuildings(g.code, g.households, g.geometry, DEMO_SEED).map((b) => ({ ...b, gridCode: g.code })));
  const accounts = DEMO_ACCOUNTS.map((a) => ({
    ...a,
    passwordHash: hashes.get(a.password) ?? '',
    phone: { enc: ctx.cipher.encrypt(a.phone), bidx: ctx.cipher.blindIndex(a.phone), masked: maskPhone(a.phone) },
  }));
  // The photo the demo's on-the-spot closures show: stored once, before the transaction (as an upload is).
  const photo = withCases ? await prepareAttachment(ctx, demoPhoto(), { purpose: 'photo', fileName: '现场照片.jpg' }) : null;
  try {
    return await asSystem(ctx, async (unit) => {
    const ids = await seedDistrict(unit, {
      divisions,
      districtCode: JINGKAI_DISTRICT_CODE,
      at: ctx.clock(),
      changeSummary: { grids: geo.grids.length, plantedOutliers: geo.plantedOutliers },
      boundaries: [...geo.boundaries].map(([code, geometry]) => ({ code, geometry })),
      grids: geo.grids,
      buildings,
    });
    const departments = await seedDemoDepartments(unit, planDemoDepartments(divisions, JINGKAI_DISTRICT_CODE), ids, ctx.clock());
    await seedAccounts(
      unit,
      accounts.map((a) => {
        const homeAreaId = ids.get(a.areaCode);
        if (homeAreaId === undefined) throw new Error(`demo account ${a.username}: area ${a.areaCode} missing`);
        const departmentId = a.department === undefined ? null : departments.get(a.department);
        if (departmentId === undefined) throw new Error(`demo account ${a.username}: department ${a.department ?? ''} missing`);
        return { username: a.username, displayName: a.displayName, passwordHash: a.passwordHash, phone: a.phone, homeAreaId, roles: a.roles, departmentId };
      }),
    );
    const geography = { grids: geo.grids.length, buildings: buildings.length };
    const districtId = ids.get(JINGKAI_DISTRICT_CODE);
    if (districtId === undefined) throw new Error(`demo district ${JINGKAI_DISTRICT_CODE} missing`);
    await seedAffairsCatalogue(unit, { districtId, at: ctx.clock() });
    // The Open311 key the README names (demo only: production seeds nothing).
    await seedOpen311DemoKey(unit, ctx.clock());
    const visitor = await findAccount(unit, DEMO_RESIDENT_VISITOR);
    const residents = !withResidents
      ? { houses: 0, households: 0, persons: 0, rentals: 0, tags: 0, visits: 0 }
      : await seedDemoResidents(unit, { communityCodes: DEMO_RESIDENT_COMMUNITIES, cipher: ctx.cipher, today: beijingDate(ctx.clock()), seed: DEMO_SEED, visitorId: visitor?.id ?? null });
    const cases = photo ? await seedDemoCases(unit, { now: ctx.clock(), photo, autoYellowCard: ctx.config.caseAutoCard }) : { cases: 0, events: 0, open: 0 };
    await unit.audit({ action: 'create', entity: 'demo_seed', after: { areas: divisions.length, ...geography, residents, departments: departments.size, users: DEMO_ACCOUNTS.map((a) => a.username), cases } });
    return { areas: divisions.length, users: DEMO_ACCOUNTS.length, ...geography, residents, cases };
    });
  } finally {
    // Removes the photo's blobs unless the committed seed names them.
    if (photo) await discardPrepared(ctx, photo);
  }
}

/** A plain photo (a green-grey JPEG, as a phone would send) for the demo's evidence. */
async function* demoPhoto(): AsyncIterable<Uint8Array> {
  yield new Uint8Array(await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 96, g: 128, b: 104 } } }).jpeg({ quality: 70 }).toBuffer());
}
