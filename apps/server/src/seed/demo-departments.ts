import type { DepartmentKind, DepartmentLevel } from '@redgrid/contracts';
import { seedDepartments, type SeedDepartment } from '../modules/department/index.ts';
import type { SystemUnit } from '../platform/unit-of-work.ts';

/**
 * The demo district's departments (职能部门, "社区吹哨、部门报到"): the district's bureaus, each serving the
 * whole district, and in every street or town its police station (serving its communities one by one),
 * its urban-management squad and its market-supervision office (serving the street). So routing finds
 * 戚墅堰派出所 for a public-security case in 站北社区, and the district's 生态环境局 for an environment
 * case anywhere. Office phones are invented numbers in Changzhou's 0519 area, not real lines.
 */

interface DistrictBureau {
  name: string;
  kind: DepartmentKind;
}

const DISTRICT_BUREAUS: readonly DistrictBureau[] = [
  { name: '经开区公安分局', kind: 'public_security' },
  { name: '经开区综合行政执法局（城管局）', kind: 'urban_management' },
  { name: '经开区住房和城乡建设局', kind: 'housing' },
  { name: '经开区民政局', kind: 'civil_affairs' },
  { name: '经开区市场监督管理局', kind: 'market_regulation' },
  { name: '经开区生态环境局', kind: 'ecology_environment' },
  { name: '经开区应急管理局', kind: 'emergency_management' },
  { name: '经开区人力资源和社会保障局', kind: 'human_resources' },
  { name: '经开区卫生健康局', kind: 'health' },
  { name: '经开区水务局', kind: 'water' },
  { name: '经开区供电服务中心', kind: 'utilities' },
];

/** A town's stations: the suffix after the town's short name, the kind, and whether it serves each community. */
const TOWN_STATIONS: readonly { suffix: string; kind: DepartmentKind; perCommunity: boolean }[] = [
  { suffix: '派出所', kind: 'public_security', perCommunity: true },
  { suffix: '城管中队', kind: 'urban_management', perCommunity: false },
  { suffix: '市场监管所', kind: 'market_regulation', perCommunity: false },
];

/** 戚墅堰街道 → 戚墅堰, 横山桥镇 → 横山桥. */
export function townShortName(name: string): string {
  return name.replace(/(街道|镇|乡)$/, '');
}

export interface DemoDepartmentPlan {
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  /** Division code of the owning area. */
  areaCode: string;
  phone: string;
  /** Division codes of the served areas. */
  servedCodes: string[];
}

/** The plan from the demo's divisions: deterministic, in a fixed order. */
export function planDemoDepartments(
  divisions: readonly { code: string; name: string; level: string; parentCode: string | null }[],
  districtCode: string,
): DemoDepartmentPlan[] {
  const plans: DemoDepartmentPlan[] = DISTRICT_BUREAUS.map((b, i) => ({
    name: b.name,
    kind: b.kind,
    level: 'district',
    areaCode: districtCode,
    phone: `0519-8${String(6600100 + i * 10).padStart(7, '0')}`,
    servedCodes: [districtCode],
  }));
  const towns = divisions.filter((d) => d.level === 'street' && d.parentCode === districtCode);
  towns.forEach((town, t) => {
    const communities = divisions.filter((d) => d.level === 'community' && d.parentCode === town.code).map((d) => d.code);
    TOWN_STATIONS.forEach((s, k) => {
      plans.push({
        name: `${townShortName(town.name)}${s.suffix}`,
        kind: s.kind,
        level: 'town',
        areaCode: town.code,
        phone: `0519-8${String(6700100 + t * 100 + k * 10).padStart(7, '0')}`,
        servedCodes: s.perCommunity && communities.length > 0 ? communities : [town.code],
      });
    });
  });
  return plans;
}

/** Seeds the plan in the system's unit; answers each department's id by name. */
export async function seedDemoDepartments(unit: SystemUnit, plans: readonly DemoDepartmentPlan[], areaIds: ReadonlyMap<string, number>, at: Date): Promise<Map<string, number>> {
  const idOf = (code: string) => {
    const id = areaIds.get(code);
    if (id === undefined) throw new Error(`demo department: area ${code} missing`);
    return id;
  };
  const list: SeedDepartment[] = plans.map((p) => ({ name: p.name, kind: p.kind, level: p.level, areaId: idOf(p.areaCode), phone: p.phone, servedAreaIds: p.servedCodes.map(idOf) }));
  const ids = await seedDepartments(unit, list, at);
  return new Map(plans.map((p, i) => [p.name, ids[i] ?? 0]));
}
