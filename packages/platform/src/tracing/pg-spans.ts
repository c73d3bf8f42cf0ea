import { SpanKind } from '@opentelemetry/api';
import pg from 'pg';
import { tracer } from './trace-context.js';

let installed = false;

const queryTextOf = (config: unknown): string =>
  typeof config === 'string'
    ? config
    : typeof (config as { text?: unknown })?.text === 'string'
      ? (config as { text: string }).text
      : 'query';

const operationOf = (text: string): string => text.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? 'QUERY';

/**
 * A CLIENT span per SQL statement (OTel database conventions: the statement text, never its parameters).
 * Patches pg's Client once, because loader-based instrumentation does not see ESM imports of CommonJS modules.
 */
export const instrumentPostgres = (): void => {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function tracedQuery(this: pg.Client, ...args: unknown[]): unknown {
    const text = queryTextOf(args[0]);
    const span = tracer().startSpan(`${operationOf(text)} ${this.database ?? ''}`.trim(), {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.namespace': this.database ?? '', 'db.query.text': text.slice(0, 2000) },
    });
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: Error | null, result: unknown) => {
        if (error) span.setStatus({ code: 2, message: error.message });
        span.end();
        return (callback as (e: Error | null, r: unknown) => unknown)(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<unknown>).then(
        (value) => {
          span.end();
          return value;
        },
        (error: Error) => {
          span.setStatus({ code: 2, message: error.message });
          span.end();
          throw error;
        },
      );
    }
    span.end();
    return result;
  } as typeof pg.Client.prototype.query;
};
