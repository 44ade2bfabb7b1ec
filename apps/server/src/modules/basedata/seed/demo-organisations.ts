import { sql } from 'kysely';
import type { Scope } from '../../../platform/context.ts';
import type { FieldCipher } from '../../../platform/crypto.ts';
import { ownedInsert, scopedFrom, type Db } from '../../../platform/data-access.ts';
import { maskPhone } from '../../../platform/masking.ts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import { seededRandom } from '../../geo/index.ts';
import { componentIdentifier } from '../components/component.service.ts';
import { componentRepository } from '../components/component.repository.ts';
import { creditCodeCheckChar } from '../organisations/credit-code.ts';
import { seedCreateHistory } from './seed-history.ts';

/**
 * Demo organisations (实有单位) and city components (城市部件) for the communities that have residents:
 * a few shops, firms and public bodies per grid with synthetic credit codes that pass the GB 32100
 * check (the "MA" range with invented serials: shapes only), some residents linked as employees, and
 * components scattered inside each grid with identifiers issued like any other. Deterministic per seed.
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORGS: readonly { name: string; kind: string; industry: string; keyUnit?: boolean; fire?: 'key' | 'general'; positions: readonly string[] }[] = [
  { name: '便利店', kind: 'individual', industry: '零售业', fire: 'general', positions: ['店主', '店员'] },
  { name: '物业服务有限公司', kind: 'enterprise', industry: '物业管理', keyUnit: true, fire: 'key', positions: ['项目经理', '保安', '保洁'] },
  { name: '餐饮店', kind: 'individual', industry: '餐饮业', fire: 'key', positions: ['厨师', '服务员'] },
  { name: '五金机电有限公司', kind: 'enterprise', industry: '批发业', fire: 'general', positions: ['销售', '仓管'] },
  { name: '幼儿园', kind: 'public_institution', industry: '教育', keyUnit: true, fire: 'key', positions: ['园长', '教师'] },
  { name: '社区卫生服务站', kind: 'public_institution', industry: '卫生', keyUnit: true, fire: 'key', positions: ['医生', '护士'] },
  { name: '快递服务站', kind: 'enterprise', industry: '邮政快递', fire: 'general', positions: ['站长', '快递员'] },
  { name: '志愿者协会', kind: 'social_org', industry: '社会组织', positions: ['会长'] },
];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = ['建国', '志强', '海涛', '秀英', '丽华', '明', '伟', '芳', '俊杰', '晓燕'];
const STREETS = ['站北路', '和平北路', '通江大道', '延陵东路', '丽华北路'];
const BRANDS = ['晨光', '和顺', '惠民', '金桥', '新城', '阳光', '同心', '安居', '兴业', '康宁', '百汇'];
const COMPONENTS: readonly { cls: string; sub: string; name: string; owner: string }[] = [
  { cls: '01', sub: '01', name: '上水井盖', owner: '常州通用自来水有限公司' },
  { cls: '01', sub: '02', name: '污水井盖', owner: '常州市排水管理处' },
  { cls: '01', sub: '03', name: '雨水井盖', owner: '常州市排水管理处' },
  { cls: '01', sub: '05', name: '电力井盖', owner: '国网常州供电公司' },
  { cls: '01', sub: '15', name: '消防栓', owner: '常州通用自来水有限公司' },
  { cls: '01', sub: '30', name: '路灯', owner: '常州市城市照明管理处' },
  { cls: '02', sub: '01', name: '停车场', owner: '经开区城管局' },
  { cls: '03', sub: '05', name: '垃圾箱', owner: '经开区环卫处' },
  { cls: '04', sub: '02', name: '行道树', owner: '经开区园林处' },
  { cls: '10', sub: '01', name: '充电桩', owner: '国网常州供电公司' },
];

function seedRepository(db: Db, scope: Scope) {
  return {
    /** The active comprehensive grids of the communities, with points spread inside each boundary. */
    async grids(communityCodes: readonly string[], perGrid: number, seed: number) {
      const grids = await scopedFrom(db, scope, 'areas as g')
        .innerJoin('areas as c', 'c.id', 'g.parent_id')
        .select(['g.id', 'g.code', 'g.path', 'g.name', 'c.name as community'])
        .where('g.level', '=', 'grid')
        .where('g.status', '=', 'active')
        .where('c.code', 'in', [...communityCodes])
        .orderBy('g.code')
        .execute();
      const out: { id: number; code: string; path: string; name: string; community: string; points: [number, number][] }[] = [];
      for (const g of grids) {
        const row = await scopedFrom(db, scope, 'area_boundaries as b')
          .select(sql<string>`ST_AsGeoJSON(ST_GeneratePoints(b.geom, ${perGrid}, ${seed}))`.as('points'))
          .where('b.area_id', '=', g.id)
          .where('b.valid_to', 'is', null)
          .executeTakeFirst();
        const points = row ? (JSON.parse(row.points) as { coordinates: [number, number][] }).coordinates : [];
        out.push({ ...g, points });
      }
      return out;
    },
    residents(gridPath: string, limit: number) {
      return scopedFrom(db, scope, 'persons as p')
        .innerJoin('areas as a', 'a.id', 'p.area_id')
        .select(['p.id'])
        .where('a.path', 'like', `${gridPath}%`)
        .where('p.merged_into', 'is', null)
        .where('p.birth_date', '<', '2004-01-01')
        .orderBy('p.id')
        .limit(limit)
        .execute();
    },
  };
}

export interface OrganisationSeedCounts {
  organisations: number;
  employees: number;
  components: number;
}

export async function seedDemoOrganisations(unit: SystemUnit, options: { communityCodes: readonly string[]; cipher: FieldCipher; seed: number; at: Date }): Promise<OrganisationSeedCounts> {
  const rand = seededRandom(options.seed, 'organisations');
  const repo = unit.use(seedRepository);
  const components = unit.use(componentRepository);
  const grids = await repo.grids(options.communityCodes, 8, options.seed);
  let organisations = 0;
  let employees = 0;
  let componentCount = 0;
  const organisationIds: number[] = [];
  const componentIds: number[] = [];
  for (const [gi, grid] of grids.entries()) {
    const residents = await repo.residents(grid.path, 40);
    const points = grid.points;
    const community = grid.community.replace(/居民委员会|村民委员会/, '');
    if (points.length === 0) continue;
    // Three organisations a grid, in turn from the list.
    for (let k = 0; k < 3; k += 1) {
      const kind = ORGS[(gi * 3 + k) % ORGS.length]!;
      const serial = Array.from({ length: 7 }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
      const first17 = `${kind.kind === 'individual' ? '92' : kind.kind === 'public_institution' ? '12' : kind.kind === 'social_org' ? '52' : '91'}320412${kind.kind === 'individual' || kind.kind === 'enterprise' ? 'MA' : '46'}${serial}`.slice(0, 17);
      const phone = `170${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
      const at = points[k % points.length]!;
      const { id } = await unit.use((db, scope) =>
        ownedInsert(db, scope, 'organisations')
          .values({
            area_id: grid.id,
            name: `${community}${BRANDS[(gi * 3 + k) % BRANDS.length]}${kind.name}`,
            credit_code: `${first17}${creditCodeCheckChar(first17)}`,
            kind: kind.kind,
            address: `${community}${STREETS[(gi + k) % STREETS.length]}${10 + Math.floor(rand() * 180)}号`,
            legal_rep_name: `${SURNAMES[Math.floor(rand() * SURNAMES.length)]}${GIVEN[Math.floor(rand() * GIVEN.length)]}`,
            legal_rep_phone_enc: options.cipher.encrypt(phone),
            legal_rep_phone_masked: maskPhone(phone),
            key_unit: kind.keyUnit ?? false,
            fire_safety_level: kind.fire ?? null,
            employees: 2 + Math.floor(rand() * 30),
            industry: kind.industry,
            location: sql<string>`ST_SetSRID(ST_MakePoint(${at[0]}::float8, ${at[1]}::float8), 4326)`,
            provenance: rand() < 0.5 ? 'verified' : 'entered',
          })
          .returning('id')
          .executeTakeFirstOrThrow(),
      );
      organisations += 1;
      organisationIds.push(id);
      const staff = residents.splice(0, Math.min(residents.length, kind.positions.length));
      for (const [i, person] of staff.entries()) {
        await unit.use((db, scope) => ownedInsert(db, scope, 'organisation_employees').values({ organisation_id: id, person_id: person.id, area_id: grid.id, position: kind.positions[i] ?? null }).execute());
        employees += 1;
      }
    }
    // Five components a grid.
    for (let k = 0; k < 5; k += 1) {
      const c = COMPONENTS[(gi * 5 + k) % COMPONENTS.length]!;
      const at = points[(k + 3) % points.length]!;
      const county = grid.code.slice(0, 6);
      const serial = await components.nextSerial(`${county}${c.cls}${c.sub}`);
      const r = rand();
      const componentId = await components.insert({
        areaId: grid.id,
        identifier: componentIdentifier(county, c.cls, c.sub, serial),
        classCode: c.cls,
        subclassCode: c.sub,
        name: c.name,
        state: r < 0.8 ? 'intact' : r < 0.92 ? 'damaged' : 'occupied',
        ownerDept: c.owner,
        maintainerDept: c.owner,
        location: { lng: at[0], lat: at[1] },
        firstRecordedOn: '2024-06-01',
        source: '实测',
        provenance: 'verified',
      });
      componentIds.push(componentId);
      componentCount += 1;
    }
  }
  await seedCreateHistory(unit, 'organisation', organisationIds, options.at);
  await seedCreateHistory(unit, 'component', componentIds, options.at);
  return { organisations, employees, components: componentCount };
}
