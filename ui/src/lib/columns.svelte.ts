// The members table's view, chosen by each person and kept in this browser (localStorage):
// which columns show besides the name (always shown: it heads each row), and the density.
import type { MessageKey } from './i18n/index.svelte'

export const columns = [
  { key: 'username', label: 'field.username' },
  { key: 'email', label: 'field.email' },
  { key: 'role', label: 'field.role' },
  { key: 'userType', label: 'field.userType' },
  { key: 'status', label: 'field.status' },
  { key: 'mfa', label: 'columns.mfa' },
  { key: 'added', label: 'field.added' },
  { key: 'lastLogin', label: 'field.lastLogin' },
  { key: 'credits', label: 'field.credits' },
  { key: 'licenses', label: 'columns.licenses' },
  { key: 'groups', label: 'columns.groups' },
] as const satisfies readonly { key: string; label: MessageKey }[]

export type ColumnKey = (typeof columns)[number]['key']
export type Density = 'comfortable' | 'compact'

// Licences and groups are lists: shown on request.
const defaults: ColumnKey[] = columns.map((c) => c.key).filter((k) => k !== 'licenses' && k !== 'groups')
const storageKey = 'roster.members.view'

interface View {
  shown: ColumnKey[]
  density: Density
}

function stored(): View {
  try {
    const v = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Partial<View> | null
    const known = columns.map((c) => c.key) as ColumnKey[]
    return {
      shown: Array.isArray(v?.shown) ? known.filter((k) => v.shown!.includes(k)) : defaults,
      density: v?.density === 'comfortable' ? 'comfortable' : 'compact',
    }
  } catch {
    return { shown: defaults, density: 'compact' }
  }
}

let view = $state<View>(stored())

function save(next: View): void {
  view = next
  localStorage.setItem(storageKey, JSON.stringify(next))
}

export const tableView = {
  get density(): Density {
    return view.density
  },
  shows(key: ColumnKey): boolean {
    return view.shown.includes(key)
  },
  get count(): number {
    return view.shown.length
  },
}

export function showColumn(key: ColumnKey, on: boolean): void {
  const shown = columns.map((c) => c.key).filter((k) => (k === key ? on : view.shown.includes(k)))
  save({ ...view, shown })
}

export function setDensity(density: Density): void {
  save({ ...view, density })
}

export function resetView(): void {
  save({ shown: defaults, density: 'compact' })
}

export const isDefaultView = (): boolean =>
  view.density === 'compact' && view.shown.join() === defaults.join()
