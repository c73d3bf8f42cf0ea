import type { ApiClient } from '../api/api-client.js';

/** A placeholder: the dead-letters page is written at this path by its own brief (D2). */
export function DeadLettersPage(_props: { api: ApiClient }) {
  return <h1>Dead letters</h1>;
}
