// The organisation's shared resources : licences and their
// assignments, items (maps, datasets, apps) with their sharing, and groups with their
// members; and what to say when the server refuses, in the user's language.
import { describe, pb, type Problem, type UserType } from './api'
import { plural } from './format'
import { t, type MessageKey } from './i18n/index.svelte'
import { reason, type Entry, type Member, type Page } from './members'

// ---- Licences.

export interface License {
  id: string
  code: string
  name: string
  compatibleTypes: UserType[]
  seats: number // 0 = unlimited
  assigned: number
}

export interface LicenseInput {
  code: string
  name: string
  compatibleTypes: UserType[]
  seats: number
}

// BatchResult is one member's outcome in an assignment or a group-membership change.
export interface BatchResult {
  id: string
  ok: boolean
  code?: string
  message?: string
}

export interface Outcome {
  results: BatchResult[]
  changed: number
}

const orgPath = (org: string) => `/api/orgs/${encodeURIComponent(org)}`
const licensePath = (org: string, id: string) => `${orgPath(org)}/licenses/${encodeURIComponent(id)}`

export const listLicenses = (org: string) =>
  pb.send<Page<License>>(`${orgPath(org)}/licenses`, { query: { perPage: '200' } })

export const createLicense = (org: string, l: LicenseInput) =>
  pb.send<License>(`${orgPath(org)}/licenses`, { method: 'POST', body: l })

export const updateLicense = (org: string, id: string, l: Partial<LicenseInput>) =>
  pb.send<License>(licensePath(org, id), { method: 'PATCH', body: l })

export const deleteLicense = (org: string, id: string) =>
  pb.send<void>(licensePath(org, id), { method: 'DELETE' })

export const assignLicense = (org: string, id: string, members: string[]) =>
  pb.send<Outcome>(`${licensePath(org, id)}/assign`, { method: 'POST', body: { members } })

export const revokeLicense = (org: string, id: string, members: string[]) =>
  pb.send<Outcome>(`${licensePath(org, id)}/revoke`, { method: 'POST', body: { members } })

// holders lists the members who hold licence id (owners and administrators see the list).
export const licenseHolders = (org: string, id: string) =>
  pb.send<Page<Member>>(`${orgPath(org)}/members`, {
    query: { license: id, perPage: '200', sort: 'name' },
  })

export function seatsText(l: License): string {
  return l.seats > 0
    ? t('licenses.seatsOf', { used: l.assigned, seats: l.seats })
    : t('licenses.seatsUnlimited', { used: l.assigned })
}

// ---- Items.

export type ItemKind = 'map' | 'dataset' | 'app'
export type Sharing = 'private' | 'org' | 'groups'
export const itemKinds: ItemKind[] = ['map', 'dataset', 'app']
export const sharings: Sharing[] = ['private', 'org', 'groups']

export interface Item {
  id: string
  kind: ItemKind
  title: string
  sharing: Sharing
  groups: string[]
  owner: { id: string; title: string }
  created: string
  updated: string
  canEdit: boolean
}

export interface ItemInput {
  kind: ItemKind
  title: string
  sharing: Sharing
  groups: string[]
}

export interface ItemQuery {
  search: string
  kind: ItemKind | ''
  mine: boolean
  page: number
  perPage: number
}

export const itemPerPageChoices = [25, 50, 100]

export function listItems(org: string, q: ItemQuery) {
  const query: Record<string, string> = { page: String(q.page), perPage: String(q.perPage) }
  if (q.search.trim()) query.search = q.search.trim()
  if (q.kind) query.kind = q.kind
  if (q.mine) query.owner = 'me'
  return pb.send<Page<Item>>(`${orgPath(org)}/items`, { query })
}

export const createItem = (org: string, i: ItemInput) =>
  pb.send<Item>(`${orgPath(org)}/items`, { method: 'POST', body: i })

export const updateItem = (org: string, id: string, i: Partial<ItemInput>) =>
  pb.send<Item>(`${orgPath(org)}/items/${encodeURIComponent(id)}`, { method: 'PATCH', body: i })

export const deleteItem = (org: string, id: string) =>
  pb.send<void>(`${orgPath(org)}/items/${encodeURIComponent(id)}`, { method: 'DELETE' })

// ---- Groups.

export interface Group {
  id: string
  title: string
  owner: { id: string; title: string }
  members: string[] // membership ids; the owner is one
  sharedUpdate: boolean
  isMember: boolean
  canEdit: boolean
  created: string
  updated: string
}

export interface GroupInput {
  title: string
  sharedUpdate: boolean
  members?: string[] // only when creating
}

export const listGroups = (org: string) =>
  pb.send<Page<Group>>(`${orgPath(org)}/groups`, { query: { perPage: '200' } })

export const createGroup = (org: string, g: GroupInput) =>
  pb.send<Group>(`${orgPath(org)}/groups`, { method: 'POST', body: g })

export const updateGroup = (org: string, id: string, g: Partial<GroupInput>) =>
  pb.send<Group>(`${orgPath(org)}/groups/${encodeURIComponent(id)}`, { method: 'PATCH', body: g })

export const deleteGroup = (org: string, id: string) =>
  pb.send<void>(`${orgPath(org)}/groups/${encodeURIComponent(id)}`, { method: 'DELETE' })

export const changeGroupMembers = (org: string, id: string, change: { add?: string[]; remove?: string[] }) =>
  pb.send<Outcome>(`${orgPath(org)}/groups/${encodeURIComponent(id)}/members`, {
    method: 'POST',
    body: { add: change.add ?? [], remove: change.remove ?? [] },
  })

// groupPeople names a group's members: with the full list when the viewer may read it,
// else one directory entry each.
export async function groupPeople(
  org: string,
  g: Group,
  fullList: boolean,
): Promise<{ id: string; name: string; detail: string }[]> {
  if (fullList) {
    const page = await pb.send<Page<Member>>(`${orgPath(org)}/members`, {
      query: { group: g.id, perPage: '200', sort: 'name' },
    })
    const out = page.items.map((m) => ({ id: m.id, name: m.name, detail: m.email }))
    if (!out.some((p) => p.id === g.owner.id)) out.unshift({ id: g.owner.id, name: g.owner.title, detail: '' })
    return out
  }
  const entries = await Promise.all(
    g.members.slice(0, 200).map((id) =>
      pb
        .send<Entry>(`${orgPath(org)}/members/${encodeURIComponent(id)}`, {})
        .then((e) => ({ id, name: e.name, detail: e.username ? '@' + e.username : '' }))
        .catch(() => null),
    ),
  )
  return entries
    .filter((e): e is { id: string; name: string; detail: string } => e !== null)
    .sort((a, b) => a.name.localeCompare(b.name))
}

// ---- What to say when the server refuses.

const codes: Record<string, MessageKey> = {
  code_taken: 'content.error.code_taken',
  seats_below_assigned: 'content.error.seats_below_assigned',
  incompatible_assignments: 'content.error.incompatible_assignments',
  incompatible_type: 'content.error.incompatible_type',
  license_full: 'content.error.license_full',
  cannot_edit_shared: 'content.error.cannot_edit_shared',
  group_owner: 'content.error.group_owner',
  not_owner: 'content.error.not_owner',
  not_found: 'content.error.not_found',
  invalid_code: 'content.error.invalid_code',
  length: 'content.error.length',
  invalid_choice: 'fieldError.invalidChoice',
  invalid_number: 'content.error.invalid_number',
  required: 'content.error.compatibleTypes',
  count: 'content.error.count',
}

// fieldProblem is the message for one field of a 400, or ''.
export function fieldProblem(p: Problem | null, name: string): string {
  const v = p?.data[name]
  if (typeof v !== 'object' || v === null) return ''
  const code = (v as { code?: unknown }).code
  const key = typeof code === 'string' ? codes[code] : undefined
  if (key) return t(key)
  const message = (v as { message?: unknown }).message
  return typeof message === 'string' ? message : t('common.unexpected')
}

// refusal is the sentence for a refused change of a licence, an item or a group. A batch
// (assign, revoke, group members) names the members refused when names are given.
export function refusal(p: Problem, names: Record<string, string> = {}): string {
  const results = Array.isArray(p.data.results) ? (p.data.results as BatchResult[]) : null
  if (results) {
    const refused = results.filter((r) => !r.ok)
    const lines = refused.map((r) => {
      const key = r.code ? codes[r.code] : undefined
      const why = key ? t(key) : reason(r.code, r.message)
      return names[r.id] ? t('content.memberRefused', { name: names[r.id], why }) : why
    })
    return [t('content.error.nothingChanged'), ...new Set(lines)].join(' ')
  }
  if (p.code === 'seats_below_assigned' && typeof p.data.assigned === 'number') {
    return t('content.error.seats_below_assigned_count', {
      members: plural('lifecycle.count.members', p.data.assigned),
    })
  }
  const key = codes[p.code]
  if (key) return t(key)
  if (p.status === 404) return t('content.error.not_found')
  return describe(p)
}
