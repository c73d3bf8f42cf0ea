import type { NewCustomer } from './builders.js';

/** The public types of docs/api.md, as the tests read them. */
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

export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCEL_PENDING' | 'CANCELLED';

export interface OrderItem {
  menuItemId: string;
  name: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
}

export interface Order {
  id: string;
  customerId: string;
  items: OrderItem[];
  total: number;
  currency: string;
  status: OrderStatus;
  reason?: string;
  createdAt: string;
  updatedAt: string;
}

export type SagaType = 'checkout' | 'cancel-order';
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'ABORTED';
export type SagaStepStatus = 'PENDING' | 'RUNNING' | 'DONE' | 'FAILED' | 'COMPENSATED';

export interface SagaStep {
  name: string;
  status: SagaStepStatus;
  at: string;
}

export interface Saga {
  sagaId: string;
  type: SagaType;
  orderId: string;
  status: SagaStatus;
  reason?: string;
  steps: SagaStep[];
  createdAt: string;
  updatedAt: string;
}

/** One line of a checkout body. */
export interface CheckoutLine {
  menuItemId: string;
  quantity: number;
}

export interface CheckoutOptions {
  /** `?wait=N`; sent as given (a number or any string, for the bad-query cases). */
  readonly wait?: number | string;
  readonly idempotencyKey?: string;
  readonly timeoutMs?: number;
}

export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: string;
}

export const TERMINAL_SAGA_STATUSES: readonly SagaStatus[] = ['COMPLETED', 'ABORTED'];
export const isTerminalSaga = (saga: Pick<Saga, 'status'>): boolean => TERMINAL_SAGA_STATUSES.includes(saga.status);

const queryString = (query: Readonly<Record<string, string | number | undefined>>): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  return params.size > 0 ? `?${params.toString()}` : '';
};

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
  /** Aborts the request after this long (the fetch then throws a TimeoutError). Default 60 s. */
  readonly timeoutMs?: number;
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

/**
 * A small fetch-based client for the gateway (or a service, given its base URL). Never throws on an HTTP status. The
 * base URL may be a function, read at each request: a suite's client exists before its beforeAll starts the system.
 */
export class ApiClient {
  readonly seen: SeenResponse[] = [];

  constructor(private readonly base: string | (() => string)) {}

  get baseUrl(): string {
    return typeof this.base === 'string' ? this.base : this.base();
  }

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
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
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

  /** `POST /api/checkout[?wait=N]`; the body is sent as given, so a test can send a bad one. */
  checkout(token: string, body: unknown, options: CheckoutOptions = {}): Promise<ApiResponse<Saga>> {
    return this.post<Saga>(`/api/checkout${queryString({ wait: options.wait })}`, {
      json: body,
      token,
      headers: options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** A well-formed checkout of these lines. */
  checkoutItems(token: string, items: readonly CheckoutLine[], options: CheckoutOptions = {}): Promise<ApiResponse<Saga>> {
    return this.checkout(token, { items }, options);
  }

  saga(token: string, sagaId: string, options: { timeoutMs?: number } = {}): Promise<ApiResponse<Saga>> {
    return this.get<Saga>(`/api/checkout/${sagaId}`, { token, ...options });
  }

  /** `POST /api/orders/{id}/cancel[?wait=N]`, with no body. */
  cancelOrder(token: string, orderId: string, options: { wait?: number | string; timeoutMs?: number } = {}): Promise<ApiResponse<Saga>> {
    return this.post<Saga>(`/api/orders/${orderId}/cancel${queryString({ wait: options.wait })}`, {
      token,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  order(token: string, orderId: string): Promise<ApiResponse<Order>> {
    return this.get<Order>(`/api/orders/${orderId}`, { token });
  }

  orders(token: string, query: PageQuery & { status?: string } = {}): Promise<ApiResponse<Page<Order>>> {
    return this.get<Page<Order>>(`/api/orders${queryString({ limit: query.limit, cursor: query.cursor, status: query.status })}`, {
      token,
    });
  }

  /** Every order the token may see (a customer's own, or all for an admin), following nextCursor to the end. */
  async allOrders(token: string, query: { status?: string } = {}, limit = 100): Promise<Order[]> {
    return this.collectPages('GET /api/orders', (cursor) =>
      this.orders(token, { ...query, limit, ...(cursor === undefined ? {} : { cursor }) }),
    );
  }

  adminSagas(token: string, query: PageQuery & { status?: string; type?: string } = {}): Promise<ApiResponse<Page<Saga>>> {
    return this.get<Page<Saga>>(
      `/api/admin/sagas${queryString({ limit: query.limit, cursor: query.cursor, status: query.status, type: query.type })}`,
      { token },
    );
  }

  /** Every saga (admin), following nextCursor to the end. */
  async allAdminSagas(token: string, query: { status?: string; type?: string } = {}, limit = 100): Promise<Saga[]> {
    return this.collectPages('GET /api/admin/sagas', (cursor) =>
      this.adminSagas(token, { ...query, limit, ...(cursor === undefined ? {} : { cursor }) }),
    );
  }

  /** Follows nextCursor to the end; fails loudly on an error status or a cursor that never ends. */
  private async collectPages<T>(what: string, fetchPage: (cursor: string | undefined) => Promise<ApiResponse<Page<T>>>): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page += 1) {
      const response = await fetchPage(cursor);
      if (response.status !== 200)
        throw new Error(`${response.method} ${response.path} answered ${response.status}: ${response.text.slice(0, 400)}`);
      all.push(...response.body.items);
      if (response.body.nextCursor === null) return all;
      cursor = response.body.nextCursor;
    }
    throw new Error(`the pagination of ${what} did not end after 1000 pages`);
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
