import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { isApiError } from '../api/api-error';
import { useDescribeError } from '../api/use-describe-error';
import { toFormFieldErrors } from './form-rules';

/**
 * Handles a failed form submission: field errors from the server land under their inputs
 * (`fields` lists the form's top-level names); whatever has no input shows as a toast.
 */
export function useSubmitError(form: FormInstance, fields: readonly string[]): (error: unknown) => void {
  const { message } = App.useApp();
  const describe = useDescribeError();
  return useCallback(
    (error: unknown) => {
      // validation_failed carries field errors, and so may others (conflict: "用户名已被使用").
      const all = isApiError(error) ? toFormFieldErrors(error.fieldErrors) : [];
      if (all.length > 0) {
        const known = all.filter((f) => typeof f.name[0] === 'string' && fields.includes(f.name[0]));
        const unknown = all.filter((f) => !known.includes(f));
        form.setFields(known);
        if (known.length === 0 || unknown.length > 0) {
          const extra = unknown.flatMap((f) => f.errors).join('；');
          void message.error(extra ? `${describe(error)}：${extra}` : describe(error));
        }
        return;
      }
      const passwordField = fields.find((f) => f === 'password' || f === 'newPassword');
      if (isApiError(error) && error.code === 'weak_password' && passwordField) {
        form.setFields([{ name: passwordField, errors: [describe(error)] }]);
        return;
      }
      void message.error(describe(error));
    },
    [form, fields, describe, message],
  );
}
