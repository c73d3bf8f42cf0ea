import type { NewCustomer } from './builders.js';

/** The public types of /work/shared/API.md, as the tests read them. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  role: 'customer' | 'admin';
  createdAt: string;
}

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface MenuItem {
  id: string;
  name: string;
  kind: 'food' | 'drink';
  price: number;
  currency: string;
}

export interface Account {
  customerId: string;
  balance: number;
  currency: string;
  updatedAt: string;
}

export interface LedgerEntry {
  id: string;
  kind: 'DEPOSIT' | 'DEBIT' | 'REFUND';
  amount: number;
  balanceAfter: number;
  orderId?: string;
  createdAt: string;
}

export interface Deposit {
  account: Account;
  entry: LedgerEntry;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it is JSON (application/json or application/problem+json), otherwise undefined. */
  readonly body: T;
  readonly method: string;
  readonly path: string;
}

export interface RequestOptions {
  /** Serialised as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  /** Sent byte for byte; set `contentType` yourself (none is added). */
  readonly raw?: string | Buffer;
  readonly contentType?: string;
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Every response this client saw, so a file can assert properties of all of them (e.g. `x-request-id`). */
export interface SeenResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly requestId: string | null;
  readonly contentType: string | null;
}

const isJson = (contentType: string | null): boolean => contentType !== null && /^application\/(problem\+)?json\b/i.test(contentType);

/** A small fetch-based client for the gateway (or a service, given its base URL). Never throws on an HTTP status. */
export class ApiClient {
  readonly seen: SeenResponse[] = [];

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    }
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    let parsed: unknown;
    if (isJson(contentType) && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    this.seen.push({ method, path, status: response.status, requestId: response.headers.get('x-request-id'), contentType });
    return { status: response.status, headers: response.headers, text, body: parsed as T, method, path };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  register(customer: NewCustomer): Promise<ApiResponse<Customer>> {
    return this.post<Customer>('/api/customers', { json: customer });
  }

  login(email: string, password: string): Promise<ApiResponse<TokenResponse>> {
    return this.post<TokenResponse>('/api/auth/token', { json: { email, password } });
  }

  me(token: string): Promise<ApiResponse<Customer>> {
    return this.get<Customer>('/api/customers/me', { token });
  }

  menu(): Promise<ApiResponse<{ items: MenuItem[] }>> {
    return this.get<{ items: MenuItem[] }>('/api/menu');
  }

  account(token: string): Promise<ApiResponse<Account>> {
    return this.get<Account>('/api/accounts/me', { token });
  }

  deposit(token: string, amount: unknown, idempotencyKey?: string): Promise<ApiResponse<Deposit>> {
    return this.post<Deposit>('/api/accounts/me/deposits', {
      json: { amount },
      token,
      headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    });
  }

  entries(token: string, query: { limit?: number; cursor?: string } = {}): Promise<ApiResponse<Page<LedgerEntry>>> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.get<Page<LedgerEntry>>(`/api/accounts/me/entries${search}`, { token });
  }

  /** Follows nextCursor to the end; fails loudly instead of looping forever on a cursor that never ends. */
  async allEntries(token: string, limit = 100): Promise<LedgerEntry[]> {
    const all: LedgerEntry[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page += 1) {
      const response = await this.entries(token, { limit, ...(cursor === undefined ? {} : { cursor }) });
      if (response.status !== 200) throw new Error(`GET entries answered ${response.status}: ${response.text}`);
      all.push(...response.body.items);
      if (response.body.nextCursor === null) return all;
      cursor = response.body.nextCursor;
    }
    throw new Error('the ledger pagination did not end after 1000 pages');
  }

  /** Registers and logs in; throws with the answer if either step fails. */
  async signUp(customer: NewCustomer): Promise<{ customer: Customer; token: string; password: string }> {
    const registered = await this.register(customer);
    if (registered.status !== 201) throw new Error(`registration answered ${registered.status}: ${registered.text}`);
    const login = await this.login(customer.email, customer.password);
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`);
    return { customer: registered.body, token: login.body.accessToken, password: customer.password };
  }
}
