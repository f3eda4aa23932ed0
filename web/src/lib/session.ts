import { reactive } from 'vue'
import { api, ApiError, setCsrfToken } from './api'

interface SessionState {
  username: string | null
  checked: boolean
}

export const session = reactive<SessionState>({ username: null, checked: false })

interface SessionInfo {
  username: string
  csrfToken: string
}

/** Restores the session from the cookie (GET /api/session) once per page load. */
export async function restoreSession(): Promise<boolean> {
  try {
    const info = await api.get<SessionInfo>('/api/session', { allow401: true })
    setCsrfToken(info.csrfToken)
    session.username = info.username
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      session.checked = true
      throw e
    }
    setCsrfToken(null)
    session.username = null
  }
  session.checked = true
  return session.username !== null
}

export async function signIn(username: string, password: string): Promise<void> {
  const info = await api.post<SessionInfo>('/api/session', { username, password }, { allow401: true })
  setCsrfToken(info.csrfToken)
  session.username = info.username
  session.checked = true
}

export async function signOut(): Promise<void> {
  try {
    await api.del('/api/session', { allow401: true })
  } finally {
    forgetSession()
  }
}

export function forgetSession(): void {
  setCsrfToken(null)
  session.username = null
}
