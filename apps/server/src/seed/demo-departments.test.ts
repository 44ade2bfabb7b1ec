import { describe, expect, it } from 'vitest';
import { JINGKAI_DISTRICT_CODE, JINGKAI_TOWNSHIPS, jingkaiDivisions } from './demo.ts';
import { DEMO_ACCOUNTS } from './demo-accounts.ts';
import { planDemoDepartments } from './demo-departments.ts';

describe('the demo district’s departments', () => {
  const plan = planDemoDepartments(jingkaiDivisions(), JINGKAI_DISTRICT_CODE);

  it('has one department of a kind per served area, as routing requires', () => {
    const seen = new Set<string>();
    for (const d of plan) {
      for (const code of d.servedCodes) {
        const key = `${d.kind}@${code}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
    }
    expect(new Set(plan.map((d) => d.name)).size).toBe(plan.length);
  });

  it('gives every street its police station serving each of its communities, and the district its bureaus', () => {
    const divisions = jingkaiDivisions();
    for (const town of JINGKAI_TOWNSHIPS) {
      const stations = plan.filter((d) => d.kind === 'public_security' && d.areaCode === town);
      expect(stations).toHaveLength(1);
      const communities = divisions.filter((d) => d.parentCode === town && d.level === 'community').map((d) => d.code);
      expect(stations[0]?.servedCodes.sort()).toEqual(communities.sort());
    }
    expect(plan.find((d) => d.name === '戚墅堰派出所')?.areaCode).toBe('320412001000');
    const bureaus = plan.filter((d) => d.level === 'district');
    expect(bureaus.every((d) => d.areaCode === JINGKAI_DISTRICT_CODE && d.servedCodes.join() === JINGKAI_DISTRICT_CODE)).toBe(true);
    expect(bureaus.map((d) => d.kind)).toEqual(expect.arrayContaining(['public_security', 'urban_management', 'housing', 'civil_affairs', 'market_regulation', 'utilities']));
  });

  it('names an existing department for every demo department account, on the department’s own area', () => {
    const staff = DEMO_ACCOUNTS.filter((a) => a.roles.includes('dept_staff'));
    expect(staff.map((a) => a.username)).toEqual(['pcs_staff', 'cg_staff']);
    for (const a of staff) expect(plan.find((d) => d.name === a.department)?.areaCode, a.username).toBe(a.areaCode);
  });
});
