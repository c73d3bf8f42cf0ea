import { ConfigError } from '@ordering/platform';
import { testMessageSecurityEnv } from '@ordering/testing';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

const BASE = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orchestrator', ...testMessageSecurityEnv('orchestrator') };

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readConfig({ ...BASE, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('TRACING_UI_URL', () => {
  it('when it is unset, then the config has no tracing UI', () => {
    expect(readConfig(BASE).tracingUiUrl).toBeUndefined();
  });

  it('when it is an http(s) URL with {traceId}, then the config carries it as given', () => {
    const template = 'http://127.0.0.1:16686/trace/{traceId}';
    expect(readConfig({ ...BASE, TRACING_UI_URL: template }).tracingUiUrl).toBe(template);
    expect(problemsOf({ TRACING_UI_URL: 'https://tempo.example.com/explore?trace={traceId}&x=1' })).toEqual([]);
  });

  it.each([
    ['no {traceId} in it', 'http://127.0.0.1:16686/trace/', 'must contain {traceId}'],
    ['not a URL', 'jaeger {traceId}', 'not a URL'],
    ['not http(s)', 'javascript:alert({traceId})', 'must be an http or https URL'],
  ])('when it has %s, then the config is refused with one line naming it', (_case, value, why) => {
    const problems = problemsOf({ TRACING_UI_URL: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('TRACING_UI_URL=');
    expect(problems[0]).toContain(why);
  });
});
