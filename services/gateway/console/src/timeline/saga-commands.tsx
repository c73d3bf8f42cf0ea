import type { TimelineCommand } from '../api/admin-types.js';
import { formatTime } from '../ui/format-time.js';

export function SagaCommands({ commands }: { commands: readonly TimelineCommand[] }) {
  return (
    <section aria-labelledby="commands-heading">
      <h2 id="commands-heading">Commands</h2>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">Commands</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Direction</th>
              <th scope="col">Attempt</th>
              <th scope="col">Message id</th>
              <th scope="col">Sent at</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {commands.map((command) => (
              <tr key={command.messageId}>
                <td>
                  {command.stepIndex + 1}. {command.stepName}
                </td>
                <td>{command.direction}</td>
                <td>{command.attempt}</td>
                <td className="id">{command.messageId}</td>
                <td>
                  <time dateTime={command.sentAt}>{formatTime(command.sentAt)}</time>
                </td>
                <td className="id">{command.traceId ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
            {commands.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No command sent yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
