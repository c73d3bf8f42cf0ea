import type { ApiClient } from '../api/api-client.js';
import { DeadLettersPage } from '../dead-letters/dead-letters-page.js';
import { SagasPage } from '../sagas/sagas-page.js';
import { SystemPage } from '../system/system-page.js';
import { SagaTimelinePage } from '../timeline/saga-timeline-page.js';
import { Link } from './link.js';
import { usePath } from './router.js';

const SAGA_PATH = /^\/sagas\/([^/]+)\/?$/;

export function RouteView({ api }: { api: ApiClient }) {
  const path = usePath();
  const saga = SAGA_PATH.exec(path);
  if (path === '/' || path === '/sagas' || path === '/sagas/') return <SagasPage api={api} />;
  if (saga?.[1]) {
    const sagaId = decodeURIComponent(saga[1]);
    return <SagaTimelinePage key={sagaId} api={api} sagaId={sagaId} />;
  }
  if (/^\/dead-letters\/?$/.test(path)) return <DeadLettersPage api={api} />;
  if (/^\/system\/?$/.test(path)) return <SystemPage api={api} />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        The console has no page at this address. <Link to="/">Back to the sagas</Link>
      </p>
    </>
  );
}
