import { ConfigError } from '@ordering/platform';

/** The problem lines a config reader refuses with, or none when it accepts; any other failure is rethrown. */
export const configProblemsOf = (read: () => unknown): string[] => {
  try {
    read();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};
