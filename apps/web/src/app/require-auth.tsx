import type { Permission } from '@redgrid/contracts';
import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { lastSignedOutReason, useMe, useSession } from '../features/auth/auth.api';
import { SelectedAreaProvider } from '../features/areas/selected-area';
import { useDescribeError } from '../shared/api/use-describe-error';
import { ForbiddenPage } from './error-boundary';
import { loginPath } from './menu';

export function FullPageSpin() {
  const { t } = useTranslation();
  return (
    <div className="rg-full-page">
      <Spin size="large" description={t('app.loading')} />
    </div>
  );
}

/**
 * The gate to the console: waits for the session, sends strangers to the login page (remembering
 * where they were going) and users with a reset password to the change-password page.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const session = useSession();
  const location = useLocation();

  if (session.isPending) return <FullPageSpin />;
  if (session.isError) {
    return (
      <Result
        status="warning"
        title={describe(session.error)}
        extra={
          <Button type="primary" onClick={() => void session.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (!session.data) return <Navigate to={loginPath(location.pathname + location.search, lastSignedOutReason())} replace />;
  if (session.data.user.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  return <SelectedAreaProvider userId={session.data.user.id}>{children}</SelectedAreaProvider>;
}

/** Shows the page only with the permission; the server refuses the data anyway. */
/**
 * Staff (who read cases) see the children; a resident, party member or volunteer, who only reports and
 * follows their own, sees the fallback (the resident's form instead of the grid worker's).
 */
export function StaffOr({ fallback, children }: { fallback: ReactNode; children: ReactNode }) {
  const me = useMe();
  return me.permissions.includes('case.read') ? children : fallback;
}

export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const me = useMe();
  return me.permissions.includes(permission) ? children : <ForbiddenPage />;
}
