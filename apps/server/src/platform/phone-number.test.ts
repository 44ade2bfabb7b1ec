import { describe, expect, it } from 'vitest';
import { parsePhone } from './phone-number.ts';

describe('parsePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+86-13812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['＋86 19912345678', '19912345678'],
  ])('reads the mobile %j as %s', (raw, value) => {
    expect(parsePhone(raw)).toEqual({ ok: true, kind: 'mobile', value, areaCode: null, number: value, extension: null });
  });

  it.each([
    ['0519-88001234', '0519-88001234', '0519', null],
    ['0519 8800 1234', '0519-88001234', '0519', null],
    ['(0519)88001234', '0519-88001234', '0519', null],
    ['（0519）88001234', '0519-88001234', '0519', null],
    ['051988001234', '0519-88001234', '0519', null],
    ['010-62345678', '010-62345678', '010', null],
    ['02161234567', '021-61234567', '021', null],
    ['0898-6123456', '0898-6123456', '0898', null],
    ['0519-88001234-123', '0519-88001234-123', '0519', '123'],
    ['0519-88001234转8021', '0519-88001234-8021', '0519', '8021'],
    ['0519 88001234 ext. 12', '0519-88001234-12', '0519', '12'],
    ['+86 519 88001234', '0519-88001234', '0519', null],
  ])('reads the landline %j as %s', (raw, value, areaCode, extension) => {
    expect(parsePhone(raw)).toMatchObject({ ok: true, kind: 'landline', value, areaCode, extension });
  });

  it.each([
    ['', 'empty', '为空'],
    ['   ', 'empty', '为空'],
    ['1381234567', 'mobile', '应为11位，实为10位'],
    ['138123456789', 'mobile', '实为12位'],
    ['12812345678', 'mobile', '第二位应为3至9'],
    ['13812345678转12', 'mobile', '分机'],
    ['138abc45678', 'characters', '只能包含数字'],
    ['0519-880012', 'landline', '7至8位'],
    ['0519-880012345', 'landline', '7至8位'],
    ['0519-08001234', 'landline', '不能以0或1开头'],
    ['88001234', 'unknown', '请带区号'],
    ['+1 650 555 0100', 'unknown', '+86'],
  ])('refuses %j (%s)', (raw, problem, reason) => {
    const parsed = parsePhone(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem).toBe(problem);
      expect(parsed.reason).toContain(reason);
    }
  });
});
