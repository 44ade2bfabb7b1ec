import { CASE_ACTIONS, CASE_STATES, type CaseState } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { RULES, allowedActions, applyEvent, decide, fold, levelAbove, reportedCase, type CaseEvent, type CaseSnapshot, type Holder, type Relation } from './case-workflow.ts';

const grid: Holder = { level: 'grid', areaId: 11, departmentId: null };
const community: Holder = { level: 'community', areaId: 10, departmentId: null };
const town: Holder = { level: 'town', areaId: 9, departmentId: null };
const district: Holder = { level: 'district', areaId: 8, departmentId: null };
const police: Holder = { level: 'department', areaId: null, departmentId: 501 };
const grid12: Holder = { level: 'grid', areaId: 12, departmentId: null };

const noSkip = { maySkipLevel: false };
const rel = (...r: Relation[]): ReadonlySet<Relation> => new Set(r);

/** A case brought to a state by a plausible path, so the fixtures are themselves folds of real timelines. */
function caseIn(state: CaseState, holder: Holder = grid): CaseSnapshot {
  const at = (events: CaseEvent[]): CaseSnapshot => fold([{ action: 'report', holder }, ...events]);
  switch (state) {
    case 'reported':
      return at([]);
    case 'accepted':
      return at([{ action: 'accept' }]);
    case 'handling':
      return at([{ action: 'accept' }, { action: 'handle', result: 'x' }, { action: 'verify_fail', reason: 'y' }]);
    case 'handled':
      return at([{ action: 'accept' }, { action: 'handle', result: 'x' }]);
    case 'dispatched':
      return fold([{ action: 'report', holder: community }, { action: 'accept' }, { action: 'dispatch', to: police }]);
    case 'suspended':
      return at([{ action: 'accept' }, { action: 'suspend', reason: 'r' }]);
    case 'closed':
      return at([{ action: 'accept' }, { action: 'handle', result: 'x' }, { action: 'verify_pass' }]);
    case 'closed_unfixed':
      return at([{ action: 'accept' }, { action: 'close_unfixed', reason: 'r' }]);
    case 'rejected':
      return at([{ action: 'reject', reason: 'r' }]);
    case 'merged':
      return at([{ action: 'merge', into: 7 }]);
  }
}

describe('the transition table', () => {
  // [state, holder, action, relations, expected state | error code]
  const table: [CaseState, Holder, CaseEvent, Relation[], CaseState | 'transition_not_allowed' | 'not_permitted' | 'invalid'][] = [
    ['reported', grid, { action: 'accept' }, ['holder'], 'accepted'],
    ['reported', grid, { action: 'accept' }, ['above'], 'not_permitted'],
    ['reported', grid, { action: 'reject', reason: '不属于网格事项' }, ['holder'], 'rejected'],
    ['accepted', grid, { action: 'reject', reason: 'late' }, ['holder'], 'transition_not_allowed'],
    // 自办自结: only a grid, only with evidence
    ['reported', grid, { action: 'self_close', evidence: 1 }, ['holder'], 'closed'],
    ['accepted', grid, { action: 'self_close', evidence: 0 }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'self_close', evidence: 2 }, ['holder'], 'not_permitted'],
    ['closed', grid, { action: 'self_close', evidence: 1 }, ['holder'], 'transition_not_allowed'],
    // escalation one level at a time
    ['accepted', grid, { action: 'escalate', to: community, reason: '需社区协调' }, ['holder'], 'reported'],
    ['accepted', grid, { action: 'escalate', to: town, reason: 'skip' }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'escalate', to: grid, reason: 'down' }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'escalate', to: police, reason: 'dept' }, ['holder'], 'invalid'],
    ['accepted', district, { action: 'escalate', to: district, reason: 'top' }, ['holder'], 'not_permitted'],
    ['accepted', grid, { action: 'escalate', to: community, reason: 'x' }, ['grid'], 'not_permitted'],
    // whistle: community and above dispatch; the department reports in, handles or returns
    ['accepted', community, { action: 'dispatch', to: police }, ['holder'], 'dispatched'],
    ['accepted', grid, { action: 'dispatch', to: police }, ['holder'], 'not_permitted'],
    ['accepted', community, { action: 'dispatch', to: town }, ['holder'], 'invalid'],
    ['dispatched', police, { action: 'acknowledge' }, ['holder'], 'handling'],
    ['dispatched', police, { action: 'handle', result: 'done' }, ['holder'], 'transition_not_allowed'],
    ['dispatched', police, { action: 'return', reason: '不属于本部门职责' }, ['holder'], 'accepted'],
    ['dispatched', police, { action: 'acknowledge' }, ['above'], 'not_permitted'],
    // handling and verification
    ['accepted', community, { action: 'handle', result: '已清理' }, ['holder'], 'handled'],
    ['handled', community, { action: 'verify_pass' }, ['grid'], 'closed'],
    ['handled', community, { action: 'verify_fail', reason: '仍有垃圾' }, ['grid'], 'handling'],
    ['handled', community, { action: 'verify_pass' }, ['holder'], 'not_permitted'],
    ['handled', community, { action: 'verify_pass' }, ['reporter'], 'not_permitted'],
    // extensions
    ['accepted', community, { action: 'request_extension', workDays: 3, reason: '需协调' }, ['holder'], 'accepted'],
    ['accepted', community, { action: 'request_extension', workDays: 0, reason: 'x' }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'request_extension', workDays: 31, reason: 'x' }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'approve_extension' }, ['above'], 'not_permitted'],
    ['reported', community, { action: 'request_extension', workDays: 3, reason: 'x' }, ['holder'], 'transition_not_allowed'],
    // suspension (挂账)
    ['accepted', grid, { action: 'suspend', reason: '历史遗留' }, ['holder'], 'not_permitted'],
    ['accepted', grid, { action: 'suspend', reason: '历史遗留' }, ['above'], 'suspended'],
    ['accepted', town, { action: 'suspend', reason: '待拆迁' }, ['holder'], 'suspended'],
    ['suspended', grid, { action: 'resume' }, ['above'], 'accepted'],
    ['suspended', grid, { action: 'handle', result: 'x' }, ['holder'], 'transition_not_allowed'],
    // supervision, instruction, expedite
    ['handling', grid, { action: 'supervise', grade: 'yellow' }, ['above'], 'handling'],
    ['handling', grid, { action: 'supervise', grade: 'red' }, ['system'], 'handling'],
    ['handling', grid, { action: 'supervise', grade: 'red' }, ['holder'], 'not_permitted'],
    ['closed', grid, { action: 'supervise', grade: 'red' }, ['above'], 'transition_not_allowed'],
    ['accepted', grid, { action: 'instruct', note: '请尽快处理' }, ['above'], 'accepted'],
    ['accepted', grid, { action: 'expedite' }, ['above'], 'accepted'],
    // reroute: to another grid only by someone covering both; recategorise in place; something must change
    ['reported', grid, { action: 'reroute', to: grid12, reason: '位置在隔壁网格', changes: { item: false, grid: true }, coversTarget: true }, ['holder'], 'reported'],
    ['accepted', grid, { action: 'reroute', to: grid12, reason: '位置在隔壁网格', changes: { item: false, grid: true }, coversTarget: true }, ['holder'], 'reported'],
    ['reported', grid, { action: 'reroute', to: grid12, reason: '位置在隔壁网格', changes: { item: false, grid: true }, coversTarget: false }, ['holder'], 'not_permitted'],
    ['reported', community, { action: 'reroute', to: grid12, reason: '落错网格', changes: { item: false, grid: true }, coversTarget: true }, ['holder'], 'reported'],
    ['reported', grid, { action: 'reroute', to: community, reason: '落错网格', changes: { item: false, grid: true }, coversTarget: true }, ['holder'], 'invalid'],
    ['accepted', community, { action: 'reroute', to: community, reason: '应为占道经营', changes: { item: true, grid: false }, coversTarget: true }, ['holder'], 'reported'],
    ['accepted', grid, { action: 'reroute', to: grid, reason: '应为占道经营', changes: { item: true, grid: false }, coversTarget: true }, ['above'], 'reported'],
    ['accepted', grid, { action: 'reroute', to: grid, reason: '没改什么', changes: { item: false, grid: false }, coversTarget: true }, ['holder'], 'invalid'],
    ['accepted', grid, { action: 'reroute', to: police, reason: '派部门', changes: { item: true, grid: false }, coversTarget: true }, ['holder'], 'invalid'],
    ['handling', grid, { action: 'reroute', to: community, reason: 'x', changes: { item: true, grid: false }, coversTarget: true }, ['holder'], 'transition_not_allowed'],
    ['reported', grid, { action: 'reroute', to: grid12, reason: 'x', changes: { item: false, grid: true }, coversTarget: true }, ['grid'], 'not_permitted'],
    // merge (并单): into another open case, by the holder
    ['reported', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'accepted' } }, ['holder'], 'merged'],
    ['accepted', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'handling' } }, ['holder'], 'merged'],
    ['reported', grid, { action: 'merge', into: 42, target: { sameCase: true, state: 'reported' } }, ['holder'], 'invalid'],
    ['reported', grid, { action: 'merge', into: 42 }, ['holder'], 'invalid'],
    ['reported', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'closed' } }, ['holder'], 'transition_not_allowed'],
    ['reported', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'merged' } }, ['holder'], 'transition_not_allowed'],
    ['reported', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'reported' } }, ['above'], 'not_permitted'],
    ['handling', grid, { action: 'merge', into: 42, target: { sameCase: false, state: 'reported' } }, ['holder'], 'transition_not_allowed'],
    ['merged', grid, { action: 'merge', into: 43, target: { sameCase: false, state: 'reported' } }, ['holder'], 'transition_not_allowed'],
    ['merged', grid, { action: 'accept' }, ['holder'], 'transition_not_allowed'],
    // the surviving case's row of a merge is written, never decided; it changes nothing
    ['accepted', grid, { action: 'merge_in', from: 41 }, ['holder'], 'transition_not_allowed'],
    // the honest end
    ['handling', grid, { action: 'close_unfixed', reason: '产权不明' }, ['holder'], 'not_permitted'],
    ['handling', community, { action: 'close_unfixed', reason: '产权不明' }, ['holder'], 'closed_unfixed'],
    ['handling', grid, { action: 'close_unfixed', reason: '产权不明' }, ['above'], 'closed_unfixed'],
    // rating and reopening
    ['closed', grid, { action: 'rate', rating: 'satisfied' }, ['reporter'], 'closed'],
    ['closed', grid, { action: 'rate', rating: 'satisfied' }, ['holder'], 'not_permitted'],
    ['handling', grid, { action: 'rate', rating: 'satisfied' }, ['reporter'], 'transition_not_allowed'],
    ['closed', grid, { action: 'reopen', reason: '没修好' }, ['reporter'], 'not_permitted'],
    ['closed', grid, { action: 'reopen', reason: '领导要求' }, ['above'], 'handling'],
    ['rejected', grid, { action: 'comment' }, ['reporter'], 'rejected'],
    ['merged', grid, { action: 'comment' }, ['holder'], 'transition_not_allowed'],
  ];

  it.each(table)('%s at %j: %j by %j → %s', (state, holder, event, relations, expected) => {
    const before = state === 'dispatched' ? caseIn(state) : caseIn(state, holder);
    const d = decide(before, event, rel(...relations), noSkip);
    if (d.ok) expect(d.next.state).toBe(expected);
    else expect(d.code).toBe(expected);
  });

  it('lists, on a refusal, the actions this person could take instead', () => {
    const d = decide(caseIn('reported'), { action: 'handle', result: 'x' }, rel('holder'), noSkip);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.allowed.sort()).toEqual(['accept', 'comment', 'escalate', 'merge', 'reject', 'reroute', 'self_close']);
  });

  it('lets a level be skipped where the catalogue item allows it', () => {
    const d = decide(caseIn('accepted'), { action: 'escalate', to: town, reason: '重大隐患' }, rel('holder'), { maySkipLevel: true });
    expect(d.ok && d.next.holder).toEqual(town);
  });

  it('names every state and every action in the table', () => {
    expect(Object.keys(RULES).sort()).toEqual([...CASE_ACTIONS].sort());
    for (const state of CASE_STATES) expect(() => caseIn(state)).not.toThrow();
  });
});

describe('folding a timeline', () => {
  it('follows a whistle: the community dispatches, the station reports in, handles, the grid verifies', () => {
    const s = fold([
      { action: 'report', holder: grid },
      { action: 'accept' },
      { action: 'escalate', to: community, reason: '需要执法' },
      { action: 'accept' },
      { action: 'dispatch', to: police },
      { action: 'acknowledge' },
      { action: 'handle', result: '已劝离' },
      { action: 'verify_pass' },
      { action: 'rate', rating: 'satisfied' },
    ]);
    expect(s.state).toBe('closed');
    expect(s.holder).toEqual(police);
    expect(s.counts).toMatchObject({ escalations: 1, dispatches: 1, returns: 0, reworks: 0 });
    expect(s.rating).toBe('satisfied');
  });

  it('sends a 退单 back to the level that whistled', () => {
    const s = fold([{ action: 'report', holder: community }, { action: 'accept' }, { action: 'dispatch', to: police }, { action: 'return', reason: '非本部门' }]);
    expect(s).toMatchObject({ state: 'accepted', holder: community, dispatcher: null });
    expect(s.counts.returns).toBe(1);
  });

  it('resumes a suspended case where it stopped and moves deadlines by approved extensions only', () => {
    let s = caseIn('dispatched');
    s = applyEvent(s, { action: 'acknowledge' });
    s = applyEvent(s, { action: 'request_extension', workDays: 5, reason: '等待材料' });
    s = applyEvent(s, { action: 'approve_extension' });
    s = applyEvent(s, { action: 'request_extension', workDays: 2, reason: '再等' });
    s = applyEvent(s, { action: 'deny_extension', reason: '不予延期' });
    s = applyEvent(s, { action: 'suspend', reason: '挂账' });
    s = applyEvent(s, { action: 'resume' });
    expect(s).toMatchObject({ state: 'handling', extensionDays: 5, extensionPending: null });
    expect(s.counts.extensions).toBe(1);
  });

  it('reopens after a poor rating and counts the rework', () => {
    let s = caseIn('closed');
    s = applyEvent(s, { action: 'rate', rating: 'unsatisfied' });
    const d = decide(s, { action: 'reopen', reason: '垃圾又堆起来了' }, rel('reporter'), noSkip);
    expect(d.ok).toBe(true);
    if (d.ok) {
      expect(d.next).toMatchObject({ state: 'handling', rating: null });
      expect(d.next.counts.reopens).toBe(1);
      // and it can be rated again once closed again
      const again = applyEvent(applyEvent(d.next, { action: 'handle', result: 'x' }), { action: 'verify_pass' });
      expect(allowedActions(again, rel('reporter'))).toContain('rate');
    }
  });

  it('never lowers a supervision grade', () => {
    const s = applyEvent(caseIn('handling'), { action: 'supervise', grade: 'red' });
    const d = decide(s, { action: 'supervise', grade: 'yellow' }, rel('above'), noSkip);
    expect(!d.ok && d.code).toBe('invalid');
  });

  it('keeps a merged-in duplicate on the surviving case without changing it, and never offers it as a button', () => {
    const s = caseIn('accepted');
    expect(applyEvent(s, { action: 'merge_in', from: 41 })).toEqual(s);
    expect(allowedActions(s, rel('holder', 'above', 'grid', 'reporter', 'system'))).not.toContain('merge_in');
  });

  it('moves a rerouted case to the new grid, back to awaiting acceptance, with no department whistled', () => {
    const s = fold([{ action: 'report', holder: community }, { action: 'accept' }, { action: 'reroute', to: grid12, reason: '落错网格', changes: { item: false, grid: true }, coversTarget: true }]);
    expect(s).toMatchObject({ state: 'reported', holder: grid12, dispatcher: null });
  });

  it('refuses a timeline that does not start with its report', () => {
    expect(() => fold([{ action: 'accept' }])).toThrow(/starts with its report/);
    expect(reportedCase(grid).state).toBe('reported');
  });

  it('climbs the ladder grid → community → town → district', () => {
    expect([levelAbove('grid'), levelAbove('community'), levelAbove('town'), levelAbove('district'), levelAbove('department')]).toEqual(['community', 'town', 'district', null, null]);
  });
});
