import { Button, Result, Typography } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { isRouteErrorResponse, useNavigate, useRouteError } from 'react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../shared/api/api-error';
import { i18n } from '../shared/i18n/i18n';

function ErrorResult({ error, onHome }: { error: unknown; onHome?: () => void }) {
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <Result
      status="error"
      title={i18n.t('errors.title')}
      subTitle={
        <>
          {i18n.t('errors.unexpected')}
          {requestId ? (
            <Typography.Paragraph copyable={{ text: requestId }} type="secondary">
              {i18n.t('common.requestId')}：{requestId}
            </Typography.Paragraph>
          ) : null}
        </>
      }
      extra={[
        <Button key="reload" type="primary" onClick={() => window.location.reload()}>
          {i18n.t('errors.reload')}
        </Button>,
        onHome ? (
          <Button key="home" onClick={onHome}>
            {i18n.t('errors.goHome')}
          </Button>
        ) : null,
      ]}
    />
  );
}

/** Last line of defence around the whole app: a crash shows a way out, not a white page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Unhandled error in the console', error, info.componentStack);
  }

  override render() {
    return this.state.error ? <ErrorResult error={this.state.error} /> : this.props.children;
  }
}

/** Errors thrown while rendering a route: the layout around it keeps working. */
export function RouteErrorPage() {
  const error = useRouteError();
  const navigate = useNavigate();
  useTranslation();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  console.error('Route error', error);
  return <ErrorResult error={error} onHome={() => void navigate('/dashboard')} />;
}

export function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('errors.notFoundTitle')}
      subTitle={t('errors.notFound')}
      extra={
        <Button type="primary" onClick={() => void navigate('/dashboard')}>
          {t('errors.goHome')}
        </Button>
      }
    />
  );
}

export function ForbiddenPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbidden')}
      extra={
        <Button type="primary" onClick={() => void navigate('/dashboard')}>
          {t('errors.goHome')}
        </Button>
      }
    />
  );
}
