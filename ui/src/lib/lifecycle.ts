// The rest of a member's life: role changes, removal with its inventory
// and what becomes of the member's content and licences, ownership transfer, leaving; the
// member picker's search; and what to say when the server refuses, in the user's language.
import { describe, pb, type Problem, type Role, type UserType } from './api'
import { formatNumber, plural } from './format'
import { i18n, t, type MessageKey } from './i18n/index.svelte'
import { refusal as memberRefusal, type Entry, type Member, type Page } from './members'

// Ref names an item (kind), a group or a licence (code) in an inventory.
export interface Ref {
  id: string
  title: string
  kind?: 'map' | 'dataset' | 'app'
  code?: string
}

export interface Person {
  id: string
  name: string
  email: string
}

// RemovalPreview is GET …/members/{id}/removal: what the member holds, what a removal
// must settle (owns_content, has_licenses), and the seat price it saves (cents a month).
export interface RemovalPreview {
  member: Person
  role: Role
  userType: UserType
  status: 'active' | 'disabled'
  items: Ref[]
  groups: Ref[] // groups they own
  memberOf: Ref[] // groups they belong to without owning them
  licenses: Ref[]
  counts: { items: number; groups: number; memberOf: number; licenses: number }
  required: ('owns_content' | 'has_licenses')[]
  seatPrice: number
  monthlyAmount: number
  monthlyAmountAfter: number
  currency: string
}

export interface RemoveOptions {
  transferTo: string | null
  deleteContent: boolean
  revokeLicenses: boolean
}

export interface Removal {
  member: Person
  transferredTo: Person | null
  handover: {
    transferredTo?: string
    itemsTransferred: number
    groupsTransferred: number
    itemsDeleted: number
    groupsDeleted: number
    groupsLeft: number
    licensesRevoked: string[]
  } | null
  seatPrice: number
  monthlyAmount: number // the subscription's monthly amount now
  currency: string
}

export interface OwnershipTransfer {
  from: Person
  to: Person
}

// ---- Calls.

const orgPath = (org: string) => `/api/orgs/${encodeURIComponent(org)}`
const memberPath = (org: string, id: string) => `${orgPath(org)}/members/${encodeURIComponent(id)}`

export const previewRemoval = (org: string, id: string) =>
  pb.send<RemovalPreview>(`${memberPath(org, id)}/removal`, {})

export const removeMember = (org: string, id: string, options: RemoveOptions) =>
  pb.send<Removal>(memberPath(org, id), { method: 'DELETE', body: options })

export const leaveOrg = (org: string, options: RemoveOptions) =>
  pb.send<Removal>(`${orgPath(org)}/leave`, { method: 'POST', body: options })

export const changeRole = (org: string, id: string, role: Exclude<Role, 'owner'>) =>
  pb.send<Member>(`${memberPath(org, id)}/role`, { method: 'POST', body: { role } })

export function transferOwnership(org: string, to: string, password: string, code?: string) {
  const body: Record<string, string> = { to, password }
  if (code) body.code = code
  return pb.send<OwnershipTransfer>(`${orgPath(org)}/transfer-ownership`, { method: 'POST', body })
}

// ---- The member picker.

// Candidate is a member as the picker shows them: the full view for owners and
// administrators, the directory's for everyone else (no user type, no address).
export interface Candidate {
  id: string
  name: string
  detail: string // address or @username
  userType?: UserType
  role: Role
}

export interface PickerFilter {
  userTypes?: UserType[] // only honoured by the full list (owners, administrators)
  roles?: Role[]
  activeOnly?: boolean
  license?: string
}

export const pickerPageSize = 8

export async function searchCandidates(
  org: string,
  search: string,
  filter: PickerFilter = {},
  perPage = pickerPageSize,
): Promise<{ items: Candidate[]; total: number }> {
  const query: Record<string, string> = { perPage: String(perPage), sort: 'name' }
  if (search.trim()) query.search = search.trim()
  if (filter.activeOnly) query.status = 'active'
  if (filter.userTypes?.length) query.userType = filter.userTypes.join(',')
  if (filter.roles?.length) query.role = filter.roles.join(',')
  if (filter.license) query.license = filter.license
  const page = await pb.send<Page<Member | Entry>>(`${orgPath(org)}/members`, { query })
  return { items: page.items.map(candidate), total: page.totalItems }
}

export function candidate(m: Member | Entry): Candidate {
  const full = 'allowed' in m
  return {
    id: m.id,
    name: m.name,
    detail: full ? m.email : m.username ? '@' + m.username : '',
    userType: full ? m.userType : undefined,
    role: m.role,
  }
}

// ---- Words.

// money writes cents in a currency: « 35,00 € », "€35.00".
export function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(i18n.lang, { style: 'currency', currency }).format(cents / 100)
  } catch {
    return `${formatNumber(cents / 100)} ${currency}`
  }
}

// contentWhat is « 3 éléments », « 1 groupe » or « 3 éléments et 1 groupe »: the counts
// that are not zero (items when both are).
export function contentWhat(items: number, groups: number): string {
  const i = plural('count.items', items)
  const g = plural('count.groups', groups)
  if (items && groups) return t('choice.what', { items: i, groups: g })
  return groups ? g : i
}

export function kindLabel(kind: string | undefined): string {
  switch (kind) {
    case 'map':
      return t('items.kind.map')
    case 'dataset':
      return t('items.kind.dataset')
    case 'app':
      return t('items.kind.app')
  }
  return ''
}

const codes: Record<string, MessageKey> = {
  step_up_failed: 'lifecycle.error.step_up_failed',
  owner_must_transfer: 'lifecycle.error.owner_must_transfer',
  owner_protected: 'reason.owner_protected',
  role_incompatible_type: 'reason.role_incompatible_type',
  self: 'reason.self',
  rank: 'reason.rank',
  role: 'reason.role',
  not_found: 'reason.not_found',
  use_transfer: 'lifecycle.error.use_transfer',
  choose_one: 'lifecycle.error.choose_one',
}

const targetReasons: Record<string, MessageKey> = {
  not_member: 'lifecycle.error.target.not_member',
  same_member: 'lifecycle.error.target.same_member',
  not_active: 'lifecycle.error.target.not_active',
  user_type: 'lifecycle.error.target.user_type',
}

// refusal is what to say when a role change, a removal, a departure or an ownership
// transfer is refused: every unmet precondition, with the counts the server gives.
export function refusal(p: Problem): string {
  if (p.status === 404 && !p.code) return t('reason.not_found')
  const data = p.data
  const field = (name: string) => {
    const v = data[name]
    return typeof v === 'object' && v !== null ? ((v as { code?: unknown }).code as string) : ''
  }
  const code = p.code || field('transferTo') || field('role') || field('to')
  switch (code) {
    case 'owns_content':
    case 'has_licenses': {
      const reasons = Array.isArray(data.reasons) ? (data.reasons as string[]) : [code]
      const items = Number(data.items) || 0
      const groups = Number(data.groups) || 0
      const licenses = Number(data.licenses) || 0
      return reasons
        .map((r) =>
          r === 'owns_content'
            ? t('lifecycle.error.owns_content', {
                items: plural('count.items', items),
                groups: plural('count.groups', groups),
              })
            : t('lifecycle.error.has_licenses', { licenses: plural('lifecycle.count.licenses', licenses) }),
        )
        .join(' ')
    }
    case 'transfer_target_ineligible':
    case 'target_ineligible': {
      const key = targetReasons[String(data.reason)]
      if (key) return t(key)
      break
    }
    case 'required':
      return t('lifecycle.error.pickMember')
  }
  const key = codes[code]
  if (key) return t(key)
  const fromMembers = memberRefusal(p)
  return fromMembers || describe(p)
}
