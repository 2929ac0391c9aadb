// The invitations API : inviting (a list or a CSV, with a dry
// run), the list with resend and revoke, and the public join flow (preview, accept). Also
// the French or English sentence for each refusal the server gives.
import type { RecordModel } from 'pocketbase'
import { describe, pb, type Problem, type Role, type UserType } from './api'
import { poolRefusal } from './credits'
import { plural } from './format'
import { t, type Lang, type MessageKey } from './i18n/index.svelte'
import type { Cost, Page, Ref } from './members'

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired'
export const invitationStatuses: InvitationStatus[] = ['pending', 'accepted', 'revoked', 'expired']

export interface Invitation {
  id: string
  email: string
  givenName: string // as the inviter wrote them, "" when not given
  familyName: string
  role: Role
  userType: UserType
  status: InvitationStatus
  expires: string
  invitedBy: Ref
  sentCount: number
  lastSent: string
  created: string
  partnerAccess: boolean
  credits: number | null // null = no limit
  message: string
  acceptedAt?: string
  allowed: string[] // invitations.resend, invitations.revoke
  link?: string // only in the answer that made the token (create, resend)
}

// Seats: billed seats (members), seats reserved by pending invitations, the plan's
// maximum (0 = unlimited) and how many more the request asks for.
export interface Seats {
  seatsUsed: number
  pending: number
  maxSeats: number
  requested: number
}

export interface RowResult {
  email: string
  ok: boolean
  code?: string
  message?: string
  invitation?: Invitation
}

export interface InviteResult {
  results: RowResult[]
  created: number
  dryRun: boolean
  mailed: boolean // a mail server is configured: the invitees get a mail
  seats: Seats
  cost?: Cost // a check's: what the invitations cost once accepted
}

export interface InviteOptions {
  emails: string // addresses separated by commas, semicolons or line breaks
  file: File | null // a CSV: email, role, userType, givenName, familyName
  role: '' | 'member' | 'admin' // '' = the organisation's default
  userType: '' | UserType // '' = the organisation's default
  credits: number | null // null = no limit
  partnerAccess: '' | 'true' | 'false' // '' = the organisation's default
  message: string
  dryRun: boolean
  skipInvalid: boolean
}

const base = (org: string) => `/api/orgs/${encodeURIComponent(org)}/invitations`

// invite sends JSON, or a multipart form when a CSV file goes with it.
export function invite(org: string, o: InviteOptions): Promise<InviteResult> {
  const fields: Record<string, string | number | boolean | null> = {
    role: o.role,
    userType: o.userType,
    credits: o.credits,
    message: o.message.trim(),
    dryRun: o.dryRun,
    skipInvalid: o.skipInvalid,
  }
  if (o.partnerAccess) fields.partnerAccess = o.partnerAccess === 'true'
  if (o.file) {
    const form = new FormData()
    form.append('file', o.file)
    if (o.emails.trim()) form.append('emails', o.emails)
    for (const [name, value] of Object.entries(fields)) {
      if (value !== null && value !== '') form.append(name, String(value))
    }
    return pb.send<InviteResult>(base(org), { method: 'POST', body: form })
  }
  return pb.send<InviteResult>(base(org), { method: 'POST', body: { emails: o.emails, ...fields } })
}

export interface ListQuery {
  status: InvitationStatus | 'all'
  search: string
  page: number
  perPage: number
}

export const perPageChoices = [25, 50, 100]

export function readQuery(q: URLSearchParams): ListQuery {
  const status = q.get('status') ?? ''
  const page = Number.parseInt(q.get('page') ?? '', 10)
  const perPage = Number.parseInt(q.get('perPage') ?? '', 10)
  return {
    status: status === 'all' || invitationStatuses.includes(status as InvitationStatus)
      ? (status as ListQuery['status'])
      : 'pending',
    search: (q.get('search') ?? '').slice(0, 200),
    page: page > 0 ? page : 1,
    perPage: perPageChoices.includes(perPage) ? perPage : 25,
  }
}

// queryString is the address's query, defaults left out.
export function queryString(q: ListQuery): string {
  const out: Record<string, string> = {}
  if (q.status !== 'pending') out.status = q.status
  if (q.search.trim()) out.search = q.search.trim()
  if (q.page > 1) out.page = String(q.page)
  if (q.perPage !== 25) out.perPage = String(q.perPage)
  const s = new URLSearchParams(out).toString()
  return s ? '?' + s : ''
}

export function listInvitations(org: string, q: ListQuery): Promise<Page<Invitation>> {
  const query: Record<string, string> = { page: String(q.page), perPage: String(q.perPage) }
  if (q.status !== 'all') query.status = q.status
  if (q.search.trim()) query.search = q.search.trim()
  return pb.send<Page<Invitation>>(base(org), { query })
}

export type InvitationAction = 'resend' | 'revoke'

export const resendInvitation = (org: string, id: string) =>
  pb.send<Invitation>(`${base(org)}/${encodeURIComponent(id)}/resend`, { method: 'POST' })

export const revokeInvitation = (org: string, id: string) =>
  pb.send<Invitation>(`${base(org)}/${encodeURIComponent(id)}`, { method: 'DELETE' })

// ---- The join page.

export interface Preview {
  org: { name: string; logo?: string }
  inviter: string
  role: Role
  userType: UserType
  email: string
  givenName: string // the names the inviter gave, to fill in the form
  familyName: string
  expires: string
  language: Lang | ''
}

export interface Enrolment {
  username: string
  givenName: string
  familyName: string
  password: string
  language: Lang
}

const publicPath = (token: string) => `/api/invitations/${encodeURIComponent(token)}`

export const previewInvitation = (token: string) => pb.send<Preview>(publicPath(token), {})

export const acceptInvitation = (token: string, e: Enrolment) =>
  pb.send<{ token: string; record: RecordModel }>(`${publicPath(token)}/accept`, {
    method: 'POST',
    body: e,
  })

// ---- The CSV template shown in the dialog and offered as a file.

export const csvTemplate = [
  'email,role,userType,givenName,familyName',
  'claire.martin@example.org,member,creator,Claire,Martin',
  'paul.durand@example.org,admin,professional,Paul,Durand',
  'lea.petit@example.org,,viewer,,',
].join('\n')

// ---- What to say.

const rowReasons: Record<string, MessageKey> = {
  invalid_email: 'invitations.reason.invalid_email',
  invalid_name: 'invitations.reason.invalid_name',
  duplicate: 'invitations.reason.duplicate',
  invalid_role: 'invitations.reason.invalid_role',
  invalid_user_type: 'invitations.reason.invalid_user_type',
  role_incompatible_type: 'invitations.reason.role_incompatible_type',
  domain_not_allowed: 'invitations.reason.domain_not_allowed',
  already_member: 'invitations.reason.already_member',
  other_org: 'invitations.reason.other_org',
  already_invited: 'invitations.reason.already_invited',
  seat_limit: 'invitations.reason.seat_limit',
}

// rowReason is why one address cannot be invited.
export function rowReason(r: RowResult): string {
  const key = r.code ? rowReasons[r.code] : undefined
  return key ? t(key) : r.message || t('common.unexpected')
}

// seatSentence tells the seat numbers: « 5 places occupées sur 5 : 2 membres et 3
// invitations en attente. 0 place libre pour 1 adresse à inviter. »
export function seatSentence(s: Seats): string {
  const taken = s.seatsUsed + s.pending
  const free = Math.max(0, s.maxSeats - taken)
  return [
    t('invitations.seats.taken', {
      taken,
      max: s.maxSeats,
      members: plural('invitations.seats.members', s.seatsUsed),
      pending: plural('invitations.seats.pending', s.pending),
    }),
    t('invitations.seats.free', {
      free: plural('invitations.seats.freeCount', free),
      requested: plural('invitations.seats.requested', s.requested),
    }),
  ].join(' ')
}

// seatsOf reads the seat numbers of a seat_limit refusal.
export function seatsOf(data: Record<string, unknown>): Seats | null {
  const n = (k: string) => (typeof data[k] === 'number' ? (data[k] as number) : NaN)
  const s = {
    seatsUsed: n('seatsUsed'),
    pending: n('pending'),
    maxSeats: n('maxSeats'),
    requested: n('requested'),
  }
  return Object.values(s).every(Number.isFinite) ? s : null
}

// resultsOf reads the per-row verdicts of a 409.
export function resultsOf(p: Problem): RowResult[] | null {
  return Array.isArray(p.data.results) ? (p.data.results as RowResult[]) : null
}

const requestFields: Record<string, Record<string, MessageKey>> = {
  emails: { required: 'invitations.error.emailsRequired', too_many: 'invitations.error.tooMany' },
  file: {
    unreadable: 'invitations.error.fileUnreadable',
    too_large: 'invitations.error.fileTooLarge',
    not_utf8: 'invitations.error.fileNotUtf8',
    empty: 'invitations.error.fileEmpty',
    invalid_csv: 'invitations.error.fileInvalid',
    no_email_column: 'invitations.error.fileNoEmail',
    too_many: 'invitations.error.tooMany',
  },
  message: { too_long: 'invitations.error.messageTooLong' },
  credits: {
    negative: 'invitations.error.credits',
    invalid_number: 'invitations.error.credits',
  },
  role: { invalid_choice: 'fieldError.invalidChoice' },
  userType: { invalid_choice: 'fieldError.invalidChoice' },
}

// inviteFieldError is the message for one field of a refused invitation request.
export function inviteFieldError(p: Problem | null, name: string): string {
  if (!p || p.status !== 400) return ''
  const value = p.data[name]
  if (typeof value !== 'object' || value === null) return ''
  const { code, message } = value as { code?: unknown; message?: unknown }
  const key = typeof code === 'string' ? requestFields[name]?.[code] : undefined
  if (key) return t(key)
  return typeof message === 'string' ? message : t('common.unexpected')
}

// inviteProblem is the sentence for a refused request as a whole.
export function inviteProblem(p: Problem): string {
  if (p.status === 400 && Object.keys(p.fields).length) return t('common.formInvalid')
  if (p.status === 403 && p.code === 'rank') return t('invitations.error.rank')
  if (p.status === 403) return t('reason.role')
  if (p.status === 429) return t('invitations.error.tooManyRequests')
  return poolRefusal(p) ?? describe(p)
}

// invitationProblem is the sentence for a refused resend or revoke.
export function invitationProblem(p: Problem): string {
  switch (p.code) {
    case 'not_pending':
      return t('invitations.error.notPending')
    case 'already_member':
      return t('invitations.reason.already_member')
    case 'other_org':
      return t('invitations.reason.other_org')
    case 'seat_limit': {
      const seats = seatsOf(p.data)
      return seats ? `${t('invitations.seatLimitTitle')} ${seatSentence(seats)}` : describe(p)
    }
    case 'rank':
      return t('invitations.error.rankResend')
  }
  if (p.status === 404) return t('invitations.error.gone')
  if (p.status === 403) return t('reason.role')
  return describe(p)
}

const joinFields: Record<string, MessageKey> = {
  invalid_format: 'join.error.username',
  taken: 'join.error.usernameTaken',
  too_long: 'fieldError.tooLong',
  length: 'join.error.password',
  invalid_choice: 'fieldError.invalidChoice',
}

// joinFieldError is the message for one field of a refused enrolment.
export function joinFieldError(p: Problem | null, name: string): string {
  if (!p || p.status !== 400) return ''
  const value = p.data[name]
  if (typeof value !== 'object' || value === null) return ''
  const { code, message } = value as { code?: unknown; message?: unknown }
  const key = typeof code === 'string' ? joinFields[code] : undefined
  if (key) return t(key)
  return typeof message === 'string' ? message : t('common.unexpected')
}
