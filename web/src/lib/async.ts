import { onMounted, ref, type Ref } from 'vue'
import { errorMessage } from './api'
import { confirmAction, type ConfirmOptions } from './confirm'

export interface Loaded<T> {
  data: Ref<T | null>
  error: Ref<string | null>
  loading: Ref<boolean>
  reload: () => Promise<void>
}

/**
 * Fetches on mount and on every reload(). A failed reload keeps the last data: a polling page shows the error
 * above the table it had instead of going blank.
 */
export function useLoad<T>(fetcher: () => Promise<T>): Loaded<T> {
  const data = ref(null) as Ref<T | null>
  const error = ref<string | null>(null)
  const loading = ref(false)
  async function reload() {
    loading.value = true
    try {
      data.value = await fetcher()
      error.value = null
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }
  onMounted(reload)
  return { data, error, loading, reload }
}

/**
 * Row actions (enable, delete, …): asks first when given a confirm dialog, then calls, then reloads so the page
 * shows what the server now says. A failure is shown in the page's error box.
 */
export function useAction(target: { error: Ref<string | null>; reload?: () => Promise<unknown> }) {
  return async function act(call: () => Promise<unknown>, confirm?: ConfirmOptions): Promise<void> {
    if (confirm && !(await confirmAction(confirm))) return
    target.error.value = null
    try {
      await call()
      await target.reload?.()
    } catch (e) {
      target.error.value = errorMessage(e)
    }
  }
}

/** A form's submit: disables the button while it runs and shows a failure in the form (describe can reword it). */
export function useFormSubmit(describe: (e: unknown) => string = errorMessage) {
  const busy = ref(false)
  const error = ref<string | null>(null)
  async function run(call: () => Promise<unknown>): Promise<void> {
    busy.value = true
    error.value = null
    try {
      await call()
    } catch (e) {
      error.value = describe(e)
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}

/**
 * A list page's create/edit dialog. editing is undefined while it is closed, null when creating and the object
 * being edited otherwise; save() runs the request, then closes the dialog and reloads the list.
 */
export function useEditDialog<T>(reload: () => Promise<unknown>) {
  const editing = ref(undefined) as Ref<T | null | undefined>
  const { busy, error, run } = useFormSubmit()
  function open(item: T | null) {
    error.value = null
    editing.value = item
  }
  function close() {
    editing.value = undefined
  }
  const save = (call: () => Promise<unknown>) =>
    run(async () => {
      await call()
      close()
      await reload()
    })
  return { editing, busy, error, open, close, save }
}
