import type { ApiClient } from '../api/api-client.js';

/** A placeholder: the system page is written at this path by its own brief (D2). */
export function SystemPage(_props: { api: ApiClient }) {
  return <h1>System</h1>;
}
