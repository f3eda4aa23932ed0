import { reactive } from 'vue'

export const confirmState = reactive({
  open: false,
  title: '',
  message: '',
  confirmLabel: 'Confirm',
  danger: false,
})

let resolver: ((ok: boolean) => void) | null = null

export interface ConfirmOptions {
  title: string
  message: string
  confirmLabel?: string
  danger?: boolean
}

/** Shows the confirm dialog; resolves true when the operator confirms. */
export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  resolver?.(false)
  confirmState.title = options.title
  confirmState.message = options.message
  confirmState.confirmLabel = options.confirmLabel ?? 'Confirm'
  confirmState.danger = options.danger ?? false
  confirmState.open = true
  return new Promise((resolve) => (resolver = resolve))
}

export function resolveConfirm(ok: boolean): void {
  confirmState.open = false
  const r = resolver
  resolver = null
  r?.(ok)
}
