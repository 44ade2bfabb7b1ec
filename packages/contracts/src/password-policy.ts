/** Password policy (MLPS 2.0 evaluator practice): length and character classes; configurable on the server. */
export interface PasswordPolicy {
  minLength: number;
  minClasses: number;
}

export function passwordClasses(password: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
}

/** Returns the problems (Chinese, user-facing), empty when the password is acceptable. */
export function checkPassword(password: string, policy: PasswordPolicy, username?: string): string[] {
  const problems: string[] = [];
  if ([...password].length < policy.minLength) problems.push(`密码至少 ${policy.minLength} 位`);
  if (passwordClasses(password) < policy.minClasses)
    problems.push(`密码须包含大写字母、小写字母、数字、符号中的至少 ${policy.minClasses} 类`);
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('密码不能包含用户名');
  return problems;
}
