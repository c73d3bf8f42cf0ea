import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  INVALID_SPAN_CONTEXT,
  type Context,
  type ContextManager,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { isTracingSuppressed, W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Trace context without recording: what a service needs when nothing exports its spans. Every span is a
 * non-recording span carrying ids (the caller's trace id, a fresh span id), so log lines still carry the trace id
 * and outgoing requests and messages still carry a `traceparent`, but no span object is filled, timed, processed
 * or buffered, and nothing patches the database driver. The SDK's recording spans cost a few percent of every
 * service's CPU (more with one span per SQL statement) for spans nobody reads.
 */

/** Ids from a pool of random bytes, refilled once per 256 bytes: far cheaper than one crypto call per id. */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

const randomHex = (bytes: number): string => {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  // All-zero ids are invalid in W3C trace context; at 2^-64 odds, draw again rather than emit one.
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
};

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

/** Continues the parent's trace (same trace id, flags and state) with a new span id, or starts a new sampled trace. */
const startNonRecordingSpan = (options: SpanOptions | undefined, parentContext: Context): Span => {
  if (isTracingSuppressed(parentContext)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
  if (parent && trace.isSpanContextValid(parent)) {
    return trace.wrapSpanContext({
      traceId: parent.traceId,
      spanId: newSpanId(),
      traceFlags: parent.traceFlags,
      ...(parent.traceState ? { traceState: parent.traceState } : {}),
    });
  }
  // Sampled, as the SDK's default sampler would mark it: a downstream service that does export keeps the trace.
  return trace.wrapSpanContext({ traceId: newTraceId(), spanId: newSpanId(), traceFlags: TraceFlags.SAMPLED });
};

const correlationTracer: Tracer = {
  startSpan: (_name, options, parentContext = context.active()) => startNonRecordingSpan(options, parentContext),
  startActiveSpan: (<F extends (span: Span) => unknown>(_name: string, ...rest: unknown[]): ReturnType<F> => {
    const work = rest.at(-1) as (span: Span) => ReturnType<F>;
    const options = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined;
    const parentContext = rest.length >= 3 ? (rest[1] as Context) : context.active();
    const span = startNonRecordingSpan(options, parentContext);
    return context.with(trace.setSpan(parentContext, span), work, undefined, span) as ReturnType<F>;
  }) as Tracer['startActiveSpan'],
};

const correlationProvider: TracerProvider = { getTracer: () => correlationTracer };

/** The active context through AsyncLocalStorage, as the SDK's context manager does, without its event-emitter patching. */
class AsyncLocalStorageContext implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    scope: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const bound = thisArg === undefined ? fn : (fn.bind(thisArg) as F);
    return this.storage.run(scope, bound, ...args);
  }

  bind<T>(scope: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const run = (self: unknown, args: unknown[]): unknown => this.with(scope, () => fn.apply(self, args));
    return function boundToContext(this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** Registers the non-recording tracer, the context manager and W3C propagation as the process's OpenTelemetry globals. */
export const startCorrelationOnlyTracing = (): { shutdown(): Promise<void> } => {
  context.setGlobalContextManager(new AsyncLocalStorageContext());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(correlationProvider);
  return {
    shutdown: async () => {
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
};
