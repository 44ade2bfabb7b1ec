import { z } from 'zod';
import { dateOnlySchema, historySchema, PROVENANCES, recordPlaceSchema } from './basedata.ts';
import { idSchema } from './common.ts';

/**
 * Base data: organisations (实有单位) with their employees, and city components (城市部件, CJ/T 214-2007).
 * Input schemas carry no OpenAPI id (defaults and transforms make fastify-type-provider-zod see two
 * different components under one id).
 */

export const ORG_KINDS = ['enterprise', 'individual', 'public_institution', 'government', 'social_org', 'other'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const FIRE_SAFETY_LEVELS = ['key', 'general', 'other'] as const;
export const COMPONENT_STATES = ['intact', 'damaged', 'missing', 'occupied', 'removed'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export interface ComponentSubclass {
  code: string;
  'zh-CN': string;
  'en-US': string;
}
export interface ComponentClass extends ComponentSubclass {
  subclasses: readonly ComponentSubclass[];
}

const sub = (code: string, zh: string, en: string): ComponentSubclass => ({ code, 'zh-CN': zh, 'en-US': en });

/**
 * CJ/T 214-2007 component classes with the sub-classes this deployment uses. The class codes and
 * 0101 上水井盖 / 0125 报刊亭 / 0126 健身设施 / 0203 公交站亭 / 0406 雕塑 / 0602 工地 are confirmed by
 * sources (../shared/reference/standards.md); the other sub-class numbers follow the catalogues local
 * platforms copy and should be checked against the standard text before a real rollout. 10 is the local
 * extension class (扩展部件).
 */
export const COMPONENT_CLASSES: readonly ComponentClass[] = [
  {
    ...sub('01', '公用设施', 'Public utilities'),
    subclasses: [
      sub('01', '上水井盖', 'Water-supply manhole cover'),
      sub('02', '污水井盖', 'Sewage manhole cover'),
      sub('03', '雨水井盖', 'Storm-water manhole cover'),
      sub('04', '雨水箅子', 'Storm drain grate'),
      sub('05', '电力井盖', 'Power manhole cover'),
      sub('06', '路灯井盖', 'Street-light manhole cover'),
      sub('07', '通讯井盖', 'Telecom manhole cover'),
      sub('10', '热力井盖', 'Heating manhole cover'),
      sub('11', '燃气井盖', 'Gas manhole cover'),
      sub('15', '消防栓', 'Fire hydrant'),
      sub('25', '报刊亭', 'News kiosk'),
      sub('26', '健身设施', 'Fitness equipment'),
      sub('30', '路灯', 'Street lamp'),
    ],
  },
  {
    ...sub('02', '道路交通', 'Roads and traffic'),
    subclasses: [
      sub('01', '停车场', 'Car park'),
      sub('02', '停车咪表', 'Parking meter'),
      sub('03', '公交站亭', 'Bus shelter'),
      sub('05', '过街天桥', 'Footbridge'),
      sub('06', '地下通道', 'Underpass'),
      sub('10', '交通标志牌', 'Traffic sign'),
      sub('13', '道路护栏', 'Guardrail'),
      sub('14', '路名牌', 'Street-name sign'),
    ],
  },
  {
    ...sub('03', '市容环境', 'City appearance'),
    subclasses: [sub('01', '公共厕所', 'Public toilet'), sub('03', '垃圾间', 'Refuse room'), sub('05', '垃圾箱', 'Litter bin'), sub('06', '广告牌匾', 'Signboard')],
  },
  {
    ...sub('04', '园林绿化', 'Landscaping'),
    subclasses: [sub('01', '古树名木', 'Ancient tree'), sub('02', '行道树', 'Street tree'), sub('05', '绿地', 'Green space'), sub('06', '雕塑', 'Sculpture')],
  },
  {
    ...sub('05', '房屋土地', 'Buildings and land'),
    subclasses: [sub('01', '公房', 'Public housing'), sub('02', '地下空间', 'Underground space'), sub('03', '待建地', 'Vacant lot')],
  },
  {
    ...sub('06', '其他设施', 'Other facilities'),
    subclasses: [sub('01', '人防工事', 'Civil air-defence works'), sub('02', '工地', 'Construction site'), sub('03', '液化气站', 'LPG station')],
  },
  {
    ...sub('10', '扩展部件', 'Local extensions'),
    subclasses: [sub('01', '充电桩', 'EV charger'), sub('02', '监控探头', 'CCTV camera'), sub('03', '非机动车停放点', 'Bicycle parking')],
  },
];

/** The label of a class or a class + sub-class, or null for a code not in the table. */
export function componentClassOf(classCode: string, subclassCode?: string): { cls: ComponentClass; sub: ComponentSubclass | null } | null {
  const cls = COMPONENT_CLASSES.find((c) => c.code === classCode);
  if (!cls) return null;
  if (subclassCode === undefined) return { cls, sub: null };
  const s = cls.subclasses.find((x) => x.code === subclassCode);
  return s ? { cls, sub: s } : null;
}

const text = (max: number) => z.string().trim().max(max, `最多 ${max} 个字`);
const optionalText = (max: number) => text(max).nullish().transform((v) => (v === '' ? null : v));
const lng = z.number({ error: '经度必须是数字' }).min(73, '经度应在中国境内（73–136）').max(136, '经度应在中国境内（73–136）');
const lat = z.number({ error: '纬度必须是数字' }).min(3, '纬度应在中国境内（3–54）').max(54, '纬度应在中国境内（3–54）');
/** A WGS84 point. */
export const pointInputSchema = z.object({ lng, lat }).strict();
export const pointSchema = z.object({ lng: z.number(), lat: z.number() });

// ---- organisations ----
export const organisationEmployeeSchema = z.object({
  personId: z.number().int(),
  name: z.string(),
  position: z.string().nullable(),
  since: z.string().nullable(),
});

export const organisationViewSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    creditCode: z.string().nullable(),
    kind: z.enum(ORG_KINDS),
    address: z.string().nullable(),
    legalRepName: z.string().nullable(),
    legalRepPhoneMasked: z.string().nullable(),
    keyUnit: z.boolean(),
    fireSafetyLevel: z.enum(FIRE_SAFETY_LEVELS).nullable(),
    securityChief: z.string().nullable(),
    employeesCount: z.number().int().nullable(),
    industry: z.string().nullable(),
    dedicatedGrid: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    location: pointSchema.nullable(),
    place: recordPlaceSchema,
    provenance: z.enum(PROVENANCES),
    verifiedBy: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    claimedBy: z.string().nullable(),
    claimedAt: z.string().nullable(),
    employees: z.array(organisationEmployeeSchema),
    updatedAt: z.string(),
    abilities: z.object({ update: z.boolean(), verify: z.boolean() }),
  })
  .meta({ id: 'Organisation' });
export type OrganisationView = z.infer<typeof organisationViewSchema>;

export const organisationListItemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  creditCode: z.string().nullable(),
  kind: z.enum(ORG_KINDS),
  keyUnit: z.boolean(),
  legalRepName: z.string().nullable(),
  employeesCount: z.number().int().nullable(),
  place: recordPlaceSchema,
});
export const organisationPageSchema = z.object({ items: z.array(organisationListItemSchema), next: z.number().int().nullable() }).meta({ id: 'OrganisationPage' });

export const organisationListQuerySchema = z
  .object({
    areaId: idSchema.optional(),
    keyUnit: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    q: z.string().trim().min(1).max(60).optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const organisationFields = {
  name: text(100).min(2, '单位名称至少 2 个字'),
  /** 统一社会信用代码; checked on the server with its check digit (GB 32100-2015). */
  creditCode: optionalText(30),
  kind: z.enum(ORG_KINDS),
  address: optionalText(200),
  legalRepName: optionalText(50),
  legalRepPhone: optionalText(30),
  keyUnit: z.boolean(),
  fireSafetyLevel: z.enum(FIRE_SAFETY_LEVELS).nullish(),
  securityChief: optionalText(50),
  employeesCount: z.number().int().min(0).max(1_000_000).nullish(),
  industry: optionalText(60),
  dedicatedGridId: idSchema.nullish(),
  location: pointInputSchema.nullish(),
  /** The grid, building or unit the organisation sits in. */
  areaId: idSchema,
};
export const createOrganisationSchema = z
  .object({ ...organisationFields, kind: organisationFields.kind.default('enterprise'), keyUnit: organisationFields.keyUnit.default(false) })
  .strict();
export type CreateOrganisation = z.infer<typeof createOrganisationSchema>;
export const updateOrganisationSchema = z.object(organisationFields).partial().strict();
export type UpdateOrganisation = z.infer<typeof updateOrganisationSchema>;

export const organisationEmployeeInputSchema = z
  .object({ personId: idSchema, position: optionalText(50), since: dateOnlySchema.nullish() })
  .strict();
export type OrganisationEmployeeInput = z.infer<typeof organisationEmployeeInputSchema>;

export const organisationHistorySchema = historySchema;
export type RecordHistory = z.infer<typeof historySchema>;

// ---- city components ----
export const componentViewSchema = z
  .object({
    id: z.number().int(),
    identifier: z.string(),
    classCode: z.string(),
    subclassCode: z.string(),
    name: z.string(),
    state: z.enum(COMPONENT_STATES),
    ownerDept: z.string().nullable(),
    maintainerDept: z.string().nullable(),
    location: pointSchema,
    firstRecordedOn: z.string().nullable(),
    changedOn: z.string().nullable(),
    source: z.string().nullable(),
    place: recordPlaceSchema,
    provenance: z.enum(PROVENANCES),
    verifiedBy: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    updatedAt: z.string(),
    abilities: z.object({ update: z.boolean(), verify: z.boolean() }),
  })
  .meta({ id: 'CityComponent' });
export type ComponentView = z.infer<typeof componentViewSchema>;

export const componentPageSchema = z.object({ items: z.array(componentViewSchema), next: z.number().int().nullable() }).meta({ id: 'CityComponentPage' });

const codeOf = (label: string) => z.string().regex(/^\d{2}$/, `${label}为 2 位数字`);

export const componentListQuerySchema = z
  .object({
    areaId: idSchema.optional(),
    classCode: codeOf('大类代码').optional(),
    subclassCode: codeOf('小类代码').optional(),
    state: z.enum(COMPONENT_STATES).optional(),
    q: z.string().trim().min(1).max(60).optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** For the map: the components of an area as a GeoJSON FeatureCollection of points. */
export const componentGeoJsonQuerySchema = componentListQuerySchema.omit({ after: true, limit: true, q: true }).extend({ limit: z.coerce.number().int().min(1).max(5000).default(2000) });
export const componentFeatureCollectionSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.number().int(),
        geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
        properties: z.object({ identifier: z.string(), name: z.string(), classCode: z.string(), subclassCode: z.string(), state: z.enum(COMPONENT_STATES) }),
      }),
    ),
    /** More components matched than were returned. */
    truncated: z.boolean(),
  })
  .meta({ id: 'CityComponentFeatures' });

const componentFields = {
  classCode: codeOf('大类代码'),
  subclassCode: codeOf('小类代码'),
  name: text(100).min(1, '请填写部件名称'),
  state: z.enum(COMPONENT_STATES),
  ownerDept: optionalText(100),
  maintainerDept: optionalText(100),
  location: pointInputSchema,
  /** The grid to file it under; else the grid whose boundary holds the point. */
  areaId: idSchema.nullish(),
  firstRecordedOn: dateOnlySchema.nullish(),
  source: optionalText(20),
};
export const createComponentSchema = z.object({ ...componentFields, state: componentFields.state.default('intact') }).strict();
export type CreateComponent = z.infer<typeof createComponentSchema>;
export const updateComponentSchema = z
  .object({
    name: componentFields.name,
    state: componentFields.state,
    ownerDept: componentFields.ownerDept,
    maintainerDept: componentFields.maintainerDept,
    location: componentFields.location,
    changedOn: dateOnlySchema.nullish(),
    source: componentFields.source,
  })
  .partial()
  .strict();
export type UpdateComponent = z.infer<typeof updateComponentSchema>;
