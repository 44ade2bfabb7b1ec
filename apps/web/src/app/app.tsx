import { RouterProvider } from 'react-router/dom';
import { sessionKey } from '../features/auth/auth.api';
import { api } from '../shared/api/api-client';
import { ErrorBoundary } from './error-boundary';
import { loginPath } from './menu';
import { Providers } from './providers';
import { queryClient } from './query-client';
import { router } from './router';

// Any call that finds the session gone sends the user to the login page and back afterwards.
api.setUnauthenticatedHandler((code) => {
  const { pathname, search } = router.state.location;
  if (pathname !== '/login') void router.navigate(loginPath(pathname + search, code), { replace: true });
  queryClient.setQueryData(sessionKey, null);
});

export function App() {
  return (
    <Providers>
      <ErrorBoundary>
        <RouterProvider router={router} />
      </ErrorBoundary>
    </Providers>
  );
}
