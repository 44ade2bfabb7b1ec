import { checkPassword, type FieldErrors, type PasswordPolicy } from '@redgrid/contracts';

/** What a form rule needs of a contract schema (zod fits, without the web app importing zod). */
export interface FieldSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: readonly { message: string }[] } };
}

export interface FieldValidator {
  validator: (rule: unknown, value: unknown) => Promise<void>;
}

/**
 * An Ant Design form rule that applies a contract schema, so the form and the server reject the
 * same input with the same message. Empty values pass: mark the field `required` separately.
 */
export function schemaRule(schema: FieldSchema): FieldValidator {
  return {
    validator: async (_rule, value) => {
      if (value === undefined || value === null || value === '') return;
      const result = schema.safeParse(value);
      if (!result.success) throw new Error(result.error.issues[0]?.message ?? '格式不正确');
    },
  };
}

/** The server's password policy, checked as the user types (the server checks again). */
export function passwordRule(policy: PasswordPolicy | undefined, username: () => string | undefined): FieldValidator {
  return {
    validator: async (_rule, value) => {
      if (typeof value !== 'string' || value === '' || !policy) return;
      const problems = checkPassword(value, policy, username() || undefined);
      if (problems.length > 0) throw new Error(problems.join('；'));
    },
  };
}

export interface FormFieldError {
  name: (string | number)[];
  errors: string[];
}

/** `details.fields` ("roles.0.areaId" -> messages) to Ant Design field paths (['roles', 0, 'areaId']). */
export function toFormFieldErrors(fields: FieldErrors): FormFieldError[] {
  return Object.entries(fields)
    .filter(([, messages]) => messages.length > 0)
    .map(([path, messages]) => ({
      name: path
        .split('.')
        .filter((part) => part !== '')
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors: messages,
    }));
}
