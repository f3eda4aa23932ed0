// Subscription sign-ins (Control API /api/accounts/oauth/…): the calls, and the words the console uses for them.
// Nothing here keeps a code, token or pasted credential: they live in the sign-in dialog's state only, which goes
// when the dialog closes.
import { api } from './api'
import type { Account, SignInProvider, SignInStart } from './types'

/** The account fields a new sign-in creates the account with (same names as POST /api/accounts). */
export interface NewAccountFields {
  name: string
  priority?: number
  groups?: string[]
  proxy?: string
}

/** Either a new account's fields or the id of the account to sign in again. */
export type SignInTarget = { accountId: string } | { account: NewAccountFields }

export type SignInMethod = 'browser' | 'setup-token' | 'device' | 'import'

const base = (provider: string) => `/api/accounts/oauth/${encodeURIComponent(provider)}`

export const signIn = {
  providers: () => api.list<SignInProvider>('/api/accounts/oauth/providers'),
  start: (provider: string, method: string, target: SignInTarget) =>
    api.post<SignInStart>(`${base(provider)}/start`, { method, ...target }),
  complete: (provider: string, sessionId: string, code: string) => api.post<Account>(`${base(provider)}/complete`, { sessionId, code }),
  /** One poll of a device sign-in: the account once approved, null while the provider still waits (with the interval to keep). */
  poll: async (provider: string, sessionId: string): Promise<{ account: Account } | { pending: true; intervalSeconds?: number }> => {
    const answer = await api.post<Account | { status: string; intervalSeconds?: number }>(`${base(provider)}/poll`, { sessionId })
    if (answer && typeof answer.status === 'string') return { pending: true, intervalSeconds: (answer as { intervalSeconds?: number }).intervalSeconds }
    return { account: answer as Account }
  },
  import: (provider: string, credentials: string, target: SignInTarget) =>
    api.post<Account>(`${base(provider)}/import`, { credentials, ...target }),
}

export const methodInfo: Record<SignInMethod, { label: string; description: string }> = {
  browser: { label: 'Sign in with browser', description: "Open the provider's sign-in page, then paste back what it shows." },
  'setup-token': {
    label: 'Long-lived token',
    description: 'The same browser sign-in, asking for a token that only makes requests and lasts about a year (no refresh).',
  },
  device: { label: 'Device code', description: "Enter a short code on the provider's page; Relay waits for your approval." },
  import: { label: 'Import', description: 'Paste the credentials a CLI on your machine already holds.' },
}

/** What to paste back after a browser sign-in: what the provider's last page shows. */
export function pasteHint(provider: string): string {
  switch (provider) {
    case 'claude':
      return 'Paste the code shown after sign-in.'
    case 'chatgpt':
      return 'Paste the address of the page the browser ends on (it may fail to load; copy it anyway).'
    default:
      return 'Paste the code shown after sign-in, or the address of the page the browser ends on.'
  }
}

/** Where each import format is found. */
export const importFormatHint: Record<string, string> = {
  'claude-credentials': 'Claude Code: the file ~/.claude/.credentials.json (on macOS it is in the Keychain as "Claude Code-credentials").',
  'claude-setup-token': 'A long-lived token: the output of claude setup-token (sk-ant-oat01-…).',
  'codex-auth': 'Codex CLI: the file ~/.codex/auth.json.',
}
