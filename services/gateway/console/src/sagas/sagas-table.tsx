import type { AdminSaga } from '../api/admin-types.js';
import { Link } from '../shell/link.js';
import { formatTime } from '../ui/format-time.js';
import { StatusBadge } from '../ui/status-badge.js';

export function SagasTable({ sagas }: { sagas: readonly AdminSaga[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Sagas</caption>
        <thead>
          <tr>
            <th scope="col">Saga</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            <th scope="col">Customer</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {sagas.map((saga) => (
            <tr key={saga.sagaId}>
              <td>
                <Link to={`/sagas/${saga.sagaId}`} className="id">
                  {saga.sagaId}
                </Link>
              </td>
              <td>{saga.type}</td>
              <td>
                <StatusBadge status={saga.status} />
              </td>
              <td>{saga.reason ?? <span className="muted">—</span>}</td>
              <td className="id">{saga.customerId ?? <span className="muted">—</span>}</td>
              <td>
                <time dateTime={saga.createdAt}>{formatTime(saga.createdAt)}</time>
              </td>
            </tr>
          ))}
          {sagas.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No saga matches these filters.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
