import type { SagaStatus } from '../api/admin-types.js';

export function StatusBadge({ status }: { status: SagaStatus | string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
