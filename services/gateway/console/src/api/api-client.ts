/**
 * The console's only way to the API: same-origin fetches to the gateway with the admin's token, which lives in
 * memory only (this object) and is gone with the tab. Every non-2xx answer becomes an ApiProblem (problem+json).
 */

export interface Problem {
  status: number;
  title: string;
  code?: string;
  detail?: string;
  errors?: { path?: string; message: string }[];
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiProblem';
  }

  get status(): number {
    return this.problem.status;
  }
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

const withQuery = (path: string, query: Record<string, string | number | undefined> = {}): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

const problemOf = async (response: Response): Promise<Problem> => {
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { ...body, status: response.status, title: body.title ?? response.statusText };
  } catch {
    return { status: response.status, title: response.statusText || 'The gateway did not answer with JSON' };
  }
};

/** `onUnauthenticated` is called on a 401 (the token expired), so the shell can ask the admin to sign in again. */
export const createApiClient = (token: string, onUnauthenticated: () => void): ApiClient => {
  const send = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (response.status === 401) onUnauthenticated();
    if (!response.ok) throw new ApiProblem(await problemOf(response));
    return (await response.json()) as T;
  };
  return {
    get: (path, query) => send('GET', withQuery(path, query)),
    post: (path, body) => send('POST', path, body),
  };
};
