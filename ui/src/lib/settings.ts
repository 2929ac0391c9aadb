// The organisation's settings (the owner's alone): read, change one section at
// a time (JSON, or multipart with a new logo), and the members without two-factor sign-in.
import { pb, type Problem, type Role, type UserType } from './api'
import { t, type MessageKey } from './i18n/index.svelte'
import type { Page } from './members'

export const reportSections = ['seats', 'members', 'signins', 'credits', 'invitations'] as const
export type ReportSection = (typeof reportSections)[number]

export interface Person {
  id: string
  name: string
  email: string
  role: Role
  userType: UserType
  lastLogin: string
}

export interface Compliance {
  members: number
  withoutMfa: number
  you: boolean
  sample: Person[]
}

export interface Settings {
  id: string
  name: string
  slug: string
  logo: string
  logoUrl: string
  defaultLanguage: 'fr' | 'en'
  defaultUnits: 'metric' | 'imperial'
  mfaEnabled: boolean
  mfaRequired: boolean
  ssoEnabled: boolean
  sso: { name: string } | null // the operator's identity provider, if configured
  creditBudgeting: boolean
  creditsPool: number
  inviteTtlDays: number
  allowedDomains: string[]
  partnerAccessDefault: boolean
  newMemberRole: 'member' | 'admin'
  newMemberUserType: UserType
  newMemberCredits: number | null
  reportSections: { admin: ReportSection[]; member: ReportSection[] }
  mfaCompliance: Compliance
}

export type SettingsPatch = Partial<Omit<Settings, 'id' | 'slug' | 'logo' | 'logoUrl' | 'sso' | 'mfaCompliance'>> & {
  deleteLogo?: boolean
}

const base = (org: string) => `/api/orgs/${encodeURIComponent(org)}/settings`

export const getSettings = (org: string) => pb.send<Settings>(base(org), {})

// saveSettings sends a change; with a logo file, as a multipart form whose other fields are
// JSON values (text fields as they are).
export function saveSettings(org: string, patch: SettingsPatch, logo?: File | null): Promise<Settings> {
  if (!logo) return pb.send<Settings>(base(org), { method: 'PATCH', body: patch })
  const form = new FormData()
  for (const [k, v] of Object.entries(patch)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v))
  form.append('logo', logo)
  return pb.send<Settings>(base(org), { method: 'PATCH', body: form })
}

export const mfaCompliance = (org: string, perPage = 50) =>
  pb.send<Page<Person>>(`${base(org)}/mfa-compliance`, { query: { page: 1, perPage } })

const codes: Record<string, MessageKey> = {
  required: 'settings.err.required',
  too_long: 'settings.err.tooLong',
  invalid_choice: 'settings.err.invalidChoice',
  out_of_range: 'settings.err.ttlRange',
  invalid_domain: 'settings.err.domain',
  too_many: 'settings.err.tooManyDomains',
  negative: 'settings.err.negative',
  too_large: 'settings.err.tooLarge',
  invalid_type: 'settings.err.type',
  required_by_mfa_required: 'settings.err.mfaRequired',
}

// settingsError is the message for one field of a 400, in the current language.
export function settingsError(p: Problem | null, name: string): string {
  if (!p) return ''
  const v = p.data[name]
  if (typeof v !== 'object' || v === null) return ''
  const { code, message } = v as { code?: string; message?: string }
  if (name === 'logo' && code === 'image_too_large') return t('settings.err.logoSize')
  if (name === 'logo' && code === 'invalid_type') return t('settings.err.logoType')
  const key = code ? codes[code] : undefined
  return key ? t(key) : message || t('common.unexpected')
}
