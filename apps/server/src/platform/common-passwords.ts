import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Passwords too common to accept, compared case-insensitively:
 * - the 49k most common passwords of public leaks (@zxcvbn-ts/language-common, maintained);
 * - what Chinese users and Chinese device defaults use most, which that list misses: pinyin and
 *   love-number forms (woaini1314, 5201314), keyboard walks with symbols (1qaz@WSX, qwe!@#123),
 *   word + symbol + digits (Admin@123, Huawei@123), and this product's name with a year (the demo
 *   password Redgrid@2026 is published in the README).
 */
const CHINESE_COMMON = [
  'woaini1314', 'woaini520', 'woaini521', 'woaini123', 'woaini@1314', 'woaini1314!', 'iloveyou1314', 'iloveyou@1314',
  '5201314', 'a5201314', 'aa5201314', '5201314a', 'love1314', 'ai1314', 'wo123456', 'qq123456', 'qq123456789', 'qq111111',
  'aa123456', 'aa123456789', 'aa112233', 'aa123123', 'a123456', 'a12345678', 'a123456@', 'a123456.', '123456aa', '123456qq',
  '123456abc', '123456a@', 'abc123456', 'abc12345678', 'a1b2c3d4', '1234qwer', '1234abcd', '12345qwert', '123qwe!@#',
  '1qaz@wsx', '1qaz!qaz', '1qaz2wsx3edc', '1qaz@wsx3edc', '!qaz2wsx', '!qaz@wsx', 'zaq1@wsx', 'zaq12wsx', '1q2w3e4r5t',
  '1q2w3e4r!', 'qwe!@#123', 'qwe123!@#', '!@#qwe123', 'qwer!234', 'abcd!234', 'p@ssw0rd', 'p@ssword', 'p@ssw0rd123',
  'p@ssw0rd!', 'passw0rd!', 'password@123', 'password!', 'password123!', 'xiaoming123', 'sangfor@123', 'h3c@123',
  'hongwangge', 'wanggeyuan',
];
const BASES = [
  'admin', 'root', 'test', 'user', 'guest', 'abc', 'abcd', 'qwe', 'qwer', 'asd', 'asdf', 'zxc', 'zxcv', 'zxcvbnm', 'qaz', 'wsx',
  'a', 'aa', 'qq', 'woaini', 'iloveyou', 'huawei', 'china', 'beijing', 'shanghai', 'jiangsu', 'changzhou', 'password', 'passw0rd',
  'p@ssw0rd', 'system', 'sys', 'manager', 'gongzuo', 'wangge', 'shequ', 'redgrid', 'hongwangge',
];
const SEPARATORS = ['', '@', '#', '!', '.', '_', '*'];
const SUFFIXES = ['1', '12', '123', '1234', '12345', '123456', '888', '666', '520', '1314', '!', '!@#', ...years(2010, 2035)];

function years(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (common) return common;
  const set = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  for (const p of CHINESE_COMMON) set.add(p);
  for (const base of BASES) for (const sep of SEPARATORS) for (const suffix of SUFFIXES) set.add(`${base}${sep}${suffix}`);
  common = set;
  return set;
}

/** True when the password is on the common list (case-insensitive) or names this product. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return commonPasswords().has(lower) || lower.includes('redgrid');
}
