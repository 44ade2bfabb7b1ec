import { z } from 'zod';
import { idSchema } from './common.ts';

/**
 * Base data (一数源): persons, households, houses, rentals, buildings' particulars, organisations,
 * city components, care groups and key-population tags, household visits. Identity numbers and
 * phones travel masked; the full value comes only from a `reveal` request with a reason (audited).
 */

export const PROVENANCES = ['entered', 'claimed', 'verified'] as const;
export type Provenance = (typeof PROVENANCES)[number];
export const POPULATION_TYPES = ['registered', 'floating', 'unsettled', 'overseas', 'lodging', 'other'] as const;
export type PopulationType = (typeof POPULATION_TYPES)[number];
/** 人户状态: 人户同在 / 户在人不在 / 人在户不在. */
export const RESIDENCE_STATUSES = ['together', 'registered_absent', 'present_unregistered'] as const;
export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent', 'other'] as const;
export const POLITICAL_STATUSES = ['party_member', 'probationary_member', 'league_member', 'democratic_party', 'masses'] as const;
export const MARITAL_STATUSES = ['single', 'married', 'divorced', 'widowed'] as const;
export const SEXES = ['male', 'female'] as const;
export const HOUSE_USES = ['residence', 'dormitory', 'shed', 'office', 'commercial', 'public_service', 'industrial', 'other'] as const;
export const HOUSE_OCCUPANCIES = ['owner', 'rented', 'vacant', 'lent', 'other'] as const;
export const BUILDING_USES = ['residential', 'commercial', 'office', 'industrial', 'mixed', 'storage', 'other'] as const;
export const RENTAL_USES = ['dormitory', 'housing', 'shop', 'warehouse', 'factory', 'other'] as const;
export const RENTAL_KINDS = ['suite', 'bungalow', 'basement', 'townhouse'] as const;
export const HAZARD_LEVELS = ['serious', 'general', 'safe'] as const;
export const VISIT_KINDS = ['routine', 'info_check', 'hazard_check', 'hardship', 'dispute'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
export const RELATIONS_TO_HEAD = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'child_in_law', 'other'] as const;

const text = (max: number) => z.string().trim().max(max, `最多 ${max} 个字`);
const optionalText = (max: number) => text(max).nullish().transform((v) => (v === '' ? null : v));
/** 'YYYY-MM-DD', a real calendar date. */
export const dateOnlySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= '1900-01-01' && v <= '2100-12-31';
  }, '不是有效日期');

/** Where a record sits: the area chain names from community down (站北社区 › 第1网格 › 3幢 › 2单元). */
export const recordPlaceSchema = z.object({
  areaId: z.number().int(),
  gridId: z.number().int().nullable(),
  gridName: z.string().nullable(),
  communityName: z.string().nullable(),
  /** Below the grid: building and unit names, if any. */
  placeName: z.string().nullable(),
});
export type RecordPlace = z.infer<typeof recordPlaceSchema>;

export const personTagViewSchema = z.object({
  id: z.number().int(),
  groupCode: z.string(),
  groupName: z.string(),
  kind: z.enum(['care', 'key']),
  attention: z.boolean(),
  reason: z.string().nullable(),
  since: z.string(),
  validUntil: z.string().nullable(),
  dangerLevel: z.enum(['high', 'medium', 'low']).nullable(),
  guardianName: z.string().nullable(),
  /** Ends within its group's reminder days (or has ended): 临期 / 到期. */
  expiring: z.boolean(),
});
export type PersonTagView = z.infer<typeof personTagViewSchema>;

export const personSummarySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    sex: z.enum(SEXES).nullable(),
    birthDate: z.string().nullable(),
    age: z.number().int().nullable(),
    idType: z.enum(ID_TYPES),
    /** 3204**********1234 */
    idMasked: z.string().nullable(),
    /** 138****5678 */
    phoneMasked: z.string().nullable(),
    populationType: z.enum(POPULATION_TYPES),
    residenceStatus: z.enum(RESIDENCE_STATUSES),
    relationToHead: z.string().nullable(),
    householdId: z.number().int().nullable(),
    address: z.string().nullable(),
    place: recordPlaceSchema,
    provenance: z.enum(PROVENANCES),
    tags: z.array(z.object({ groupCode: z.string(), groupName: z.string(), attention: z.boolean() })),
    deceased: z.boolean(),
  })
  .meta({ id: 'PersonSummary' });
export type PersonSummary = z.infer<typeof personSummarySchema>;

export const personDetailSchema = personSummarySchema
  .extend({
    formerName: z.string().nullable(),
    ethnicity: z.string().nullable(),
    politicalStatus: z.enum(POLITICAL_STATUSES).nullable(),
    education: z.string().nullable(),
    occupation: z.string().nullable(),
    workUnit: z.string().nullable(),
    maritalStatus: z.enum(MARITAL_STATUSES).nullable(),
    registrationRegion: z.string().nullable(),
    registrationAddress: z.string().nullable(),
    currentAddress: z.string().nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    movedOutOn: z.string().nullable(),
    verifiedBy: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    /** 认领: who claimed the record into their grid from the community's waiting list, and when. */
    claimedBy: z.string().nullable(),
    claimedAt: z.string().nullable(),
    mergedInto: z.number().int().nullable(),
    tagsDetail: z.array(personTagViewSchema),
    /** Possible duplicates still open (same ID number, or same name + birth date + address). */
    duplicates: z.array(z.object({ id: z.number().int(), personId: z.number().int(), name: z.string(), reason: z.enum(['same_id', 'same_name_birth_address']) })),
    createdAt: z.string(),
    updatedAt: z.string(),
    abilities: z.object({ update: z.boolean(), reveal: z.boolean(), verify: z.boolean() }),
  })
  .meta({ id: 'PersonDetail' });
export type PersonDetail = z.infer<typeof personDetailSchema>;

/**
 * Search: `q` is a name, pinyin or initials prefix, a full ID number, a phone number or an address (3栋2单元,
 * 站北花园3-2-501, a road's name) — recognised by shape; `by` settles a text that could be either a name or an
 * address. Combines with the filters (area, household, population type, 人户状态, group).
 */
export const personSearchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(40).optional(),
    by: z.enum(['name', 'address']).optional(),
    areaId: idSchema.optional(),
    householdId: idSchema.optional(),
    populationType: z.enum(POPULATION_TYPES).optional(),
    residenceStatus: z.enum(RESIDENCE_STATUSES).optional(),
    group: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/).optional(),
    /** Only persons with a tag (of a group this user may see) that ends within its group's reminder days, or has ended: 到期提醒. */
    expiring: z.enum(['1', 'true']).optional(),
    /** Keyset cursor from the previous page (opaque). */
    after: z.string().regex(/^[0-9A-Za-z_-]{1,300}$/).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type PersonSearchQuery = z.infer<typeof personSearchQuerySchema>;
export const personPageSchema = z
  .object({ items: z.array(personSummarySchema), next: z.string().nullable(), matchedBy: z.enum(['all', 'name', 'pinyin', 'initials', 'id_number', 'phone', 'address']) })
  .meta({ id: 'PersonPage' });
export type PersonPage = z.infer<typeof personPageSchema>;

const personFields = {
  name: z.string().trim().min(1, '请输入姓名').max(50),
  formerName: optionalText(50),
  idType: z.enum(ID_TYPES),
  /** Checked on the server (GB 11643 check digit; birth date and sex are derived from it). */
  idNumber: optionalText(40),
  birthDate: dateOnlySchema.nullish(),
  sex: z.enum(SEXES).nullish(),
  ethnicity: optionalText(20),
  politicalStatus: z.enum(POLITICAL_STATUSES).nullish(),
  education: optionalText(20),
  occupation: optionalText(50),
  workUnit: optionalText(100),
  maritalStatus: z.enum(MARITAL_STATUSES).nullish(),
  phone: optionalText(30),
  populationType: z.enum(POPULATION_TYPES),
  residenceStatus: z.enum(RESIDENCE_STATUSES),
  relationToHead: optionalText(20),
  registrationRegion: z.string().regex(/^\d{6}$/, '户籍地区划为 6 位代码').nullish(),
  registrationAddress: optionalText(200),
  currentAddress: optionalText(200),
  details: z.record(z.string().max(40), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).refine((v) => Object.keys(v).length <= 30, '附加字段最多 30 项').optional(),
  deceased: z.boolean().optional(),
  movedOutOn: dateOnlySchema.nullish(),
};

export const createPersonSchema = z
  .object({
    ...personFields,
    idType: personFields.idType.default('resident_id'),
    populationType: personFields.populationType.default('registered'),
    residenceStatus: personFields.residenceStatus.default('together'),
    /** The grid, building or unit the person lives in; or the household's place when householdId is given. */
    areaId: idSchema.optional(),
    householdId: idSchema.optional(),
  })
  .strict()
  .refine((v) => v.areaId !== undefined || v.householdId !== undefined, { message: '请选择所在网格或户', path: ['areaId'] });
export type CreatePerson = z.infer<typeof createPersonSchema>;

export const updatePersonSchema = z
  .object({ ...personFields, areaId: idSchema, householdId: idSchema.nullable() })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的字段' });
export type UpdatePerson = z.infer<typeof updatePersonSchema>;

export const REVEAL_FIELDS = ['idNumber', 'phone'] as const;
export const revealRequestSchema = z
  .object({
    field: z.enum(REVEAL_FIELDS),
    reason: z.string().trim().min(4, '请写明查看原因（至少 4 个字）').max(200),
  })
  .strict();
export const revealedValueSchema = z.object({ field: z.enum(REVEAL_FIELDS), value: z.string().nullable() }).meta({ id: 'RevealedValue' });

export const historyEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    action: z.string(),
    source: z.string(),
    actorName: z.string().nullable(),
    /** field → [before, after]; protected fields masked. */
    changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
  })
  .meta({ id: 'HistoryEntry' });
export const historySchema = z.object({ items: z.array(historyEntrySchema) }).meta({ id: 'History' });

// ---- households ----
export const householdViewSchema = z
  .object({
    id: z.number().int(),
    householdNo: z.string().nullable(),
    kind: z.enum(['family', 'collective']),
    houseId: z.number().int().nullable(),
    address: z.string().nullable(),
    registrationAddress: z.string().nullable(),
    homePhoneMasked: z.string().nullable(),
    headName: z.string().nullable(),
    place: recordPlaceSchema,
    provenance: z.enum(PROVENANCES),
    members: z.array(personSummarySchema),
    lastVisit: z.object({ visitedOn: z.string(), kind: z.enum(VISIT_KINDS), workerName: z.string() }).nullable(),
    visits: z.number().int(),
  })
  .meta({ id: 'Household' });
export type HouseholdView = z.infer<typeof householdViewSchema>;

export const householdListQuerySchema = z
  .object({
    areaId: idSchema.optional(),
    q: z.string().trim().min(1).max(40).optional(),
    notVisitedSince: dateOnlySchema.optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export const householdListItemSchema = z.object({
  id: z.number().int(),
  householdNo: z.string().nullable(),
  address: z.string().nullable(),
  headName: z.string().nullable(),
  members: z.number().int(),
  place: recordPlaceSchema,
  lastVisitOn: z.string().nullable(),
});
export const householdPageSchema = z.object({ items: z.array(householdListItemSchema), next: z.number().int().nullable() }).meta({ id: 'HouseholdPage' });

export const createHouseholdSchema = z
  .object({
    houseId: idSchema.optional(),
    areaId: idSchema.optional(),
    householdNo: optionalText(30),
    kind: z.enum(['family', 'collective']).default('family'),
    registrationAddress: optionalText(200),
    homePhone: optionalText(30),
  })
  .strict()
  .refine((v) => v.houseId !== undefined || v.areaId !== undefined, { message: '请选择房屋或所在网格', path: ['houseId'] });
export type CreateHousehold = z.infer<typeof createHouseholdSchema>;

// ---- buildings and houses ----
export const buildingProfileSchema = z
  .object({
    use: z.enum(BUILDING_USES).nullish(),
    floorsAbove: z.number().int().min(0).max(200).nullish(),
    floorsBelow: z.number().int().min(0).max(20).nullish(),
    unitsCount: z.number().int().min(0).max(100).nullish(),
    builtYear: z.number().int().min(1800).max(2100).nullish(),
    structure: optionalText(20),
    propertyManager: optionalText(100),
    propertyPhone: optionalText(30),
    headName: optionalText(50),
    headPhone: optionalText(30),
    hazard: z.boolean().optional(),
    hazardNote: optionalText(500),
  })
  .strict();
export type BuildingProfileInput = z.infer<typeof buildingProfileSchema>;

export const houseCellSchema = z.object({
  id: z.number().int(),
  room: z.string().nullable(),
  floor: z.number().int().nullable(),
  unitId: z.number().int().nullable(),
  use: z.enum(HOUSE_USES),
  occupancy: z.enum(HOUSE_OCCUPANCIES),
  floorArea: z.number().nullable(),
  households: z.number().int(),
  residents: z.number().int(),
  rental: z.object({ id: z.number().int(), hazardLevel: z.enum(HAZARD_LEVELS), occupants: z.number().int(), occupantLimit: z.number().int().nullable() }).nullable(),
  dangerous: z.boolean(),
  /** Residents in care or key groups this user may see. */
  attention: z.number().int(),
});
export type HouseCell = z.infer<typeof houseCellSchema>;

/** 楼盘表: a building floor by floor, rooms as cells. */
export const buildingBoardSchema = z
  .object({
    buildingId: z.number().int(),
    name: z.string(),
    code: z.string(),
    place: recordPlaceSchema,
    profile: z.object({
      use: z.enum(BUILDING_USES).nullable(),
      floorsAbove: z.number().int().nullable(),
      floorsBelow: z.number().int().nullable(),
      unitsCount: z.number().int().nullable(),
      builtYear: z.number().int().nullable(),
      structure: z.string().nullable(),
      propertyManager: z.string().nullable(),
      propertyPhoneMasked: z.string().nullable(),
      headName: z.string().nullable(),
      headPhoneMasked: z.string().nullable(),
      hazard: z.boolean(),
      hazardNote: z.string().nullable(),
      provenance: z.enum(PROVENANCES),
    }),
    units: z.array(z.object({ id: z.number().int(), name: z.string() })),
    floors: z.array(z.object({ floor: z.number().int().nullable(), houses: z.array(houseCellSchema) })),
    totals: z.object({ houses: z.number().int(), households: z.number().int(), residents: z.number().int(), rentals: z.number().int(), vacant: z.number().int() }),
    abilities: z.object({ update: z.boolean() }),
  })
  .meta({ id: 'BuildingBoard' });
export type BuildingBoard = z.infer<typeof buildingBoardSchema>;

const houseFields = {
  floor: z.number().int().min(-20).max(200).nullish(),
  room: optionalText(20),
  floorArea: z.number().positive().max(99999).nullish(),
  use: z.enum(HOUSE_USES).default('residence'),
  occupancy: z.enum(HOUSE_OCCUPANCIES).default('owner'),
  ownerName: optionalText(50),
  ownerType: z.enum(['person', 'organisation', 'public']).nullish(),
  ownerIdNumber: optionalText(40),
  ownerPhone: optionalText(30),
  propertyCertNo: optionalText(50),
  landCertNo: optionalText(50),
  builtYear: z.number().int().min(1800).max(2100).nullish(),
  dangerous: z.boolean().optional(),
};
export const createHouseSchema = z
  .object({ areaId: idSchema, address: optionalText(200), ...houseFields })
  .strict();
export type CreateHouse = z.infer<typeof createHouseSchema>;

export const houseViewSchema = z
  .object({
    id: z.number().int(),
    address: z.string(),
    floor: z.number().int().nullable(),
    room: z.string().nullable(),
    floorArea: z.number().nullable(),
    use: z.enum(HOUSE_USES),
    occupancy: z.enum(HOUSE_OCCUPANCIES),
    ownerName: z.string().nullable(),
    ownerType: z.string().nullable(),
    ownerIdMasked: z.string().nullable(),
    ownerPhoneMasked: z.string().nullable(),
    propertyCertNo: z.string().nullable(),
    landCertNo: z.string().nullable(),
    builtYear: z.number().int().nullable(),
    dangerous: z.boolean(),
    place: recordPlaceSchema,
    provenance: z.enum(PROVENANCES),
    households: z.array(householdListItemSchema),
    rental: z.lazy(() => rentalViewSchema).nullable(),
  })
  .meta({ id: 'House' });

export const rentalInputSchema = z
  .object({
    lessorName: z.string().trim().min(1, '请输入出租人').max(50),
    lessorIdNumber: optionalText(40),
    lessorPhone: optionalText(30),
    filingNo: optionalText(50),
    filedOn: dateOnlySchema.nullish(),
    leaseFrom: dateOnlySchema.nullish(),
    leaseTo: dateOnlySchema.nullish(),
    roomsLet: z.number().int().min(0).max(500).nullish(),
    monthlyRent: z.number().min(0).max(10_000_000).nullish(),
    use: z.enum(RENTAL_USES).default('housing'),
    kind: z.enum(RENTAL_KINDS).nullish(),
    occupantLimit: z.number().int().min(0).max(1000).nullish(),
    occupants: z.number().int().min(0).max(1000).default(0),
    fireExits: z.boolean().nullish(),
    safetyPledge: z.boolean().default(false),
    hazardLevel: z.enum(HAZARD_LEVELS).default('safe'),
  })
  .strict()
  .refine((v) => !v.leaseFrom || !v.leaseTo || v.leaseTo >= v.leaseFrom, { message: '租期结束不能早于开始', path: ['leaseTo'] });
export type RentalInput = z.infer<typeof rentalInputSchema>;

export const rentalViewSchema = z
  .object({
    id: z.number().int(),
    houseId: z.number().int(),
    lessorName: z.string(),
    lessorIdMasked: z.string().nullable(),
    lessorPhoneMasked: z.string().nullable(),
    filingNo: z.string().nullable(),
    filedOn: z.string().nullable(),
    leaseFrom: z.string().nullable(),
    leaseTo: z.string().nullable(),
    roomsLet: z.number().int().nullable(),
    monthlyRent: z.number().nullable(),
    use: z.enum(RENTAL_USES),
    kind: z.enum(RENTAL_KINDS).nullable(),
    occupantLimit: z.number().int().nullable(),
    occupants: z.number().int(),
    /** More occupants than the limit: 超员. */
    overcrowded: z.boolean(),
    fireExits: z.boolean().nullable(),
    safetyPledge: z.boolean(),
    hazardLevel: z.enum(HAZARD_LEVELS),
    provenance: z.enum(PROVENANCES),
    verifiedBy: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    abilities: z.object({ verify: z.boolean() }),
    inspections: z.array(z.object({ id: z.number().int(), inspectedOn: z.string(), hazardLevel: z.enum(HAZARD_LEVELS), findings: z.string().nullable(), inspectorName: z.string() })),
  })
  .meta({ id: 'Rental' });
export type RentalView = z.infer<typeof rentalViewSchema>;

export const inspectionInputSchema = z
  .object({ inspectedOn: dateOnlySchema, hazardLevel: z.enum(HAZARD_LEVELS), findings: optionalText(1000) })
  .strict();

// ---- visits ----
export const visitInputSchema = z
  .object({
    householdId: idSchema,
    visitedOn: dateOnlySchema,
    kind: z.enum(VISIT_KINDS),
    findings: optionalText(2000),
    followUp: optionalText(1000),
    /** Where the phone was, WGS84 (the browser's geolocation). */
    location: z.object({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), accuracy: z.number().min(0).max(100000).optional() }).nullish(),
    /** Changes seen on the visit, proposed to the records; the community confirms them. */
    proposals: z
      .array(
        z.object({
          recordType: z.enum(['household', 'person']),
          recordId: idSchema.nullish(),
          changes: z.record(z.string().max(40), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
          note: optionalText(500),
        }),
      )
      .max(20)
      .default([]),
    /**
     * Problems found on the visit (发现问题，上报事件): each becomes a case (channel household_visit) in the
     * household's grid, at its address, linked to the visit, in the same transaction.
     */
    problems: z
      .array(
        z.object({
          itemCode: z.string().trim().min(1, '请选择事项').max(20),
          title: z.string().trim().min(1).max(100, '标题最多 100 个字').optional(),
          description: z.string().trim().min(1, '请描述发现的问题').max(4000, '描述最多 4000 个字'),
          urgency: z.enum(['normal', 'urgent', 'emergency']).optional(),
        }),
      )
      .max(5, '一次走访最多上报 5 个问题')
      .default([]),
    /** A phone's retry of the same submission carries the same key and changes nothing. */
    clientKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
  })
  .strict();
export type VisitInput = z.infer<typeof visitInputSchema>;

export const visitViewSchema = z
  .object({
    id: z.number().int(),
    householdId: z.number().int(),
    visitedOn: z.string(),
    kind: z.enum(VISIT_KINDS),
    findings: z.string().nullable(),
    followUp: z.string().nullable(),
    workerName: z.string(),
    locationCheck: z.enum(['inside', 'outside', 'none']),
    distanceM: z.number().int().nullable(),
    proposals: z.number().int(),
    /** The cases this visit reported (when it is the answer to recording it). */
    cases: z.array(z.object({ id: z.number().int(), caseNo: z.string() })).optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Visit' });
export type VisitView = z.infer<typeof visitViewSchema>;

export const visitCoverageQuerySchema = z
  .object({ areaId: idSchema, from: dateOnlySchema, to: dateOnlySchema })
  .strict()
  .refine((v) => v.to >= v.from, { message: '结束日期不能早于开始日期', path: ['to'] });
export const visitCoverageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    grids: z.array(z.object({ gridId: z.number().int(), gridName: z.string(), households: z.number().int(), visited: z.number().int(), share: z.number(), visits: z.number().int() })),
    totals: z.object({ households: z.number().int(), visited: z.number().int(), share: z.number(), visits: z.number().int() }),
  })
  .meta({ id: 'VisitCoverage' });
export type VisitCoverage = z.infer<typeof visitCoverageSchema>;

export const proposalViewSchema = z
  .object({
    id: z.number().int(),
    recordType: z.enum(['household', 'person', 'house']),
    recordId: z.number().int().nullable(),
    recordName: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()),
    note: z.string().nullable(),
    status: z.enum(['pending', 'confirmed', 'rejected']),
    proposedBy: z.string(),
    proposedAt: z.string(),
    place: recordPlaceSchema,
  })
  .meta({ id: 'RecordProposal' });
export const proposalDecisionSchema = z.object({ decision: z.enum(['confirm', 'reject']), note: optionalText(500) }).strict();

// ---- groups and tags ----
export const personGroupSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(['care', 'key']),
    sensitive: z.boolean(),
    withDangerLevel: z.boolean(),
    remindDays: z.number().int(),
    /** Tagged persons in the caller's scope. */
    count: z.number().int(),
  })
  .meta({ id: 'PersonGroup' });
export const tagInputSchema = z
  .object({
    groupCode: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/),
    attention: z.boolean().default(false),
    reason: optionalText(500),
    since: dateOnlySchema,
    validUntil: dateOnlySchema.nullish(),
    dangerLevel: z.enum(['high', 'medium', 'low']).nullish(),
    guardianName: optionalText(50),
    guardianPhone: optionalText(30),
  })
  .strict()
  .refine((v) => !v.validUntil || v.validUntil >= v.since, { message: '截止日期不能早于开始日期', path: ['validUntil'] });
export type TagInput = z.infer<typeof tagInputSchema>;

export const mergePersonsSchema = z
  .object({ keepId: idSchema, mergeId: idSchema, note: z.string().trim().min(2, '请写明合并依据').max(500) })
  .strict()
  .refine((v) => v.keepId !== v.mergeId, { message: '不能与自己合并', path: ['mergeId'] });

export const verifyRecordSchema = z.object({ note: optionalText(200) }).strict();

export const basedataOverviewSchema = z
  .object({
    persons: z.number().int(),
    households: z.number().int(),
    houses: z.number().int(),
    rentals: z.number().int(),
    byPopulationType: z.record(z.string(), z.number().int()),
    attention: z.number().int(),
    pendingProposals: z.number().int(),
    openDuplicates: z.number().int(),
    expiringTags: z.number().int(),
  })
  .meta({ id: 'BasedataOverview' });
export type BasedataOverview = z.infer<typeof basedataOverviewSchema>;

// ---- group configuration (system admin) ----
export const groupConfigSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(['care', 'key']),
    sensitive: z.boolean(),
    visibleRoles: z.array(z.string()),
    withDangerLevel: z.boolean(),
    remindDays: z.number().int(),
    sortOrder: z.number().int(),
    active: z.boolean(),
  })
  .meta({ id: 'GroupConfig' });
export type GroupConfig = z.infer<typeof groupConfigSchema>;

/** Roles whose members may be granted sight of a group (the admins of 三权分立 never). */
export const GROUP_VIEWER_ROLES = ['area_admin', 'grid_leader', 'grid_worker', 'dept_staff', 'party_member', 'volunteer'] as const;

const groupFields = {
  name: z.string().trim().min(2, '名称至少 2 个字').max(30),
  sensitive: z.boolean(),
  visibleRoles: z.array(z.enum(GROUP_VIEWER_ROLES)).min(1, '至少选择一个可见角色').max(GROUP_VIEWER_ROLES.length),
  withDangerLevel: z.boolean(),
  remindDays: z.number().int().min(0).max(365),
  sortOrder: z.number().int().min(0).max(10000),
  active: z.boolean(),
};
export const createGroupSchema = z
  .object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, '代码为小写字母开头的字母、数字、下划线'), kind: z.enum(['care', 'key']), ...groupFields })
  .strict();
export type CreateGroup = z.infer<typeof createGroupSchema>;
export const updateGroupSchema = z
  .object(groupFields)
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的字段' });
export type UpdateGroup = z.infer<typeof updateGroupSchema>;

/** A house's protected values: its owner's and (when let) its lessor's ID number and phone. */
export const HOUSE_REVEAL_FIELDS = ['ownerIdNumber', 'ownerPhone', 'lessorIdNumber', 'lessorPhone'] as const;
export const houseRevealRequestSchema = z
  .object({ field: z.enum(HOUSE_REVEAL_FIELDS), reason: z.string().trim().min(4, '请写明查看原因（至少 4 个字）').max(200) })
  .strict();
export const houseRevealedValueSchema = z.object({ field: z.enum(HOUSE_REVEAL_FIELDS), value: z.string().nullable() }).meta({ id: 'HouseRevealedValue' });
