import type { Account, Group, Key, Policy, SharedPolicy } from './types'

export type KeyState = 'active' | 'disabled' | 'expired' | 'unused'

export function keyState(k: Key, now = Date.now()): KeyState {
  if (!k.enabled) return 'disabled'
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= now) return 'expired'
  return 'active'
}

export function policySummary(p: Policy | undefined, groups: Group[], accounts: Account[]): string[] {
  if (!p) return []
  const out: string[] = []
  if (p.platforms?.length) out.push(p.platforms.join(' + '))
  if (p.models?.allow?.length) out.push('models ' + p.models.allow.join(', '))
  if (p.models?.deny?.length) out.push('not ' + p.models.deny.join(', '))
  if (p.clients?.length) out.push(p.clients.join(', ') + ' only')
  if (p.group) out.push('group ' + (groups.find((g) => g.id === p.group)?.name ?? p.group))
  if (p.account) out.push('account ' + (accounts.find((a) => a.id === p.account)?.name ?? p.account) + (p.fallbackToPool ? ' (+pool)' : ''))
  return out
}

export function accessLabel(k: Key, policies: SharedPolicy[]): string {
  if (k.policyId) return 'policy ' + (policies.find((p) => p.id === k.policyId)?.name ?? k.policyId)
  if (k.policy) return 'own policy'
  return 'unrestricted'
}

export function expiryText(k: Key): string {
  const parts: string[] = []
  if (k.expiresAt) parts.push(new Date(k.expiresAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }))
  else if (k.expires?.at) parts.push(new Date(k.expires.at).toLocaleDateString())
  if (k.expires?.afterFirstUse && !k.firstUsedAt) parts.push(k.expires.afterFirstUse + ' after first use')
  return parts.length ? parts.join(' · ') : 'never'
}

/** "30d" → 30; "2w" → 14; "48h" → 2; anything else → null. */
export function durationDays(s: string | undefined): number | null {
  const m = /^(\d+)([smhdw])$/.exec(s ?? '')
  if (!m) return null
  const n = Number(m[1])
  switch (m[2]) {
    case 'd':
      return n
    case 'w':
      return n * 7
    case 'h':
      return n % 24 === 0 ? n / 24 : null
    default:
      return null
  }
}

/** Date input value (local YYYY-MM-DD) of the day an instant falls in (the instant minus 1 ms, so a midnight end reads as the day before). */
export function dateInputValue(iso: string | undefined): string {
  if (!iso) return ''
  const d = new Date(new Date(iso).getTime() - 1)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** End of the given local day (the next midnight) as an ISO instant. */
export function endOfLocalDay(value: string): string {
  const [y, m, d] = value.split('-').map(Number)
  return new Date(y, m - 1, d + 1).toISOString()
}
