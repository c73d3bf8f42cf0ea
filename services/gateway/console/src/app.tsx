import { useCallback, useMemo, useState } from 'react';
import { createApiClient, type ApiClient } from './api/api-client.js';
import { LoginPage } from './login/login-page.js';
import { RouteView } from './shell/route-view.js';
import { Shell } from './shell/shell.js';

interface Session {
  token: string;
  email: string;
}

/**
 * The token lives in this component's state only (never in storage or a cookie): closing or reloading the tab signs
 * the admin out, and a 401 from any page (the token expired) brings the login back with a notice.
 */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const signOut = useCallback((why?: string) => {
    setSession(undefined);
    setNotice(why);
  }, []);

  const api: ApiClient | undefined = useMemo(
    () => session && createApiClient(session.token, () => signOut('Your session has expired. Sign in again.')),
    [session, signOut],
  );

  if (!session || !api) {
    return (
      <LoginPage
        notice={notice}
        onSignedIn={(token, email) => {
          setNotice(undefined);
          setSession({ token, email });
        }}
      />
    );
  }
  return (
    <Shell email={session.email} onSignOut={() => signOut()}>
      <RouteView api={api} />
    </Shell>
  );
}
