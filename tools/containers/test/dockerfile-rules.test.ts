import { describe, expect, it } from 'vitest';
import { findRuleViolations, findSyntaxProblems } from '../src/dockerfile-rules.js';
import { readRepositoryFile } from './repository-files.js';

const dockerfile = readRepositoryFile('Dockerfile');

/** A small valid Dockerfile to break one rule at a time. */
const aDockerfile = ({
  head = '',
  from = 'node:20-bookworm-slim',
  user = 'USER node',
  healthcheck = 'HEALTHCHECK CMD ["node", "-e", "0"]',
  cmd = 'CMD ["node", "dist/main.js"]',
} = {}) => [head, `FROM ${from} AS build`, 'RUN true', 'FROM build', user, healthcheck, cmd, ''].join('\n');

describe('the Dockerfile', () => {
  it('when dockerfile-utils validates it, then it reports no error or warning', () => {
    expect(findSyntaxProblems(dockerfile)).toEqual([]);
  });

  it('when our rules are checked, then it keeps every one of them', () => {
    expect(findRuleViolations(dockerfile)).toEqual([]);
  });
});

describe('the Dockerfile rules', () => {
  it('when a Dockerfile keeps every rule, then nothing is reported', () => {
    expect(findRuleViolations(aDockerfile())).toEqual([]);
  });

  it('when a Dockerfile has a syntax error, then dockerfile-utils reports it', () => {
    expect(findSyntaxProblems('FROM node:20-bookworm-slim\nFROBNICATE now\n')).not.toEqual([]);
  });

  it.each([
    ['a syntax directive', { head: '# syntax=docker/dockerfile:1' }, /syntax/],
    ['another base image', { from: 'node:22-alpine' }, /FROM node:22-alpine/],
    ['no USER', { user: '' }, /no USER/],
    ['USER root', { user: 'USER root' }, /runs as root/],
    ['USER 0:0', { user: 'USER 0:0' }, /runs as 0/],
    ['no HEALTHCHECK', { healthcheck: '' }, /no HEALTHCHECK/],
    ['HEALTHCHECK NONE', { healthcheck: 'HEALTHCHECK NONE' }, /HEALTHCHECK NONE/],
    ['a shell-form CMD', { cmd: 'CMD node dist/main.js' }, /exec form/],
    ['no CMD', { cmd: '' }, /neither CMD nor ENTRYPOINT/],
  ])('when a Dockerfile has %s, then the rules report it', (_, change, problem) => {
    expect(findRuleViolations(aDockerfile(change))).toEqual([expect.stringMatching(problem)]);
  });
});
