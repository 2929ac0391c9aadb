// The members API: list, one member, the changes an administrator makes,
// bulk actions, and the list's query as it appears in the page's address.
import { describe, pb, type Problem, type Role, type UserType } from './api'
import { plural } from './format'
import { t, type MessageKey } from './i18n/index.svelte'

export type Status = 'active' | 'disabled'

export interface Ref {
  id: string
  name: string
}

// Member is the full view, for owners and administrators (and each member about themselves).
export interface Member {
  id: string
  userId: string
  username: string
  givenName: string
  familyName: string
  name: string
  email: string
  avatar: string
  role: Role
  userType: UserType
  status: Status
  added: string
  lastLogin: string // "" = never signed in
  mfaEnabled: boolean
  authSource: string
  credits: { allocated: number | null; used: number; remaining: number | null }
  partnerAccess: boolean
  licenses: Ref[]
  groups: Ref[]
  itemsOwned: number
  groupsOwned: number
  description: string
  visibility: Visibility
  language: 'fr' | 'en' | ''
  units: Units | ''
  allowed: string[] // the actions the viewer may perform on this member
}

// Entry is the directory's view, for every member: private profiles show only name and role.
export interface Entry {
  id: string
  name: string
  givenName?: string
  familyName?: string
  username?: string
  avatar?: string
  role: Role
  description?: string
}

export type Visibility = 'private' | 'org' | 'public'
export type Units = 'metric' | 'imperial'

export interface Page<T> {
  page: number
  perPage: number
  totalItems: number
  totalPages: number
  items: T[]
}

export function isFull(m: Member | Entry): m is Member {
  return 'allowed' in m
}

export const roles: Role[] = ['owner', 'admin', 'member']
export const userTypes: UserType[] = ['viewer', 'contributor', 'creator', 'professional']
export const statuses: Status[] = ['active', 'disabled']
export const visibilities: Visibility[] = ['private', 'org', 'public']
export const perPageChoices = [25, 50, 100]

// The user types in order of capability: moving down this list is a downgrade.
export function isDowngrade(from: UserType, to: UserType): boolean {
  return userTypes.indexOf(to) < userTypes.indexOf(from)
}

// ---- The list's query, kept in the page's address so that reload and Back work.

export type SortKey =
  | 'name'
  | 'username'
  | 'email'
  | 'role'
  | 'userType'
  | 'added'
  | 'lastLogin'
  | 'creditsRemaining'

export interface ListQuery {
  search: string
  role: Role[]
  userType: UserType[]
  status: Status[]
  lastLoginAfter: string // YYYY-MM-DD
  lastLoginBefore: string
  neverSignedIn: boolean
  partnerAccess: '' | 'true' | 'false'
  mfa: '' | 'on' | 'off' // two-factor sign-in
  sort: SortKey
  desc: boolean
  page: number
  perPage: number
}

const sortKeys: SortKey[] = [
  'name',
  'username',
  'email',
  'role',
  'userType',
  'added',
  'lastLogin',
  'creditsRemaining',
]

function listOf<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  const picked = (value ?? '').split(',').filter((v): v is T => allowed.includes(v as T))
  return allowed.filter((v) => picked.includes(v)) // canonical order, no duplicates
}

function day(value: string | null): string {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : ''
}

export function readQuery(q: URLSearchParams): ListQuery {
  const sort = q.get('sort') ?? ''
  const key = sort.replace(/^-/, '') as SortKey
  const page = Number.parseInt(q.get('page') ?? '', 10)
  const perPage = Number.parseInt(q.get('perPage') ?? '', 10)
  const partner = q.get('partnerAccess')
  const mfa = q.get('mfa')
  return {
    search: (q.get('search') ?? '').slice(0, 200),
    role: listOf(q.get('role'), roles),
    userType: listOf(q.get('userType'), userTypes),
    status: listOf(q.get('status'), statuses),
    lastLoginAfter: day(q.get('lastLoginAfter')),
    lastLoginBefore: day(q.get('lastLoginBefore')),
    neverSignedIn: q.get('neverSignedIn') === 'true',
    partnerAccess: partner === 'true' || partner === 'false' ? partner : '',
    mfa: mfa === 'on' || mfa === 'off' ? mfa : '',
    sort: sortKeys.includes(key) ? key : 'name',
    desc: sortKeys.includes(key) && sort.startsWith('-'),
    page: page > 0 ? page : 1,
    perPage: perPageChoices.includes(perPage) ? perPage : 50,
  }
}

// queryParams are the query's parameters, defaults left out: the same for the address
// and for the API.
export function queryParams(q: ListQuery): Record<string, string> {
  const out: Record<string, string> = {}
  if (q.search.trim()) out.search = q.search.trim()
  if (q.role.length) out.role = q.role.join(',')
  if (q.userType.length) out.userType = q.userType.join(',')
  if (q.status.length) out.status = q.status.join(',')
  if (q.neverSignedIn) out.neverSignedIn = 'true'
  else {
    if (q.lastLoginAfter) out.lastLoginAfter = q.lastLoginAfter
    if (q.lastLoginBefore) out.lastLoginBefore = q.lastLoginBefore
  }
  if (q.partnerAccess) out.partnerAccess = q.partnerAccess
  if (q.mfa) out.mfa = q.mfa
  if (q.sort !== 'name' || q.desc) out.sort = (q.desc ? '-' : '') + q.sort
  if (q.page > 1) out.page = String(q.page)
  if (q.perPage !== 50) out.perPage = String(q.perPage)
  return out
}

export function queryString(q: ListQuery): string {
  const s = new URLSearchParams(queryParams(q)).toString()
  return s ? '?' + s : ''
}

// activeFilters counts the filters set besides the search (for the "Filters" button).
export function activeFilters(q: ListQuery): number {
  return (
    (q.role.length ? 1 : 0) +
    (q.userType.length ? 1 : 0) +
    (q.status.length ? 1 : 0) +
    (q.neverSignedIn || q.lastLoginAfter || q.lastLoginBefore ? 1 : 0) +
    (q.partnerAccess ? 1 : 0) +
    (q.mfa ? 1 : 0)
  )
}

// noFilters is a query's filters cleared (search, sort and page kept).
export const noFilters = {
  role: [],
  userType: [],
  status: [],
  lastLoginAfter: '',
  lastLoginBefore: '',
  neverSignedIn: false,
  partnerAccess: '',
  mfa: '',
} satisfies Partial<ListQuery>

// ---- Calls.

const base = (org: string) => `/api/orgs/${encodeURIComponent(org)}/members`
const one = (org: string, id: string) => `${base(org)}/${encodeURIComponent(id)}`

export function listMembers<T extends Member | Entry = Member>(
  org: string,
  q: ListQuery,
): Promise<Page<T>> {
  const query = { ...queryParams(q), page: String(q.page), perPage: String(q.perPage) }
  return pb.send<Page<T>>(base(org), { query })
}

export function getMember(org: string, id: string): Promise<Member | Entry> {
  return pb.send<Member | Entry>(one(org, id), {})
}

function post(org: string, id: string, action: string, body: object = {}): Promise<Member> {
  return pb.send<Member>(`${one(org, id)}/${action}`, { method: 'POST', body })
}

export const disableMember = (org: string, id: string) => post(org, id, 'disable')
export const enableMember = (org: string, id: string) => post(org, id, 'enable')
export const changeUserType = (org: string, id: string, userType: UserType) =>
  post(org, id, 'user-type', { userType })
export const setPartnerAccess = (org: string, id: string, enabled: boolean) =>
  post(org, id, 'partner-access', { enabled })
export const setCredits = (org: string, id: string, allocated: number | null) =>
  post(org, id, 'credits', { allocated })

export interface ProfileChange {
  givenName: string
  familyName: string
  email?: string // only when the viewer may change it
  description: string
  visibility: Visibility
  language: string
  units: string
  deleteAvatar?: boolean
}

// updateProfile sends JSON, or a multipart form when a new avatar goes with it.
export function updateProfile(
  org: string,
  id: string,
  change: ProfileChange,
  avatar?: File | null,
): Promise<Member> {
  let body: FormData | ProfileChange = change
  if (avatar) {
    const form = new FormData()
    for (const [name, value] of Object.entries(change)) {
      if (value !== undefined) form.append(name, String(value))
    }
    form.append('avatar', avatar)
    body = form
  }
  return pb.send<Member>(one(org, id), { method: 'PATCH', body })
}

export type BulkAction = 'disable' | 'enable' | 'userType' | 'role' | 'credits' | 'endSessions' | 'remove'

// What a bulk action needs beside the members: the user type, the role, the credits (or
// unlimited), or for a removal what becomes of the content (the same for every member).
export interface BulkOptions {
  userType?: UserType
  role?: 'admin' | 'member'
  allocated?: number
  unlimited?: boolean
  transferTo?: string
  deleteContent?: boolean
  revokeLicenses?: boolean
  skipIneligible?: boolean
  dryRun?: boolean
}

// Cost is what a change of seats does to the monthly amount (cents), before it is made.
export interface Cost {
  seats: Partial<Record<UserType, number>>
  monthlyAmount: number
  monthlyAmountAfter: number
  currency: string
}

export interface BulkResult {
  id: string
  ok: boolean
  code?: string
  message?: string
}

export const bulkLimit = 100

export function bulk(
  org: string,
  action: BulkAction,
  ids: string[],
  options: BulkOptions = {},
): Promise<{ results: BulkResult[]; changed: number; cost?: Cost }> {
  return pb.send(`${base(org)}/bulk`, { method: 'POST', body: { action, ids, ...options } })
}

// downloadCsv saves the list, with the same filters, as members.csv.
export async function downloadCsv(org: string, q: ListQuery): Promise<void> {
  const params = new URLSearchParams(queryParams({ ...q, page: 1 }))
  params.delete('page')
  const response = await fetch(`/api/orgs/${encodeURIComponent(org)}/members.csv?${params}`, {
    headers: { Authorization: pb.authStore.token },
  })
  if (!response.ok) throw new Error(`members.csv: ${response.status}`)
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = 'members.csv'
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

// ---- What to say when the server refuses.

const reasons: Record<string, MessageKey> = {
  never_signed_in: 'reason.never_signed_in',
  owns_content: 'reason.owns_content',
  incompatible_licenses: 'reason.incompatible_licenses',
  shared_update_groups: 'reason.shared_update_groups',
  role_incompatible_type: 'reason.role_incompatible_type',
  member_disabled: 'reason.member_disabled',
  credit_budgeting_off: 'reason.credit_budgeting_off',
  email_taken: 'reason.email_taken',
  owner_protected: 'reason.owner_protected',
  self: 'reason.self',
  rank: 'reason.rank',
  role: 'reason.role',
  not_found: 'reason.not_found',
  already_disabled: 'reason.already_disabled',
  already_enabled: 'reason.already_enabled',
  domain_not_allowed: 'reason.domain_not_allowed',
}

// reason is the sentence for a refusal code, in the user's language, else the server's message.
export function reason(code: string | undefined, message?: string): string {
  const key = code ? reasons[code] : undefined
  return key ? t(key) : message || t('common.unexpected')
}

// refusal is what to tell about a refused action: every unmet precondition when the server
// lists them (a downgrade may fail for several reasons), with the counts it gives.
export function refusal(p: Problem): string {
  const codes = Array.isArray(p.data.reasons) ? (p.data.reasons as unknown[]) : [p.code]
  const sentences = codes.map((code) => {
    if (code === 'owns_content' && typeof p.data.itemsOwned === 'number') {
      const items = plural('count.items', p.data.itemsOwned)
      const groups = plural('count.groups', Number(p.data.groupsOwned) || 0)
      return t('reason.owns_content_count', { items, groups })
    }
    const key = typeof code === 'string' ? reasons[code] : undefined
    return key ? t(key) : ''
  })
  return sentences.every(Boolean) ? sentences.join(' ') : describe(p)
}

const fieldCodes: Record<string, MessageKey> = {
  too_long: 'fieldError.tooLong',
  invalid_choice: 'fieldError.invalidChoice',
  invalid_email: 'fieldError.email',
  validation_is_email: 'fieldError.email',
  email_taken: 'reason.email_taken',
  required: 'fieldError.required',
  validation_required: 'fieldError.required',
  invalid_type: 'fieldError.fileType',
  image_too_large: 'fieldError.fileSize',
  domain_not_allowed: 'reason.domain_not_allowed',
}

// fieldError is the message for one field of a 400 (or of a 409 about that field).
export function fieldError(p: Problem, name: string): string {
  const value = p.data[name]
  if (name === 'email' && p.code === 'email_taken') return t('reason.email_taken')
  if (typeof value !== 'object' || value === null) return ''
  const { code, message } = value as { code?: unknown; message?: unknown }
  const key = typeof code === 'string' ? fieldCodes[code] : undefined
  if (key) return t(key)
  return typeof message === 'string' ? message : t('common.unexpected')
}
