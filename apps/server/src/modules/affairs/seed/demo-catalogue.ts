import type { AffairItemData, AffairUrgency, CopyTo, CustomField, DepartmentKind, GradeLimits, HandlingLevel } from '@redgrid/contracts';
import type { SystemUnit } from '../../../platform/unit-of-work.ts';
import { itemValues } from '../affair-rules.ts';
import { affairsRepository } from '../affairs.repository.ts';

/**
 * The demo district's catalogue of grid affairs, shaped like the field's: the eight event domains of
 * deployed grid systems (民生服务, 矛盾劝解, 参与治安防控, 特殊人群, 社情民意, 政策法规宣传, 突发事件, 其它)
 * with their usual sub-types, and the five CJ/T 214-2007 event classes of 数字城管 (市容环境, 宣传广告,
 * 施工管理, 突发事件, 街面秩序) with their time limits (暴露垃圾 4 工作时 in core areas / 1 工作日,
 * 道路保洁 2 工作时, 积存渣土 4 工作日, 私搭乱建 20 工作日) — 91 items, like Changzhou's list. Most are
 * handled in the grid ("小事不出网格"); Tianque's default limits for departments (accept 1/2 working
 * days; handle 1/2 for administrative, 5/10 for functional departments). Deterministic: fixed lists.
 */

type Limit = [yellow: number, red: number, unit: 'h' | 'd'];
interface Extra {
  /** Residents may report it on the public page. */
  r?: boolean;
  /** May skip a level, copying these. */
  skip?: Partial<CopyTo>;
  u?: AffairUrgency;
  cjt?: string;
  f?: string;
  c?: string;
  fields?: CustomField[];
  grades?: Partial<Record<'A' | 'B' | 'C', GradeLimits>>;
}
type Row = [name: string, level: HandlingLevel, dept: DepartmentKind | null, accept: Limit, handle: Limit, extra?: Extra];
interface Category {
  code: string;
  name: string;
  filing: string;
  closing: string;
  items: Row[];
}

const H1: Limit = [1, 2, 'h'];
const H2: Limit = [2, 4, 'h'];
const D1: Limit = [1, 2, 'd'];
const D2: Limit = [2, 3, 'd'];
const D3: Limit = [3, 5, 'd'];
const D5: Limit = [5, 10, 'd'];
const D10: Limit = [7, 15, 'd'];

const num = (key: string, label: string, required = true): CustomField => ({ key, label, type: 'number', options: [], required });
const choice = (key: string, label: string, options: string[], required = true): CustomField => ({ key, label, type: 'select', options, required });
const yesNo = (key: string, label: string): CustomField => ({ key, label, type: 'boolean', options: [], required: true });
const when = (key: string, label: string): CustomField => ({ key, label, type: 'date', options: [], required: false });

const GOVERNANCE: Category[] = [
  {
    code: '0101',
    name: '民生服务',
    filing: '群众提出的服务需求或困难，网格员入户或电话核实属实',
    closing: '需求已办理或已转介到相关部门，并答复当事人',
    items: [
      ['低保、特困救助申请', 'community', 'civil_affairs', D1, D10, { r: true }],
      ['临时救助需求', 'community', 'civil_affairs', H2, D3, { u: 'urgent', fields: [num('people', '家庭人口')] }],
      ['养老服务需求', 'community', 'civil_affairs', D1, D5, { r: true }],
      ['残疾人帮扶需求', 'community', 'civil_affairs', D1, D5],
      ['就业创业服务', 'community', 'human_resources', D1, D5, { r: true }],
      ['社保医保办理咨询', 'grid', 'human_resources', H2, D2, { r: true }],
      ['入学就学问题', 'town', 'education', D1, D10, { r: true }],
      ['医疗卫生服务需求', 'community', 'health', D1, D5],
      ['证照代办（双代服务）', 'grid', null, H2, D3, { fields: [choice('service', '代办事项', ['户籍', '社保', '医保', '残疾证', '其他'])] }],
      ['住房保障需求', 'town', 'housing', D1, D10],
      ['公共交通出行问题', 'town', 'transport', D1, D10, { r: true }],
      ['供水供电供气故障', 'department', 'utilities', H1, [4, 8, 'h'], { r: true, u: 'urgent' }],
    ],
  },
  {
    code: '0102',
    name: '矛盾劝解',
    filing: '当事人一方或双方提出调解请求，或网格员发现矛盾苗头',
    closing: '达成调解协议或当事人撤回，网格员回访无反复；调解不成的已引导司法途径',
    items: [
      ['婚姻家庭纠纷', 'grid', 'justice', H2, D3, { fields: [num('parties', '当事人数')] }],
      ['邻里纠纷', 'grid', 'justice', H2, D3, { r: true, fields: [num('parties', '当事人数')] }],
      ['物业管理纠纷', 'community', 'housing', D1, D5, { r: true }],
      ['劳动争议（欠薪）', 'town', 'human_resources', H2, D5, { r: true, u: 'urgent', fields: [num('workers', '涉及人数'), num('amount', '涉及金额（元）', false)] }],
      ['土地征收纠纷', 'town', 'natural_resources', D1, D10],
      ['宅基地纠纷', 'community', 'natural_resources', D1, D10],
      ['村（居）集体资产纠纷', 'town', 'civil_affairs', D1, D10],
      ['医患纠纷', 'town', 'health', H2, D5, { u: 'urgent' }],
      ['环境污染纠纷', 'town', 'ecology_environment', D1, D5, { r: true }],
      ['消费纠纷', 'community', 'market_regulation', D1, D5, { r: true }],
      ['交通事故纠纷', 'department', 'public_security', H2, D5],
      ['干群矛盾', 'town', 'petition', D1, D5],
      ['信访诉求', 'town', 'petition', D1, D10, { fields: [yesNo('repeat', '是否重复信访')] }],
    ],
  },
  {
    code: '0103',
    name: '参与治安防控',
    filing: '网格巡查或群众反映的治安情况，网格员现场核实',
    closing: '隐患已消除或已移交公安机关并反馈结果',
    items: [
      ['治安隐患', 'grid', 'public_security', H1, D1, { r: true }],
      ['可疑人员情况', 'grid', 'public_security', H1, [4, 8, 'h']],
      ['矛盾激化苗头', 'community', 'public_security', H1, [4, 8, 'h'], { u: 'urgent', skip: { levels: ['town'], departmentKinds: ['public_security'] } }],
      ['电信网络诈骗线索', 'department', 'public_security', H1, D2, { r: true }],
      ['黄赌毒线索', 'department', 'public_security', H1, D2, { r: true }],
      ['群租房安全隐患', 'community', 'public_security', D1, D5, { r: true }],
      ['消防安全隐患', 'grid', 'fire_rescue', H1, D1, { r: true, fields: [choice('kind', '隐患类型', ['堵塞通道', '电动车违规充电', '私拉电线', '消防设施损坏', '其他'])] }],
      ['安全生产隐患', 'town', 'emergency_management', H2, D3],
    ],
  },
  {
    code: '0104',
    name: '特殊人群',
    filing: '网格员走访发现特殊人群异常情况或帮扶需求',
    closing: '已采取管控或帮扶措施，责任人跟进落实并记录',
    items: [
      ['社区矫正对象异常', 'community', 'justice', H1, D1, { u: 'urgent', skip: { departmentKinds: ['justice'] } }],
      ['刑满释放人员帮教', 'community', 'justice', D1, D10, { fields: [when('released_on', '释放日期')] }],
      ['严重精神障碍患者异常', 'community', 'health', H1, [4, 8, 'h'], { u: 'critical', skip: { levels: ['town'], departmentKinds: ['public_security', 'health'] } }],
      ['吸毒人员异常', 'community', 'public_security', H1, D1, { u: 'urgent' }],
      ['重点青少年帮扶', 'community', 'education', D1, D10],
      ['留守儿童关爱', 'grid', 'civil_affairs', D1, D5],
      ['独居老人关爱', 'grid', 'civil_affairs', H2, D2, { r: true }],
    ],
  },
  {
    code: '0105',
    name: '社情民意',
    filing: '群众意见、建议或诉求，网格员记录',
    closing: '意见已转达、答复当事人',
    items: [
      ['群众意见建议', 'grid', null, D1, D5, { r: true }],
      ['民生诉求收集', 'grid', null, D1, D5, { r: true }],
      ['舆情线索', 'town', 'other', H2, D2, { u: 'urgent' }],
      ['不稳定因素', 'town', 'petition', H1, D1, { u: 'urgent', skip: { levels: ['district'], departmentKinds: ['public_security'] } }],
      ['公共服务设施需求', 'community', null, D1, D10, { r: true }],
      ['社区公共事务议事', 'community', null, D1, D10],
    ],
  },
  {
    code: '0106',
    name: '政策法规宣传',
    filing: '需要入户或集中宣传的政策法规',
    closing: '宣传已完成，有签到或照片记录',
    items: [
      ['政策宣传', 'grid', null, D1, D5],
      ['法治宣传', 'grid', 'justice', D1, D5],
      ['反诈宣传', 'grid', 'public_security', D1, D5],
      ['文明新风倡导', 'grid', null, D1, D10],
    ],
  },
  {
    code: '0107',
    name: '突发事件',
    filing: '发现即报，先报后核',
    closing: '险情排除、人员安置完毕，有处置记录',
    items: [
      ['火灾', 'department', 'fire_rescue', [1, 2, 'h'], [2, 4, 'h'], { r: true, u: 'critical', skip: { levels: ['town', 'district'], departmentKinds: ['emergency_management'] }, fields: [yesNo('casualties', '是否有人员伤亡')] }],
      ['自然灾害险情', 'town', 'emergency_management', H1, [4, 8, 'h'], { r: true, u: 'critical', skip: { levels: ['district'] } }],
      ['公共卫生事件', 'town', 'health', H1, [4, 8, 'h'], { u: 'critical', skip: { levels: ['district'], departmentKinds: ['health'] } }],
      ['群体性事件', 'town', 'public_security', H1, [4, 8, 'h'], { u: 'critical', skip: { levels: ['district'], departmentKinds: ['public_security', 'petition'] }, fields: [num('people', '聚集人数')] }],
      ['安全事故', 'town', 'emergency_management', H1, [4, 8, 'h'], { r: true, u: 'critical', skip: { levels: ['district'] } }],
    ],
  },
  {
    code: '0108',
    name: '其它',
    filing: '不属于上述类别的事项，网格员核实',
    closing: '已处理并答复',
    items: [['其他事项', 'grid', null, D1, D5, { r: true }]],
  },
];

/** CJ/T 214-2007 event classes; the item's cjt code is class + its place in the class. */
const CITY: (Category & { cjt: string })[] = [
  {
    code: '0201',
    cjt: '01',
    name: '市容环境',
    filing: '公共区域可见，现场照片为证',
    closing: '问题消除，处置后照片与上报照片同一角度',
    items: [
      ['暴露垃圾', 'grid', 'urban_management', H1, [4, 8, 'h'], { r: true, f: '道路、广场、绿地等公共区域暴露垃圾 0.5 平方米以上，或垃圾桶满溢', c: '垃圾清除干净，无残留', grades: { A: { acceptYellow: 1, acceptRed: 2, handleYellow: 2, handleRed: 4 } } }],
      ['道路保洁', 'grid', 'urban_management', H1, [1, 2, 'h'], { r: true, f: '路面有明显垃圾、污渍或积尘', c: '路面清扫干净' }],
      ['积存渣土', 'grid', 'urban_management', H2, [3, 4, 'd'], { f: '公共区域积存渣土、建筑垃圾 1 立方米以上', c: '渣土清运完毕' }],
      ['私搭乱建', 'community', 'urban_management', H2, [15, 20, 'd'], { r: true, f: '未经批准搭建建（构）筑物；发现后 4 工作时内责令停建，7 工作日内立案处罚', c: '违建拆除，场地恢复', fields: [num('area_m2', '占地面积（平方米）'), choice('stage', '建设阶段', ['在建', '已建成'])] }],
      ['乱堆物堆料', 'grid', 'urban_management', H1, D1, { r: true }],
      ['违规晾晒', 'grid', 'urban_management', H1, [4, 8, 'h']],
      ['绿地脏乱', 'grid', 'urban_management', H1, D1],
      ['水域不洁', 'community', 'water', H2, D2, { r: true }],
      ['焚烧垃圾', 'grid', 'ecology_environment', H1, [2, 4, 'h'], { r: true, u: 'urgent' }],
      ['餐厨垃圾乱倒', 'grid', 'urban_management', H1, D1, { r: true }],
    ],
  },
  {
    code: '0202',
    cjt: '02',
    name: '宣传广告',
    filing: '公共区域可见的违规广告',
    closing: '广告清除或整改到位',
    items: [
      ['非法小广告', 'grid', 'urban_management', H1, D1, { r: true }],
      ['违规户外广告', 'community', 'urban_management', D1, D5],
      ['占道广告牌', 'grid', 'urban_management', H1, D1, { r: true }],
      ['条幅横幅违规悬挂', 'grid', 'urban_management', H1, D1],
      ['广告设施破损', 'community', 'urban_management', H2, D2, { u: 'urgent' }],
    ],
  },
  {
    code: '0203',
    cjt: '03',
    name: '施工管理',
    filing: '施工现场或运输途中的违规情况，现场照片为证',
    closing: '违规行为停止、整改到位',
    items: [
      ['施工扰民', 'community', 'urban_management', H2, D1, { r: true, fields: [choice('period', '时段', ['日间', '夜间（22 时至次日 6 时）'])] }],
      ['施工占道', 'community', 'urban_management', H2, D2],
      ['工地扬尘', 'community', 'ecology_environment', H2, D1, { r: true }],
      ['渣土运输撒漏', 'grid', 'urban_management', H1, [4, 8, 'h'], { r: true }],
      ['施工废弃料', 'grid', 'urban_management', H2, D2],
      ['无证掘路', 'department', 'urban_management', H2, D2],
    ],
  },
  {
    code: '0204',
    cjt: '04',
    name: '突发事件',
    filing: '发现即报',
    closing: '险情排除，现场恢复通行',
    items: [
      ['道路塌陷', 'department', 'housing', H1, [4, 8, 'h'], { r: true, u: 'critical', skip: { levels: ['town'] } }],
      ['自来水管爆裂', 'department', 'utilities', H1, [4, 8, 'h'], { r: true, u: 'urgent' }],
      ['燃气泄漏', 'department', 'utilities', [1, 2, 'h'], [2, 4, 'h'], { r: true, u: 'critical', skip: { levels: ['town'], departmentKinds: ['fire_rescue'] } }],
      ['路面积水', 'department', 'water', H1, [4, 8, 'h'], { r: true, u: 'urgent' }],
      ['井盖缺失', 'department', 'utilities', H1, [2, 4, 'h'], { r: true, u: 'urgent' }],
      ['树木倒伏', 'department', 'urban_management', H1, [4, 8, 'h'], { r: true, u: 'urgent' }],
    ],
  },
  {
    code: '0205',
    cjt: '05',
    name: '街面秩序',
    filing: '公共区域的违规经营或停放，现场照片为证',
    closing: '当事人离开或整改，现场恢复',
    items: [
      ['无照经营游商', 'grid', 'urban_management', H1, [2, 4, 'h'], { r: true }],
      ['店外经营', 'grid', 'urban_management', H1, [4, 8, 'h'], { r: true }],
      ['占道经营', 'grid', 'urban_management', H1, [4, 8, 'h'], { r: true }],
      ['露天烧烤', 'grid', 'urban_management', H1, [2, 4, 'h'], { r: true }],
      ['机动车乱停放', 'grid', 'public_security', H1, [2, 4, 'h'], { r: true }],
      ['非机动车乱停放', 'grid', 'urban_management', H1, [2, 4, 'h'], { r: true }],
      ['黑车拉客', 'department', 'transport', H2, D2],
      ['乞讨卖艺', 'grid', 'civil_affairs', H1, [4, 8, 'h']],
    ],
  },
];

const TOP = [
  { code: '01', name: '社会治理' },
  { code: '02', name: '城市管理' },
];

const UNIT = { h: 'work_hours', d: 'work_days' } as const;

function item(category: Category, serial: number, row: Row, cjtClass: string | null): Omit<AffairItemData, 'categoryId'> {
  const [name, handlingLevel, departmentKind, accept, handle, extra = {}] = row;
  return {
    code: `${category.code}${String(serial).padStart(2, '0')}`,
    name,
    handlingLevel,
    departmentKind,
    filingConditions: extra.f ?? category.filing,
    closingConditions: extra.c ?? category.closing,
    acceptYellow: accept[0],
    acceptRed: accept[1],
    acceptUnit: UNIT[accept[2]],
    handleYellow: handle[0],
    handleRed: handle[1],
    handleUnit: UNIT[handle[2]],
    gradeLimits: extra.grades ?? {},
    customFields: extra.fields ?? [],
    residentReportable: extra.r ?? false,
    maySkipLevel: extra.skip !== undefined,
    copyTo: { levels: extra.skip?.levels ?? [], departmentKinds: extra.skip?.departmentKinds ?? [] },
    urgencyDefault: extra.u ?? 'normal',
    cjtCode: cjtClass === null ? null : `${cjtClass}${String(serial).padStart(2, '0')}`,
    active: true,
  };
}

export const DEMO_CATALOGUE_COUNTS = {
  categories: TOP.length + GOVERNANCE.length + CITY.length,
  items: [...GOVERNANCE, ...CITY].reduce((n, c) => n + c.items.length, 0),
} as const;

/** Seeds the demo district's catalogue (system work, in the seed's transaction). */
export async function seedAffairsCatalogue(unit: SystemUnit, input: { districtId: number; at: Date }): Promise<{ categories: number; items: number }> {
  const repo = unit.use(affairsRepository);
  const ids = new Map<string, number>();
  let sort = 0;
  for (const top of TOP) {
    const { id } = await repo.insertCategory({ areaId: input.districtId, code: top.code, name: top.name, parentId: null, sort: (sort += 1), at: input.at });
    ids.set(top.code, Number(id));
  }
  let items = 0;
  for (const category of [...GOVERNANCE, ...CITY]) {
    const { id } = await repo.insertCategory({ areaId: input.districtId, code: category.code, name: category.name, parentId: ids.get(category.code.slice(0, 2))!, sort: (sort += 1), at: input.at });
    const cjt = 'cjt' in category ? (category as { cjt: string }).cjt : null;
    for (const [i, row] of category.items.entries()) {
      await repo.insertItem(input.districtId, itemValues(item(category, i + 1, row, cjt), Number(id)), null, input.at);
      items += 1;
    }
  }
  await unit.audit({ action: 'create', entity: 'affair_catalogue', areaId: input.districtId, after: { categories: ids.size + GOVERNANCE.length + CITY.length, items } });
  return { categories: TOP.length + GOVERNANCE.length + CITY.length, items };
}
