import {
  AFFAIR_URGENCIES,
  AREA_GRADES,
  CUSTOM_FIELD_TYPES,
  DEPARTMENT_KINDS,
  HANDLING_LEVELS,
  TIME_LIMIT_UNITS,
  type AffairItem,
  type AffairItemData,
  type AreaGrade,
  type TimeLimitUnit,
} from '@redgrid/contracts';
import { z } from 'zod';
import type { ItemRow, ItemValues } from './affairs.repository.ts';

/** Pure: an item row as the contract shows it, its values as the table stores them, the limits for a grade. */

const gradeLimitsStored = z.partialRecord(z.enum(AREA_GRADES), z.object({ acceptYellow: z.number(), acceptRed: z.number(), handleYellow: z.number(), handleRed: z.number() }));
const customFieldsStored = z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(CUSTOM_FIELD_TYPES), options: z.array(z.string()), required: z.boolean() }));
const copyToStored = z.object({ levels: z.array(z.enum(HANDLING_LEVELS)), departmentKinds: z.array(z.enum(DEPARTMENT_KINDS)) });

/** jsonb arrives parsed from both engines; a string (a driver without the parser) is parsed here. */
function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

export function presentItem(r: ItemRow): AffairItem {
  return {
    id: Number(r.id),
    areaId: Number(r.areaId),
    code: r.code,
    name: r.name,
    categoryId: Number(r.categoryId),
    categoryCode: r.categoryCode,
    handlingLevel: z.enum(HANDLING_LEVELS).parse(r.handlingLevel),
    departmentKind: r.departmentKind === null ? null : z.enum(DEPARTMENT_KINDS).parse(r.departmentKind),
    filingConditions: r.filingConditions,
    closingConditions: r.closingConditions,
    acceptYellow: r.acceptYellow,
    acceptRed: r.acceptRed,
    acceptUnit: z.enum(TIME_LIMIT_UNITS).parse(r.acceptUnit),
    handleYellow: r.handleYellow,
    handleRed: r.handleRed,
    handleUnit: z.enum(TIME_LIMIT_UNITS).parse(r.handleUnit),
    gradeLimits: gradeLimitsStored.parse(json(r.gradeLimits)),
    customFields: customFieldsStored.parse(json(r.customFields)),
    residentReportable: r.residentReportable,
    maySkipLevel: r.maySkipLevel,
    copyTo: copyToStored.parse(json(r.copyTo)),
    urgencyDefault: z.enum(AFFAIR_URGENCIES).parse(r.urgencyDefault),
    cjtCode: r.cjtCode,
    active: r.active,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Sorted keys, so equal values store as equal text and an unchanged import is recognised as such. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function itemValues(d: Omit<AffairItemData, 'categoryId'>, categoryId: number): ItemValues {
  return {
    category_id: categoryId,
    code: d.code,
    name: d.name,
    handling_level: d.handlingLevel,
    department_kind: d.departmentKind,
    filing_conditions: d.filingConditions,
    closing_conditions: d.closingConditions,
    accept_yellow: d.acceptYellow,
    accept_red: d.acceptRed,
    accept_unit: d.acceptUnit,
    handle_yellow: d.handleYellow,
    handle_red: d.handleRed,
    handle_unit: d.handleUnit,
    grade_limits: stableJson(d.gradeLimits),
    custom_fields: stableJson(d.customFields),
    resident_reportable: d.residentReportable,
    may_skip_level: d.maySkipLevel,
    copy_to: stableJson(d.copyTo),
    urgency_default: d.urgencyDefault,
    cjt_code: d.cjtCode,
    active: d.active,
  };
}

/** Whether saving `next` over the stored item would change anything a user would notice. */
export function sameItem(stored: AffairItem, next: ItemValues): boolean {
  const current = itemValues({ ...stored }, stored.categoryId);
  return (Object.keys(current) as (keyof ItemValues)[]).every((k) => current[k] === next[k]);
}

export interface StepLimit {
  yellow: number;
  red: number;
  unit: TimeLimitUnit;
}

/**
 * The accept and handle limits of an item for an area of the given grade: the grade's override when
 * the item has one, else the item's own. Areas carry no grade yet (a later change), so callers pass
 * none and get the item's own limits.
 */
export function limitsFor(item: Pick<AffairItem, 'acceptYellow' | 'acceptRed' | 'acceptUnit' | 'handleYellow' | 'handleRed' | 'handleUnit' | 'gradeLimits'>, grade?: AreaGrade | null): { accept: StepLimit; handle: StepLimit } {
  const g = grade ? item.gradeLimits[grade] : undefined;
  return {
    accept: { yellow: g?.acceptYellow ?? item.acceptYellow, red: g?.acceptRed ?? item.acceptRed, unit: item.acceptUnit },
    handle: { yellow: g?.handleYellow ?? item.handleYellow, red: g?.handleRed ?? item.handleRed, unit: item.handleUnit },
  };
}
