import { browserTimeZone } from './format'

export type RangeId = '24h' | '7d' | '30d'

export const ranges: { id: RangeId; label: string }[] = [
  { id: '24h', label: '24 h' },
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' },
]

/** The start of a dashboard range and its bucket: the last 24 hours by hour, or whole local days. */
export function rangeStart(id: RangeId, now = new Date()): { from: string; bucket: 'hour' | 'day'; tz: string } {
  const tz = browserTimeZone()
  if (id === '24h') {
    const d = new Date(now.getTime() - 23 * 3600_000)
    d.setMinutes(0, 0, 0)
    return { from: d.toISOString(), bucket: 'hour', tz }
  }
  const days = id === '7d' ? 7 : 30
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1))
  return { from: d.toISOString(), bucket: 'day', tz }
}

export function bucketLabel(start: string, bucket: 'hour' | 'day'): string {
  const d = new Date(start)
  if (bucket === 'hour') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}
