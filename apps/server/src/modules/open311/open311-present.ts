import type { AffairItem, CaseState, HandlingLevel } from '@redgrid/contracts';

/**
 * GeoReport v2 as our cases read to it (pure): our states folded into open/closed with the step in
 * words as status_notes, w3c datetimes in Beijing time, the catalogue's custom fields as a service
 * definition's attributes, and the attributes a client posts checked against them.
 */

const CLOSED: ReadonlySet<CaseState> = new Set(['closed', 'closed_unfixed', 'rejected', 'merged']);

export function open311Status(state: CaseState): 'open' | 'closed' {
  return CLOSED.has(state) ? 'closed' : 'open';
}

const LEVEL_NAME: Record<HandlingLevel | 'department', string> = { grid: '网格', community: '社区', town: '街道（镇）', district: '区', department: '职能部门' };

/** Where the case stands, in the words a resident understands (e.g. 已受理，社区处理中). */
export function open311StatusNotes(state: CaseState, holderLevel: string): string {
  const at = LEVEL_NAME[holderLevel as HandlingLevel | 'department'] ?? '';
  switch (state) {
    case 'reported':
      return `已上报，待${at}受理`;
    case 'accepted':
      return `已受理，${at}处理中`;
    case 'dispatched':
      return '已派遣至职能部门，待部门签收';
    case 'handling':
      return '职能部门处理中';
    case 'handled':
      return '已处置，待网格员核查';
    case 'suspended':
      return '暂缓办理（挂账）';
    case 'closed':
      return '已办结';
    case 'closed_unfixed':
      return '已结案（未能解决）';
    case 'rejected':
      return '不予受理';
    case 'merged':
      return '已与同一问题的其他事件合并办理';
  }
}

const BEIJING_MS = 8 * 3600_000;

/** A w3c datetime with its offset, in Beijing time (2026-12-07T10:00:00+08:00). */
export function w3cDatetime(at: Date | null | undefined): string | null {
  if (!at) return null;
  return `${new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

type CustomField = AffairItem['customFields'][number];

const DATATYPE: Record<CustomField['type'], string> = { text: 'string', number: 'number', date: 'datetime', select: 'singlevaluelist', boolean: 'singlevaluelist' };

/** A service definition's attributes from an item's custom fields. */
export function attributesOf(fields: readonly CustomField[]) {
  return fields.map((f, i) => ({
    variable: true,
    code: f.key,
    datatype: DATATYPE[f.type],
    required: f.required,
    datatype_description: f.type === 'date' ? '日期，ISO 8601 格式（如 2026-12-07）' : f.type === 'number' ? '数字' : null,
    order: i + 1,
    description: f.label,
    values: f.type === 'select' ? f.options.map((o) => ({ key: o, name: o })) : f.type === 'boolean' ? [{ key: 'true', name: '是' }, { key: 'false', name: '否' }] : [],
  }));
}

/**
 * The posted attributes as the case's custom fields, or the problems (one message per attribute).
 * Unknown codes are ignored, as a client built against yesterday's definition may send one.
 */
export function customFieldsFromAttributes(fields: readonly CustomField[], posted: Readonly<Record<string, string | string[]>>): { values: Record<string, string | number | boolean>; problems: string[] } {
  const values: Record<string, string | number | boolean> = {};
  const problems: string[] = [];
  for (const f of fields) {
    const raw = posted[f.key];
    const given = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
    if (given === '') {
      if (f.required) problems.push(`attribute[${f.key}] (${f.label}) is required`);
      continue;
    }
    if (given.length > 500) problems.push(`attribute[${f.key}] is longer than 500 characters`);
    else if (f.type === 'number') {
      const n = Number(given);
      if (!Number.isFinite(n)) problems.push(`attribute[${f.key}] must be a number`);
      else values[f.key] = n;
    } else if (f.type === 'date') {
      if (!/^\d{4}-\d{2}-\d{2}/.test(given) || Number.isNaN(Date.parse(given))) problems.push(`attribute[${f.key}] must be an ISO 8601 date`);
      else values[f.key] = given.slice(0, 10);
    } else if (f.type === 'select') {
      if (!f.options.includes(given)) problems.push(`attribute[${f.key}] must be one of: ${f.options.join(', ')}`);
      else values[f.key] = given;
    } else if (f.type === 'boolean') {
      if (given !== 'true' && given !== 'false') problems.push(`attribute[${f.key}] must be true or false`);
      else values[f.key] = given === 'true';
    } else values[f.key] = given;
  }
  return { values, problems };
}

/** A reporter's name as the spec splits it, in the order its script writes it (张 三 → 张三; John Smith). */
export function fullName(first: string | undefined, last: string | undefined): string | null {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return null;
  return /[\u3400-\u9fff]/.test(f + l) ? `${l}${f}` : [f, l].filter(Boolean).join(' ');
}

/** Rounds a public point of a case not filed in public to about 100 m (3 decimals). */
export function coarse(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}
