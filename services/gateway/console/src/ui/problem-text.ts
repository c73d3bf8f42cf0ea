import { ApiProblem } from '../api/api-client.js';

/** What an operator reads about a failed call: the problem's detail and its code, or the network error. */
export const problemText = (error: unknown): string => {
  if (error instanceof ApiProblem) {
    const { detail, title, code, status } = error.problem;
    return `${detail ?? title}${code ? ` (${code})` : ` (${status})`}`;
  }
  return error instanceof Error ? error.message : String(error);
};
