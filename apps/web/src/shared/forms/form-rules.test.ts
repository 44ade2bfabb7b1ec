// @vitest-environment jsdom
import { cnMobileSchema, usernameSchema } from '@redgrid/contracts';
import { describe, expect, it } from 'vitest';
import { passwordRule, schemaRule, toFormFieldErrors } from './form-rules';

describe('toFormFieldErrors', () => {
  it('splits server paths into form paths with list indexes as numbers', () => {
    expect(toFormFieldErrors({ username: ['已存在'], 'roles.1.areaId': ['超出管辖范围'], phone: [] })).toEqual([
      { name: ['username'], errors: ['已存在'] },
      { name: ['roles', 1, 'areaId'], errors: ['超出管辖范围'] },
    ]);
  });
});

describe('schemaRule', () => {
  it('uses the contract message and lets empty values through', async () => {
    const phone = schemaRule(cnMobileSchema);
    await expect(phone.validator({}, '12345')).rejects.toThrow('请输入 11 位手机号');
    await expect(phone.validator({}, '13812345678')).resolves.toBeUndefined();
    await expect(phone.validator({}, '')).resolves.toBeUndefined();
    await expect(schemaRule(usernameSchema).validator({}, '1abc')).rejects.toThrow(/字母开头/);
  });
});

describe('passwordRule', () => {
  const policy = { minLength: 10, minClasses: 3 };
  it('applies the server policy, including the username check', async () => {
    await expect(passwordRule(policy, () => 'zhangsan').validator({}, 'short')).rejects.toThrow(/至少 10 位/);
    await expect(passwordRule(policy, () => 'zhangsan').validator({}, 'Zhangsan@2026')).rejects.toThrow('密码不能包含用户名');
    await expect(passwordRule(policy, () => 'zhangsan').validator({}, 'Redgrid@2026')).resolves.toBeUndefined();
  });
  it('waits for the policy before judging', async () => {
    await expect(passwordRule(undefined, () => undefined).validator({}, 'x')).resolves.toBeUndefined();
  });
});
