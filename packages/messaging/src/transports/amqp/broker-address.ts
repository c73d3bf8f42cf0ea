/** The broker URL with a `heartbeat` parameter, unless the URL sets one itself. */
export const withHeartbeat = (url: string, seconds: number): string => {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
};

/** The broker's address without credentials, for logs. */
export const displayUrl = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
};
