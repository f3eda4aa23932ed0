import type { ChartDataset } from 'chart.js'
import type { SeriesPoint, UsageFigures } from './types'
import { palette } from './chart'

type DS = ChartDataset<'line' | 'bar', number[]>

function line(label: string, color: string, data: number[], fill = false): DS {
  return {
    type: 'line',
    label,
    data,
    borderColor: color,
    backgroundColor: fill ? color + '22' : color,
    fill,
    pointBackgroundColor: color,
  } as DS
}

function bar(label: string, color: string, data: number[]): DS {
  return { type: 'bar', label, data, backgroundColor: color, borderRadius: 3, maxBarThickness: 28 } as DS
}

export function requestDatasets(points: SeriesPoint[]): DS[] {
  return [
    bar('Requests', palette.indigo + 'cc', points.map((p) => p.requests)),
    bar('Errors', palette.rose, points.map((p) => p.errors)),
  ]
}

export function tokenDatasets(points: SeriesPoint[]): DS[] {
  return [
    bar('Input', palette.indigo, points.map((p) => p.inputTokens)),
    bar('Output', palette.violet, points.map((p) => p.outputTokens)),
    bar('Cache write 5m', palette.amber, points.map((p) => p.cacheWrite5mTokens)),
    bar('Cache write 1h', '#fb923c', points.map((p) => p.cacheWrite1hTokens)),
    bar('Cache read', palette.teal, points.map((p) => p.cacheReadTokens)),
  ]
}

export function costDatasets(points: SeriesPoint[]): DS[] {
  return [line('Cost (USD)', palette.green, points.map((p) => p.cost), true)]
}

export function totalTokens(f: UsageFigures): number {
  return f.inputTokens + f.outputTokens + f.cacheWrite5mTokens + f.cacheWrite1hTokens + f.cacheReadTokens
}

/** Share of prompt tokens served from the cache: cacheRead / (input + cacheRead + cacheWrite5m + cacheWrite1h). */
export function cacheHitShare(f: UsageFigures): number | null {
  const denom = f.inputTokens + f.cacheReadTokens + f.cacheWrite5mTokens + f.cacheWrite1hTokens
  return denom > 0 ? f.cacheReadTokens / denom : null
}

export function sumPoints(points: SeriesPoint[]): UsageFigures {
  const t: UsageFigures = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, cost: 0 }
  for (const p of points) {
    t.requests += p.requests
    t.errors += p.errors
    t.inputTokens += p.inputTokens
    t.outputTokens += p.outputTokens
    t.cacheWrite5mTokens += p.cacheWrite5mTokens
    t.cacheWrite1hTokens += p.cacheWrite1hTokens
    t.cacheReadTokens += p.cacheReadTokens
    t.cost += p.cost
  }
  return t
}
