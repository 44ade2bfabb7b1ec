import { describe, expect, it } from 'vitest';
import { maskPhone as maskPhoneFromCrypto } from './crypto.ts';
import { maskIdentityNumber, maskName, maskPhone } from './masking.ts';

describe('maskIdentityNumber', () => {
  it('keeps the first four and last four characters', () => {
    expect(maskIdentityNumber('320402199001011234')).toBe('3204**********1234');
    expect(maskIdentityNumber('11010519491231002x')).toBe('1101**********002X');
    expect(maskIdentityNumber(' 3204 0219 9001 0112 34 ')).toBe('3204**********1234');
    expect(maskIdentityNumber('110105491231002')).toBe('1101*******1002');
  });

  it('shows nothing of a value too short to mask', () => {
    expect(maskIdentityNumber('12345678')).toBe('********');
    expect(maskIdentityNumber('12')).toBe('****');
  });
});

describe('maskPhone', () => {
  it('masks a mobile to its first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
  });

  it('keeps a landline area code and the last four digits', () => {
    expect(maskPhone('0519-88005678')).toBe('0519-****5678');
    expect(maskPhone('010-62345678')).toBe('010-****5678');
    expect(maskPhone('0519-88005678-123')).toBe('0519-****5678');
  });

  it('masks what it cannot parse, and a short value entirely', () => {
    expect(maskPhone('4008123123')).toBe('400****3123');
    expect(maskPhone('123')).toBe('****');
  });

  it('is the same function the users module imports from crypto.ts', () => {
    expect(maskPhoneFromCrypto).toBe(maskPhone);
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张*丰'],
    ['欧阳娜娜', '欧**娜'],
    ['买买提·艾力', '买****力'],
    [' 李四 ', '李*'],
    ['王', '*'],
    ['', ''],
    ['𠀋一', '𠀋*'],
  ])('%j -> %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});
