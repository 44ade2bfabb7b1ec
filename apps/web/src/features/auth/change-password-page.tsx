import { changePasswordSchema } from '@redgrid/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { passwordRule, schemaRule } from '../../shared/forms/form-rules';
import { useSubmitError } from '../../shared/forms/use-submit-error';
import { fetchSession, sessionKey, useChangePassword, useMe, usePasswordPolicy } from './auth.api';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

const FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'] as const;

/** Own password change; the route guard forces it while `mustChangePassword` is set. */
export function ChangePasswordPage() {
  const { t } = useTranslation();
  const me = useMe();
  // The stored policy in force, not the deployment's defaults that /api/meta carries.
  const policy = usePasswordPolicy().data;
  const [form] = Form.useForm<Values>();
  const change = useChangePassword();
  const onError = useSubmitError(form, FIELDS);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();

  const submit = (values: Values) => {
    change.mutate(
      { currentPassword: values.currentPassword, newPassword: values.newPassword },
      {
        onError,
        onSuccess: async () => {
          // The server may end every session on a password change; ask which way it went.
          const session = await fetchSession().catch(() => null);
          if (!session) {
            queryClient.setQueryData(sessionKey, null);
            void navigate('/login?reason=password_changed', { replace: true });
            return;
          }
          queryClient.setQueryData(sessionKey, session);
          void message.success(t('auth.passwordChanged'));
          void navigate('/dashboard', { replace: true });
        },
      },
    );
  };

  return (
    <div style={{ maxWidth: 520 }}>
      <Typography.Title level={3}>{t('auth.changePasswordTitle')}</Typography.Title>
      <Card>
        {me.mustChangePassword ? <Alert type="warning" showIcon title={t('auth.mustChangePassword')} style={{ marginBottom: 16 }} /> : null}
        {policy ? (
          <Typography.Paragraph type="secondary">
            {t('auth.passwordPolicy', { minLength: policy.minLength, minClasses: policy.minClasses })}
          </Typography.Paragraph>
        ) : null}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
          <Form.Item
            name="currentPassword"
            label={t('auth.currentPassword')}
            rules={[{ required: true, message: t('auth.passwordRequired') }, schemaRule(changePasswordSchema.shape.currentPassword)]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('auth.newPassword')}
            dependencies={['currentPassword']}
            rules={[
              { required: true, message: t('auth.passwordRequired') },
              schemaRule(changePasswordSchema.shape.newPassword),
              passwordRule(policy, () => me.username),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label={t('auth.confirmPassword')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('auth.passwordRequired') },
              ({ getFieldValue }) => ({
                validator: async (_rule, value) => {
                  if (value && value !== getFieldValue('newPassword')) throw new Error(t('auth.passwordMismatch'));
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {t('common.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
