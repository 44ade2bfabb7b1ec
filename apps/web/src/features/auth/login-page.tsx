import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { loginRequestSchema, type LoginRequest } from '@redgrid/contracts';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '../../app/layouts/language-switch';
import { homePathFor, safeNextPath } from '../../app/menu';
import { useDescribeError } from '../../shared/api/use-describe-error';
import { schemaRule } from '../../shared/forms/form-rules';
import { useLogin, useMeta, useSession } from './auth.api';

function DemoAccounts({ onPick }: { onPick: (account: LoginRequest) => void }) {
  const { t } = useTranslation();
  const meta = useMeta();
  const accounts = meta.data?.mode === 'demo' ? (meta.data.demoAccounts ?? []) : [];
  if (accounts.length === 0) return null;
  return (
    <div data-testid="demo-accounts" style={{ marginTop: 16 }}>
      <Typography.Text strong>{t('auth.demoAccounts')}</Typography.Text>
      <Space orientation="vertical" size={6} style={{ width: '100%', marginTop: 8 }}>
        {accounts.map((account) => (
          <button
            key={account.username}
            type="button"
            className="rg-demo-account"
            onClick={() => onPick({ username: account.username, password: account.password })}
          >
            <Typography.Text code>{account.username}</Typography.Text>
            <Typography.Text type="secondary">{account.description}</Typography.Text>
          </button>
        ))}
      </Space>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
        {t('auth.demoHint')}
      </Typography.Paragraph>
    </div>
  );
}

const NOTICES: Record<string, 'auth.sessionExpired' | 'auth.loggedOut' | 'auth.passwordChangedRelogin'> = {
  session_expired: 'auth.sessionExpired',
  unauthenticated: 'auth.sessionExpired',
  logged_out: 'auth.loggedOut',
  password_changed: 'auth.passwordChangedRelogin',
};

export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<LoginRequest>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const meta = useMeta();
  const login = useLogin();
  const describe = useDescribeError();
  const [error, setError] = useState<unknown>(null);

  // The page asked for, or else the user's first section (the auditor's is the audit trail).
  const asked = params.get('next');
  const next = asked ? safeNextPath(asked) : homePathFor(session.data?.user.permissions ?? []);
  const reason = params.get('reason');
  const notice = reason ? NOTICES[reason] : undefined;

  if (session.data && !login.isPending) return <Navigate to={next} replace />;

  const submit = (values: LoginRequest) => {
    setError(null);
    login.mutate(
      { username: values.username.trim(), password: values.password },
      {
        onSuccess: (signedIn) => void navigate(asked ? next : homePathFor(signedIn.user.permissions), { replace: true }),
        onError: (e) => {
          setError(e);
          form.setFieldValue('password', '');
        },
      },
    );
  };

  return (
    <div className="rg-login">
      <div className="rg-login-top">
        <LanguageSwitch className="rg-header-button" />
      </div>
      <main className="rg-login-main">
        <div className="rg-login-panel">
          <div className="rg-login-brand">
            <svg className="rg-brand-star" viewBox="0 0 32 32" aria-hidden>
              <path d="M16 3l3.6 7.4 8.1 1.2-5.9 5.7 1.4 8.1L16 21.6l-7.2 3.8 1.4-8.1-5.9-5.7 8.1-1.2z" fill="#ffd34d" />
            </svg>
            <h1>{t('app.name')}</h1>
            <p>{t('app.slogan')}</p>
          </div>
          <Card
            title={t('auth.loginTitle')}
            extra={meta.data?.mode === 'demo' ? <Typography.Text type="warning">{t('app.demoTag')}</Typography.Text> : null}
          >
            {notice && !error ? <Alert type="info" showIcon title={t(notice)} style={{ marginBottom: 16 }} /> : null}
            {error ? (
              <Alert type="error" showIcon title={describe(error)} style={{ marginBottom: 16 }} data-testid="login-error" />
            ) : null}
            <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} autoComplete="on">
              <Form.Item
                name="username"
                label={t('auth.username')}
                rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }, schemaRule(loginRequestSchema.shape.username)]}
              >
                <Input prefix={<UserOutlined />} autoComplete="username" size="large" autoFocus />
              </Form.Item>
              <Form.Item
                name="password"
                label={t('auth.password')}
                rules={[{ required: true, message: t('auth.passwordRequired') }, schemaRule(loginRequestSchema.shape.password)]}
              >
                <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
                {t('auth.login')}
              </Button>
            </Form>
            <DemoAccounts
              onPick={(account) => {
                form.setFieldsValue(account);
                setError(null);
              }}
            />
          </Card>
        </div>
      </main>
      <footer className="rg-login-footer">{t('auth.footer')}</footer>
    </div>
  );
}
