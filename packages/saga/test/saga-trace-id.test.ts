import { describe, expect, it } from 'vitest';
import { traceIdOf } from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('reading a trace id from a traceparent', () => {
  it.each([
    [`00-${TRACE_ID}-00f067aa0ba902b7-01`, TRACE_ID],
    [` 00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01 `, TRACE_ID],
    [undefined, null],
    ['', null],
    ['00-not-a-trace', null],
    [`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, null],
  ])('when the traceparent is %j, then the trace id is %j', (traceparent, expected) => {
    expect(traceIdOf(traceparent)).toBe(expected);
  });
});
