/** Nothing listens on port 1: publishing there (a started relay, or stop()'s final flush) fails at once and the rows stay PENDING. */
export const UNREACHABLE_PEER = 'http://127.0.0.1:1';
