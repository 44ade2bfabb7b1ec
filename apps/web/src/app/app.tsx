import { RouterProvider } from 'react-router/dom';
import { noteSignedOut, sessionKey } from '../features/auth/auth.api';
import { api } from '../shared/api/api-client';
import { ErrorBoundary } from './error-boundary';
import { Providers } from './providers';
import { queryClient } from './query-client';
import { router } from './router';

// Any call that finds the session gone forgets it; the route guard then sends the user to the
// login page with the reason, and back to where they were afterwards.
api.setUnauthenticatedHandler((code) => {
  noteSignedOut(code);
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
