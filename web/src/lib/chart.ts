import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  DoughnutController,
  ArcElement,
} from 'chart.js'

// Only what the console draws is registered, so the rest of Chart.js stays out of the bundle.
Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, DoughnutController, ArcElement)

Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font-sans').trim() || 'system-ui, sans-serif'
Chart.defaults.font.size = 12
Chart.defaults.color = '#64748b'
Chart.defaults.borderColor = 'rgba(148, 163, 184, 0.18)'

export { Chart }

export const palette = {
  blue: '#3b82f6',
  indigo: '#6366f1',
  violet: '#8b5cf6',
  teal: '#14b8a6',
  amber: '#f59e0b',
  rose: '#f43f5e',
  green: '#22c55e',
  slate: '#94a3b8',
  sky: '#0ea5e9',
}
