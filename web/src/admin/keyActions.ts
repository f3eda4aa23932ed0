import { ref } from 'vue'
import { api } from '../lib/api'
import { confirmAction } from '../lib/confirm'
import type { Account, Group, Key, SharedPolicy } from '../lib/types'

/** The one-time key shown after create or rotate; cleared when the dialog closes and never kept anywhere else. */
export const revealed = ref<{ name: string; key: string } | null>(null)

const path = (k: Key) => `/api/keys/${encodeURIComponent(k.id)}`

export async function rotateKey(k: Key): Promise<boolean> {
  const ok = await confirmAction({
    title: 'Rotate key',
    message: `Give "${k.name}" a new secret value? The current value stops working on the next request.`,
    confirmLabel: 'Rotate',
    danger: true,
  })
  if (!ok) return false
  const view = await api.post<Key>(path(k) + '/rotate')
  if (view.key) revealed.value = { name: view.name, key: view.key }
  return true
}

export async function deleteKey(k: Key): Promise<boolean> {
  const ok = await confirmAction({
    title: 'Revoke key',
    message: `Revoke and delete "${k.name}" (${k.prefix}…)? It stops working on the next request.`,
    confirmLabel: 'Revoke',
    danger: true,
  })
  if (!ok) return false
  await api.del(path(k))
  return true
}

export function setKeyEnabled(k: Key, enabled: boolean): Promise<Key> {
  return api.patch<Key>(path(k), { enabled })
}

/** What a key's access is shown and edited against: the groups, accounts and shared policies it may name. */
export async function loadKeyContext(): Promise<{ groups: Group[]; accounts: Account[]; policies: SharedPolicy[] }> {
  const [groups, accounts, policies] = await Promise.all([
    api.list<Group>('/api/groups'),
    api.list<Account>('/api/accounts'),
    api.list<SharedPolicy>('/api/policies'),
  ])
  return { groups, accounts, policies }
}
