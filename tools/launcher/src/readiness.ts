import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from '@ordering/platform';

export interface ReadinessTarget {
  readonly name: string;
  /** Base URL; `/readyz` (or readyPath) is appended. */
  readonly url: string;
  /** Default `/readyz`, the services'; Prometheus answers on `/-/ready`. */
  readonly readyPath?: string;
}

export interface ReadinessOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Aborted when the launcher is asked to stop while it is still waiting. */
  readonly signal?: AbortSignal;
}

export class NotReadyError extends Error {
  readonly notReady: readonly string[];
  constructor(notReady: ReadonlyArray<{ name: string; url: string; readyPath?: string; lastOutcome: string }>, timeoutMs: number) {
    super(
      `not ready after ${Math.round(timeoutMs / 1000)} s: ${notReady.map((target) => `${target.name} (${target.url}${target.readyPath ?? '/readyz'}: ${target.lastOutcome})`).join(', ')}`,
    );
    this.name = 'NotReadyError';
    this.notReady = notReady.map((target) => target.name);
  }
}

const probe = async (target: ReadinessTarget): Promise<string> => {
  try {
    const response = await fetch(`${target.url}${target.readyPath ?? '/readyz'}`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200 ? 'ready' : `HTTP ${response.status}`;
  } catch (error) {
    return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
  }
};

/** Resolves once every target has answered 200 on /readyz; throws NotReadyError naming the others after the timeout. */
export const waitUntilReady = async (targets: readonly ReadinessTarget[], options: ReadinessOptions = {}): Promise<void> => {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  const lastOutcome = new Map(targets.map((target) => [target.name, 'no answer yet']));
  let pending = [...targets];

  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const outcomes = await Promise.all(pending.map(async (target) => ({ target, outcome: await probe(target) })));
    for (const { target, outcome } of outcomes) lastOutcome.set(target.name, outcome);
    pending = outcomes.filter(({ outcome }) => outcome !== 'ready').map(({ target }) => target);
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new NotReadyError(
        pending.map((target) => ({ ...target, lastOutcome: lastOutcome.get(target.name) ?? '' })),
        timeoutMs,
      );
    }
    await sleep(intervalMs, undefined, options.signal ? { signal: options.signal } : undefined);
  }
};
