import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refresh: () => void;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Loads now and then every `intervalMs` after the previous load ended (so a slow API never gets two loads of one
 * page at once), only while the tab is visible, and at once when it becomes visible again. A failed load keeps the
 * last data (an operator watching a saga should not lose the picture over one blip) next to the error.
 * A change of `deps` starts over: the answer of a load for the previous deps is dropped.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: readonly unknown[]): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'refresh'>>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const schedule = () => {
      clearTimeout(timer);
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    const poll = async () => {
      if (inFlight || stopped) return;
      if (document.visibilityState === 'hidden') return schedule();
      inFlight = true;
      setState((previous) => ({ ...previous, loading: true }));
      try {
        const data = await latestLoad.current();
        if (!stopped) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (!stopped) setState((previous) => ({ data: previous.data, error: asError(error), loading: false }));
      } finally {
        inFlight = false;
        schedule();
      }
    };
    const pollWhenVisible = () => {
      if (document.visibilityState === 'visible') void poll();
    };

    document.addEventListener('visibilitychange', pollWhenVisible);
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', pollWhenVisible);
    };
    // The caller's deps say when `load` means something new; `load` itself is a fresh closure every render.
  }, [intervalMs, round, ...deps]);

  const refresh = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, refresh };
}
