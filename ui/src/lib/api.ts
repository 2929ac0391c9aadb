// The PocketBase client, the shape of GET /api/me and one way to read an error.
import PocketBase, { ClientResponseError } from 'pocketbase'
import { i18n, t, type Lang } from './i18n/index.svelte'
import { stashInput } from './resume.svelte'

export const pb = new PocketBase(window.location.origin)

// Screens may load the same resource twice at once (a retry, a re-render); the SDK would
// otherwise abort the first request.
pb.autoCancellation(false)

pb.beforeSend = (url, options) => {
  options.headers = { ...options.headers, 'Accept-Language': i18n.lang }
  return { url, options }
}

// A 401 means the session is gone (expired, revoked, account disabled): end it. The app
// then sends the user to /signin, since no signed-in page shows without a session.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.token) endSession()
  return data
}

// endSession forgets the session, keeping the page's unsaved input for the same person's
// next sign-in (resume.svelte.ts).
export function endSession(): void {
  const user = pb.authStore.record?.id
  if (user) stashInput(user)
  pb.authStore.clear()
}

export type Role = 'owner' | 'admin' | 'member'
export type UserType = 'viewer' | 'contributor' | 'creator' | 'professional'

export interface Me {
  user: {
    id: string
    email: string
    username: string
    givenName: string
    familyName: string
    name: string
    language: Lang | ''
    units: string
    avatar: string
  }
  org: { id: string; name: string; slug: string; defaultLanguage: Lang | ''; logo: string }
  membership: { id: string; role: Role; userType: UserType; status: 'active' | 'disabled' }
  permissions: string[]
  restrictions: string[]
  invitableRoles: Role[] // the roles this member may invite to
  // What user types allow (the server's rule): who may own content (and the organisation),
  // who may be an administrator, who may join a shared-update group.
  userTypes: { owners: UserType[]; admins: UserType[]; sharedEditors: UserType[] }
  mail: boolean // Roster can send mail; without, no text may promise one
  // A new organisation's first steps, for whoever may invite (planChosen: the owner's).
  checklist: { invited: boolean; planChosen?: boolean } | null
}

// Problem is an API error in PocketBase's shape ({status, message, data}); status 0 means the
// server could not be reached.
export interface Problem {
  status: number
  message: string
  code: string
  fields: Record<string, string>
  data: Record<string, unknown>
}

export function problem(err: unknown): Problem {
  const status = err instanceof ClientResponseError ? err.status : 0
  const body: Record<string, unknown> = err instanceof ClientResponseError ? err.response : {}
  const data = isObject(body.data) ? body.data : {}
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(data)) {
    if (isObject(value) && typeof value.message === 'string') fields[name] = value.message
  }
  return {
    status,
    message: typeof body.message === 'string' ? body.message : '',
    code: typeof data.code === 'string' ? data.code : '',
    fields,
    data,
  }
}

// describe is the sentence to show for a problem, in the current language when the server
// gave none.
export function describe(p: Problem): string {
  if (p.status === 0 || (p.status >= 500 && !p.message)) return t('common.unreachable')
  return p.message || t('common.unexpected')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
