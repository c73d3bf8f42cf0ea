import { useEffect, useRef, useState } from 'react';

export interface Polling<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refresh: () => void;
}

const asError = (cause: unknown): Error => (cause instanceof Error ? cause : new Error(String(cause)));

/**
 * Loads now, then again `intervalMs` after each load ends, while the tab is visible. Loads never overlap (a refresh
 * asked for during a load runs right after it), and a failed load keeps the last data so a blip does not blank a page.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: readonly unknown[]): Polling<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  const refreshRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    let active = true;
    let running = false;
    let pending = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const schedule = (): void => {
      clearTimeout(timer);
      if (active) timer = setTimeout(() => void tick(), intervalMs);
    };
    const tick = async (): Promise<void> => {
      if (!active) return;
      if (running) {
        pending = true;
        return;
      }
      if (document.visibilityState === 'hidden') return schedule();
      running = true;
      setLoading(true);
      try {
        const value = await loadRef.current();
        if (active) {
          setData(value);
          setError(undefined);
        }
      } catch (cause) {
        if (active) setError(asError(cause));
      } finally {
        running = false;
        if (active) setLoading(false);
        if (pending) {
          pending = false;
          void tick();
        } else schedule();
      }
    };
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') void tick();
    };

    refreshRef.current = () => {
      clearTimeout(timer);
      void tick();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void tick();
    return () => {
      active = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
    // The caller's deps decide when polling starts over; `load` is read through a ref so a new closure does not.
  }, [intervalMs, ...deps]);

  return { data, error, loading, refresh: () => refreshRef.current() };
}
