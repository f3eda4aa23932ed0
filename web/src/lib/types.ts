export type Meter = 'requests' | 'tokens' | 'cost' | 'concurrency'

export interface LimitRule {
  meter: Meter
  window?: string
  max: number
  queue?: { size: number; timeout: string }
}

export interface LimitStatus extends LimitRule {
  used: number
  remaining: number
  resetsAt?: string
  source?: string
}

export interface Policy {
  platforms?: string[]
  models?: { allow?: string[]; deny?: string[] }
  clients?: string[]
  group?: string
  account?: string
  fallbackToPool?: boolean
}

export interface AccountStatus {
  state: 'active' | 'cooling' | 'error' | 'disabled'
  until?: string
  reason?: string
  inFlight: number
  limits?: LimitStatus[]
  lastError?: { at: string; status: number; message: string }
  /** Subscription usage windows the upstream last reported; utilization is a fraction (0.21 = 21 %). */
  usageWindows?: UsageWindow[]
  usageWindowsObservedAt?: string
}

export interface UsageWindow {
  window: string
  utilization?: number
  resetsAt?: string
  status?: string
}

export interface Account {
  id: string
  name: string
  platform: string
  type: string
  baseUrl: string
  priority: number
  weight: number
  maxConcurrency: number
  models: string[]
  modelMap: Record<string, string>
  shapes?: string[]
  azure?: { apiVersion: string }
  /** Outbound proxy the relay reaches this account's upstream through; absent when it connects directly. */
  proxy?: AccountProxy
  /** Only on token (OAuth) accounts; never carries a token. */
  oauth?: AccountOAuth
  groups: string[]
  shared: boolean
  limits: LimitRule[]
  enabled: boolean
  hasSecret: boolean
  createdAt: string
  updatedAt: string
  status: AccountStatus
}

export interface AccountOAuth {
  provider: string
  expiresAt: string | null
  hasRefreshToken: boolean
  lastRefreshAt: string | null
  refreshError: string | null
  /** Who signed in, as the provider reported it (absent when unknown). */
  email?: string | null
  /** The subscription plan (pro, max, plus, …) when the provider reported one. */
  plan?: string | null
  /** The provider's id of the signed-in account (ChatGPT workspace, Claude account uuid). */
  accountId?: string | null
}

/** A subscription sign-in provider (GET /api/accounts/oauth/providers). */
export interface SignInProvider {
  id: string
  displayName: string
  platform: string
  /** Sign-in methods offered, in the order to show them: browser, setup-token, device. */
  methods: string[]
  /** Credential formats /import accepts (claude-credentials, claude-setup-token, codex-auth, …). */
  importFormats: string[]
  /** Whose terms apply; shown as it is. */
  terms?: string | null
}

/** POST /api/accounts/oauth/{provider}/start: a browser sign-in (authorizeUrl) or a device sign-in (userCode). */
export interface SignInStart {
  sessionId: string
  provider: string
  method: string
  expiresAt: string
  authorizeUrl?: string
  redirectUri?: string
  verificationUrl?: string
  userCode?: string
  intervalSeconds?: number
}

/** The account view's proxy: the URL comes back with its password masked (`user:****@`); the password never does. */
export interface AccountProxy {
  url: string
  scheme: 'http' | 'https' | 'socks5' | 'socks5h'
  host: string
  port: number
  hasCredentials: boolean
}

export interface Key {
  id: string
  name: string
  prefix: string
  enabled: boolean
  expiresAt: string | null
  expires?: { at?: string; afterFirstUse?: string }
  firstUsedAt: string | null
  policy?: Policy
  policyId?: string
  limits: LimitRule[]
  limitStatus?: LimitStatus[]
  createdAt: string
  updatedAt: string
  key?: string
}

export interface Group {
  id: string
  name: string
  description?: string
  accounts: string[]
  keys: number
  policies: number
  createdAt: string
  updatedAt: string
}

export interface SharedPolicy {
  id: string
  name: string
  description?: string
  policy?: Policy
  limits: LimitRule[]
  keys: number
  createdAt: string
  updatedAt: string
}

export interface Price {
  model: string
  input: number
  output: number
  cacheWrite5m: number
  cacheWrite1h: number
  cacheRead: number
  source: 'shipped' | 'override'
}

export interface Settings {
  timeZone: string
  weekStartsOn: string
  dayResetHour: number
  clientPatterns: { family: string; userAgent: string }[]
  stickyTtlSeconds?: number | null
  maxAttempts?: number | null
  streamFirstByteTimeoutSeconds?: number | null
  firstByteTimeoutSeconds?: number | null
  streamIdleTimeoutSeconds?: number | null
  /** Content logging: store request and response bodies (encrypted) with their usage events. */
  logContent?: boolean
  contentRetentionDays?: number
  contentMaxBytes?: number
  /** Live settings set in the database (others come from the process configuration). */
  overridden?: string[]
  [k: string]: unknown
}

/** Token counts and cost, as one request or a sum of them has them. */
export interface TokensAndCost {
  inputTokens: number
  outputTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
  cacheReadTokens: number
  cost: number
}

export interface UsageFigures extends TokensAndCost {
  requests: number
  errors: number
}

export interface UsageRow extends UsageFigures {
  group: string
  name?: string
}

export interface UsageReport {
  from: string | null
  to: string | null
  total: UsageFigures
  byKey?: UsageRow[]
  byAccount?: UsageRow[]
  byModel?: UsageRow[]
  byGroup?: UsageRow[]
  byDay?: UsageRow[]
}

export interface SeriesPoint extends UsageFigures {
  start: string
}

export interface UsageSeries {
  from: string
  to: string
  bucket: 'hour' | 'day'
  timeZone: string
  by: string | null
  series: { group?: string; name?: string; points: SeriesPoint[] }[]
}

export interface UsageEvent extends TokensAndCost {
  id: string
  at: string
  keyId?: string
  keyName?: string
  accountId?: string
  accountName?: string
  groupId?: string
  groupName?: string
  platform?: string
  requestedModel?: string
  upstreamModel?: string
  status: number
  errorClass?: string
  stream?: boolean
  attempts?: number
  latencyMs?: number
  firstByteMs?: number
  /** The request's bodies are stored (content logging); read them with GET /api/usage/events/{id}/content. */
  hasContent?: boolean
}

/** One direction of a logged request: the stored bytes as text, the body's full length, whether it was cut. */
export interface ContentBody {
  text: string
  bytes: number
  truncated: boolean
}

export interface UsageContent {
  request: ContentBody
  response: ContentBody
}

export interface RelayStatus {
  version: string
  startedAt: string
  inFlight: number
  accounts: { total: number; active: number; cooling: number; error: number; disabled: number }
  usageQueue: { pending: number; dropped: number }
}

export interface AdminUser {
  username: string
  createdAt: string
  current: boolean
  lastSignInAt?: string | null
}

export interface Items<T> {
  items: T[]
}

export interface MeUsage {
  requests: number
  inputTokens: number
  outputTokens: number
  cacheWriteTokens: number
  cacheReadTokens: number
  cost: number
}

export interface Me {
  key: {
    id: string
    name: string
    prefix: string
    enabled: boolean
    createdAt: string
    firstUsedAt?: string | null
    expiresAt?: string | null
    expires?: { at?: string; afterFirstUse?: string }
  }
  policy?: {
    name?: string
    platforms?: string[]
    models?: { allow?: string[]; deny?: string[] }
    clients?: string[]
    group?: string
    dedicatedAccount?: boolean
    fallbackToPool?: boolean
  }
  models: string[]
  limits?: LimitStatus[]
  usage: { today: MeUsage; thisWeek: MeUsage; last30Days: MeUsage; total: MeUsage }
}
