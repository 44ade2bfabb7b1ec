import { describe, expect, it } from 'vitest';
import { identityCheckDigit, parseIdentityNumber, syntheticIdentityNumber } from './identity-number.ts';

const TODAY = '2026-12-07';

describe('parseIdentityNumber', () => {
  it('accepts the example of GB 11643 and derives birth date, sex and region', () => {
    expect(parseIdentityNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
      upgraded: false,
    });
  });

  it('reads the 17th digit for sex: odd is male', () => {
    const man = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1990-01-01', sex: 'male', sequence: 7 });
    const woman = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1990-01-01', sex: 'female', sequence: 7 });
    expect(parseIdentityNumber(man, TODAY)).toMatchObject({ ok: true, sex: 'male', birthDate: '1990-01-01', regionCode: '320412' });
    expect(parseIdentityNumber(woman, TODAY)).toMatchObject({ ok: true, sex: 'female' });
  });

  it('normalises full-width digits, a full-width or lower-case x and spaces', () => {
    expect(parseIdentityNumber(' １１０１０５ 19491231 002ｘ ', TODAY)).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(parseIdentityNumber('11010519491231002Ｘ', TODAY)).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(parseIdentityNumber('1101\u300005194912\t31002x', TODAY)).toMatchObject({ ok: true, value: '11010519491231002X' });
  });

  it('upgrades a 15-digit first-generation number (19yy, computed check digit)', () => {
    const parsed = parseIdentityNumber('110105491231002', TODAY);
    expect(parsed).toEqual({ ok: true, value: '11010519491231002X', birthDate: '1949-12-31', sex: 'female', regionCode: '110105', upgraded: true });
  });

  it.each([
    ['', 'empty', '为空'],
    ['1101051949123100', 'length', '应为18位（或15位一代证号码），实为16位'],
    ['1101051949123100211', 'length', '实为19位'],
    ['11010519491231002Y', 'characters', '最后一位可以是X'],
    ['110105194912X1002X', 'characters', '只能是数字'],
    ['11010549123100X', 'characters', '15位'],
    ['99010519491231002X', 'province', '“99”'],
    ['10010519491231002X', 'province', '省级'],
    ['72010519491231002X', 'province', '省级'],
  ])('refuses %j (%s)', (raw, problem, reason) => {
    const parsed = parseIdentityNumber(raw, TODAY);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem).toBe(problem);
      expect(parsed.reason).toContain(reason);
    }
  });

  it('accepts every valid province prefix, including Taiwan, Hong Kong and Macao', () => {
    for (const p of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82']) {
      const n = syntheticIdentityNumber({ regionCode: `${p}0101`, birthDate: '1980-05-05', sex: 'male', sequence: 1 });
      expect(parseIdentityNumber(n, TODAY).ok, p).toBe(true);
    }
    for (const p of ['16', '24', '30', '38', '47', '55', '60', '66', '70', '80', '83', '91']) {
      expect(parseIdentityNumber(`${p}0101198005050031`, TODAY)).toMatchObject({ ok: false, problem: 'province' });
    }
  });

  it('refuses impossible birth dates: 30 February, before 1900, after today', () => {
    const withCheck = (first17: string) => `${first17}${identityCheckDigit(first17)}`;
    expect(parseIdentityNumber(withCheck('32041219900230123'), TODAY)).toEqual({ ok: false, problem: 'birth_date', reason: '出生日期1990年2月30日不存在' });
    expect(parseIdentityNumber(withCheck('32041219001301123'), TODAY)).toMatchObject({ ok: false, problem: 'birth_date' });
    expect(parseIdentityNumber(withCheck('32041218991231123'), TODAY)).toMatchObject({ ok: false, reason: '出生日期早于1900年' });
    expect(parseIdentityNumber(withCheck('32041220261208123'), TODAY)).toMatchObject({ ok: false, reason: '出生日期晚于今天' });
    expect(parseIdentityNumber(withCheck('32041220261207123'), TODAY)).toMatchObject({ ok: true, birthDate: '2026-12-07' });
    expect(parseIdentityNumber(withCheck('32041220000229123'), TODAY)).toMatchObject({ ok: true, birthDate: '2000-02-29' });
    expect(parseIdentityNumber(withCheck('32041219000229123'), TODAY)).toMatchObject({ ok: false, problem: 'birth_date' });
    // A 15-digit number with 0230 is refused the same way.
    expect(parseIdentityNumber('320412900230123', TODAY)).toMatchObject({ ok: false, problem: 'birth_date' });
  });

  it('takes "today" as a Date in Beijing time', () => {
    const n = syntheticIdentityNumber({ regionCode: '320412', birthDate: '2026-12-08', sex: 'male', sequence: 0 });
    // 16:30 UTC on 7 December is already 8 December in Beijing.
    expect(parseIdentityNumber(n, new Date('2026-12-07T16:30:00Z')).ok).toBe(true);
    expect(parseIdentityNumber(n, new Date('2026-12-07T15:30:00Z')).ok).toBe(false);
  });

  it('refuses a wrong check digit, catching any single mistyped digit', () => {
    const good = '11010519491231002X';
    expect(parseIdentityNumber('110105194912310021', TODAY)).toEqual({ ok: false, problem: 'check_digit', reason: '身份证号码校验位不符（可能有数字录错）' });
    // Every single-digit change in the sequence and the region is caught by the check digit.
    for (const i of [0, 2, 3, 4, 5, 14, 15, 16]) {
      for (let d = 0; d <= 9; d += 1) {
        if (String(d) === good[i]) continue;
        const typo = `${good.slice(0, i)}${d}${good.slice(i + 1)}`;
        expect(parseIdentityNumber(typo, TODAY).ok, typo).toBe(false);
      }
    }
  });

  it('never repeats the number in a refusal', () => {
    const parsed = parseIdentityNumber('110105194912310021', TODAY);
    expect(!parsed.ok && parsed.reason.includes('1101051949')).toBe(false);
  });
});

describe('syntheticIdentityNumber', () => {
  it('makes numbers that pass, for every sequence, both sexes', () => {
    const seen = new Set<string>();
    for (let sequence = 0; sequence < 500; sequence += 1) {
      for (const sex of ['male', 'female'] as const) {
        const n = syntheticIdentityNumber({ regionCode: '320412', birthDate: '1975-06-30', sex, sequence });
        expect(parseIdentityNumber(n, TODAY)).toMatchObject({ ok: true, value: n, sex, birthDate: '1975-06-30', regionCode: '320412' });
        seen.add(n);
      }
    }
    expect(seen.size).toBe(1000);
  });

  it('refuses inputs that cannot make a number', () => {
    expect(() => syntheticIdentityNumber({ regionCode: '3204', birthDate: '1990-01-01', sex: 'male', sequence: 0 })).toThrow(RangeError);
    expect(() => syntheticIdentityNumber({ regionCode: '320412', birthDate: '1990-02-30', sex: 'male', sequence: 0 })).toThrow(RangeError);
    expect(() => syntheticIdentityNumber({ regionCode: '320412', birthDate: '1990-01-01', sex: 'male', sequence: 500 })).toThrow(RangeError);
  });
});
