// Thin client for the Control API. The session lives in the HttpOnly cookie; the CSRF token is kept in
// memory only (never localStorage) and sent as X-CSRF-Token on every unsafe request.

export class ApiError extends Error {
  readonly status: number
  readonly type: string
  readonly retryAfter: number | null

  constructor(status: number, type: string, message: string, retryAfter: number | null = null) {
    super(message)
    this.status = status
    this.type = type
    this.retryAfter = retryAfter
  }
}

let csrfToken: string | null = null
let unauthorizedHandler: (() => void) | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called on any 401 from an authenticated request (the session ended): the app goes to sign-in. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

export interface RequestOptions {
  /** Don't treat a 401 as "session ended" (sign-in, session probe, /api/me). */
  allow401?: boolean
  /** Extra headers (the /me page sends the relay key as a bearer token). */
  headers?: Record<string, string>
  signal?: AbortSignal
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (unsafe.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', 'Cannot reach Relay. Check that the server is running.')
  }

  if (response.status === 204) return undefined as T
  const text = await response.text()
  let json: unknown = undefined
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }

  if (!response.ok) {
    const err = (json as { error?: { type?: string; message?: string } } | undefined)?.error
    const retry = response.headers.get('Retry-After')
    const error = new ApiError(
      response.status,
      err?.type ?? 'http_' + response.status,
      err?.message ?? (text && text.length < 300 ? text : `${response.status} ${response.statusText}`),
      retry ? Number(retry) : null,
    )
    if (response.status === 401 && !options.allow401 && unauthorizedHandler) unauthorizedHandler()
    throw error
  }
  return json as T
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  del: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
  /** A collection endpoint's items (`{ "items": [...] }`). */
  list: async <T>(path: string) => (await request<{ items: T[] }>('GET', path)).items,
  /** Creates in the collection (POST) or, given the id of an existing object, updates it (PATCH). */
  save: <T>(collection: string, id: string | undefined, body: unknown) =>
    id === undefined ? request<T>('POST', collection, body) : request<T>('PATCH', `${collection}/${encodeURIComponent(id)}`, body),
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 429 && e.retryAfter && !/try again/i.test(e.message)) return `${e.message} Try again in ${formatWait(e.retryAfter)}.`
    return e.message
  }
  if (e instanceof Error) return e.message
  return String(e)
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`
  return `${Math.ceil(seconds / 60)} min`
}

/** Builds a query string, skipping undefined and null values (empty strings are kept: they mean "the empty group"). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}
