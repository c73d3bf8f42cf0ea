import { describe, expect, it } from 'vitest';
import { collectSources } from '../src/check-dependencies.js';
import { findViolations } from '../src/dependency-rules.js';

const file = (path: string, ...imports: string[]) => ({ path, imports });

describe('dependency rules', () => {
  it('when the repository is checked, then no file breaks a rule', () => {
    const sources = collectSources();
    expect(sources.length).toBeGreaterThan(20);
    expect(findViolations(sources)).toEqual([]);
  });

  it('when a service imports another service, then it is a violation', () => {
    const violations = findViolations([file('services/order/src/app.ts', '@ordering/account')]);
    expect(violations).toEqual([expect.objectContaining({ rule: 'a service never imports another service' })]);
  });

  it('when a package imports a service, then it is a violation', () => {
    expect(findViolations([file('packages/saga/src/index.ts', '@ordering/orchestrator')])).toHaveLength(1);
  });

  it('when code reaches into another workspace by relative path or deep import, then it is a violation', () => {
    const violations = findViolations([
      file('services/order/src/app.ts', '../../account/src/app.js'),
      file('services/order/src/main.ts', '@ordering/platform/src/db/database.js'),
    ]);
    expect(violations.map((v) => v.rule)).toEqual([
      'no relative imports across workspaces; depend on the package by name',
      'import a package through its public entry point, not a deep path',
    ]);
  });

  it('when domain code imports a framework, driver or another layer, then it is a violation', () => {
    const violations = findViolations([
      file('services/order/src/domain/order-state.ts', 'fastify'),
      file('services/order/src/domain/pricing.ts', 'drizzle-orm'),
      file('services/order/src/domain/pricing.ts', '../db/order-repository.js'),
      file('services/order/src/domain/pricing.ts', './order-state.js'),
    ]);
    expect(violations).toHaveLength(3);
  });

  it('when layers depend the allowed way, then nothing is reported', () => {
    expect(
      findViolations([
        file('services/order/src/http/order-routes.ts', '../domain/order-state.js', '@ordering/platform', 'fastify'),
        file('packages/platform/src/index.ts', './db/database.js'),
      ]),
    ).toEqual([]);
  });
});
