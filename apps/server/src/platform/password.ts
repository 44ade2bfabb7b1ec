import { hash, verify } from '@node-rs/argon2';
import { checkPassword, type PasswordPolicy } from '@redgrid/contracts';
import { isCommonPassword } from './common-passwords.ts';
import { AppError } from './errors.ts';

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1): ~11 ms here.
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check, so unknown usernames cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('redgrid-dummy-password');
  await verifyPassword(await dummyHash, password);
}

/**
 * Length, character classes and the username (shared with the web form), and, here on the server
 * only, the common-password list (too large for the browser bundle).
 */
export function assertPasswordPolicy(password: string, policy: PasswordPolicy, username?: string, field = 'password'): void {
  const problems = checkPassword(password, policy, username);
  if (isCommonPassword(password)) problems.push('密码过于常见（在常用密码名单中），请换一个');
  if (problems.length > 0) throw new AppError('weak_password', problems.join('；'), { fields: { [field]: problems } });
}

/** True when the password is the one behind any of these stored hashes (password history). */
export async function matchesAnyHash(password: string, hashes: readonly string[]): Promise<boolean> {
  for (const stored of hashes) if (await verifyPassword(stored, password)) return true;
  return false;
}
