const intFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })
const compactFmt = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 })

export function int(n: number | null | undefined): string {
  return n == null ? '—' : intFmt.format(n)
}

export function compact(n: number | null | undefined): string {
  if (n == null) return '—'
  return Math.abs(n) < 10000 ? intFmt.format(n) : compactFmt.format(n)
}

export function usd(n: number | null | undefined): string {
  if (n == null) return '—'
  const digits = n !== 0 && Math.abs(n) < 1 ? 4 : 2
  return '$' + n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: digits })
}

export function pct(n: number | null | undefined): string {
  if (n == null || !isFinite(n)) return '—'
  return (n * 100).toLocaleString(undefined, { maximumFractionDigits: 1 }) + '%'
}

export function dateTime(s: string | null | undefined): string {
  if (!s) return '—'
  const d = new Date(s)
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
}

export function dateTimeSeconds(s: string | null | undefined): string {
  if (!s) return '—'
  const d = new Date(s)
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function date(s: string | null | undefined): string {
  if (!s) return '—'
  return new Date(s).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

/** "in 3m 12s" / "2h 5m ago" relative to now (ms). */
export function countdown(until: string | null | undefined, now: number): string {
  if (!until) return ''
  let s = Math.round((new Date(until).getTime() - now) / 1000)
  const past = s < 0
  s = Math.abs(s)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  let text: string
  if (d > 0) text = `${d}d ${h}h`
  else if (h > 0) text = `${h}h ${m}m`
  else if (m > 0) text = `${m}m ${sec}s`
  else text = `${sec}s`
  return past ? `${text} ago` : `in ${text}`
}

export function meterValue(meter: string, n: number | null | undefined): string {
  if (n == null) return '—'
  if (meter === 'cost') return usd(n)
  if (meter === 'tokens') return compact(n)
  return int(n)
}

export function ruleText(r: { meter: string; window?: string; max: number; queue?: { size: number; timeout: string } }): string {
  const max = meterValue(r.meter, r.max)
  if (r.meter === 'concurrency') return `${max} at a time` + (r.queue ? ` (queue ${r.queue.size}/${r.queue.timeout})` : '')
  return `${max} ${r.meter === 'cost' ? '' : r.meter + ' '}/ ${r.window}`.replace('  ', ' ')
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export function splitList(s: string): string[] {
  return s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0)
}

export function joinList(list: string[] | undefined | null): string {
  return (list ?? []).join(', ')
}

/** An optional text for a request body: blank is left out on create and sent as null (= clear it) on edit. */
export function optionalText(s: string, editing: boolean): string | null | undefined {
  const t = s.trim()
  return t ? t : editing ? null : undefined
}
