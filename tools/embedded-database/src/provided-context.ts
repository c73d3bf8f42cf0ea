declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server URL (any database on it) where tests may create and drop databases. */
    postgresUrl: string;
  }
}

export {};
