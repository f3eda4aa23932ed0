import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** A clock that ticks every second (for countdowns). */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now())
  let timer: number | undefined
  onMounted(() => {
    timer = window.setInterval(() => (now.value = Date.now()), intervalMs)
  })
  onBeforeUnmount(() => window.clearInterval(timer))
  return now
}

/** Calls fn now and every intervalMs while the page is visible; refreshes at once when it becomes visible again. */
export function usePolling(fn: () => Promise<void> | void, intervalMs: number): void {
  let timer: number | undefined
  const tick = () => {
    if (document.visibilityState === 'visible') void fn()
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible') void fn()
  }
  onMounted(() => {
    timer = window.setInterval(tick, intervalMs)
    document.addEventListener('visibilitychange', onVisibility)
  })
  onBeforeUnmount(() => {
    window.clearInterval(timer)
    document.removeEventListener('visibilitychange', onVisibility)
  })
}
