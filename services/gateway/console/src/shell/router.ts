import { useEffect, useState } from 'react';

/** Vite's base: every console URL starts with it, and the gateway answers index.html for any of them. */
export const BASE = import.meta.env.BASE_URL;

const NAVIGATED = 'console:navigated';

/** The path inside the console, e.g. `/` or `/sagas/<id>` (without the base and the query). */
const currentPath = (): string => {
  const path = window.location.pathname;
  return path.startsWith(BASE) ? `/${path.slice(BASE.length)}` : '/';
};

/** Client-side navigation: a full page load would lose the in-memory token. */
export const navigate = (to: string): void => {
  const url = BASE + to.replace(/^\//, '');
  if (url === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATED));
};

export const hrefOf = (to: string): string => BASE + to.replace(/^\//, '');

export const usePath = (): string => {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
};
