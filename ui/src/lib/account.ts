// The signed-in member's own account: the second step of a sign-in, TOTP
// enrolment, recovery codes, password changes, the forgot-password pages and an
// administrator's resets of a member's password or MFA; and what to say when the server
// refuses, in the user's language.
import type { RecordModel } from 'pocketbase'
import { describe, pb, type Me, type Problem } from './api'
import { t, type MessageKey } from './i18n/index.svelte'
import type { Member } from './members'

// PocketBase's auth response: a new token and the user record.
export interface Auth {
  token: string
  record: RecordModel
}

// /api/me also says whether the user has TOTP on and what the organisation allows.
export interface Mfa {
  user: boolean // the user signs in with a TOTP code
  allowed: boolean // the organisation lets members turn it on
  required: boolean // the organisation requires it
}

export function mfaOf(me: Me): Mfa {
  const user = me.user as Me['user'] & { mfaEnabled?: boolean }
  const org = me.org as Me['org'] & { mfaEnabled?: boolean; mfaRequired?: boolean }
  return {
    user: user.mfaEnabled === true,
    allowed: org.mfaEnabled === true || org.mfaRequired === true,
    required: org.mfaRequired === true,
  }
}

export const passwordChangeRequired = 'password_change_required'
export const mfaEnrollmentRequired = 'mfa_enrollment_required'

// ---- Calls.

// completeSignIn is the second step: a code from the app, or a recovery code.
export function completeSignIn(mfaId: string, proof: { code: string } | { recoveryCode: string }) {
  return pb.send<Auth>('/api/auth/totp', { method: 'POST', body: { mfaId, ...proof } })
}

export interface Enrolment {
  secret: string
  otpauthUrl: string
  qr: string // data:image/png;base64,…
}

export const setupTotp = () => pb.send<Enrolment>('/api/account/totp/setup', { method: 'POST' })

export const enableTotp = (code: string) =>
  pb.send<{ recoveryCodes: string[] }>('/api/account/totp/enable', {
    method: 'POST',
    body: { code },
  })

export const disableTotp = (proof: { code: string } | { recoveryCode: string }) =>
  pb.send<void>('/api/account/totp', { method: 'DELETE', body: proof })

export const regenerateRecoveryCodes = (code: string) =>
  pb.send<{ recoveryCodes: string[] }>('/api/account/recovery-codes', {
    method: 'POST',
    body: { code },
  })

// changePassword ends every session, this one included: the answer is a new one, saved here.
export async function changePassword(oldPassword: string, password: string): Promise<void> {
  const auth = await pb.send<Auth>('/api/account/password', {
    method: 'POST',
    body: { oldPassword, password },
  })
  pb.authStore.save(auth.token, auth.record)
}

export interface Reset {
  mailed: boolean
  temporaryPassword?: string // only when no mail could be sent: shown once to the administrator
}

const member = (org: string, id: string) =>
  `/api/orgs/${encodeURIComponent(org)}/members/${encodeURIComponent(id)}`

export const resetMemberPassword = (org: string, id: string) =>
  pb.send<Reset>(`${member(org, id)}/reset-password`, { method: 'POST' })

export const disableMemberMfa = (org: string, id: string) =>
  pb.send<Member>(`${member(org, id)}/disable-mfa`, { method: 'POST' })

// ---- Passwords: 8 to 64 characters, at most 72 bytes (security.CheckPassword on the server).

export const passwordMin = 8
export const passwordMax = 64

// passwordProblem is what is wrong with a new password, checked before sending it.
export function passwordProblem(password: string): string {
  const length = [...password].length
  if (length < passwordMin) return t('account.error.passwordShort')
  if (length > passwordMax || new TextEncoder().encode(password).length > 72)
    return t('account.error.passwordLong')
  if (!password.trim()) return t('account.error.passwordBlank')
  return ''
}

// usernameFrom suggests a username from an email address's local part, in the server's
// pattern (3 to 32 of a-z 0-9 . _ -, pb_migrations' users.username): lower-cased, accents
// removed, any other run of characters a dot, padded with zeros to 3. "" for no address.
export function usernameFrom(email: string): string {
  const local = (email.split('@')[0] ?? '').toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '')
  const name = local.replace(/[^a-z0-9._-]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 32)
  return name && name.padEnd(3, '0')
}

// resetTokenState reads a forgot-password link's token (a JWT) without trusting it: an
// unreadable or expired one can be told at once; the server decides the rest.
export function resetTokenState(token: string, now = Date.now()): 'ok' | 'invalid' | 'expired' {
  try {
    const part = token.split('.')[1]
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
    const claims = JSON.parse(json) as { exp?: unknown; type?: unknown }
    if (claims.type !== 'passwordReset') return 'invalid'
    if (typeof claims.exp === 'number' && claims.exp * 1000 < now) return 'expired'
    return 'ok'
  } catch {
    return 'invalid'
  }
}

// ---- TOTP secrets and recovery codes.

// groups writes a secret in blocks of four, as authenticator apps show it.
export function groups(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ')
}

// copyText puts text on the clipboard; false when the browser refuses.
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Not a secure context (plain http to a remote host): the old way.
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    let ok = false
    try {
      ok = document.execCommand('copy')
    } catch {
      ok = false
    }
    area.remove()
    return ok
  }
}

// downloadCodes saves the recovery codes as a text file.
export function downloadCodes(codes: string[], account: string): void {
  const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(new Date())
  const text = [
    t('account.codes.fileTitle'),
    account,
    date,
    '',
    ...codes.map((code, i) => `${String(i + 1).padStart(2, ' ')}. ${code}`),
    '',
    t('account.codes.fileNote'),
    '',
  ].join('\r\n')
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = 'roster-recovery-codes.txt'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

// ---- What to say when the server refuses.

// Messages for one field's code (data.<field>.code).
const fieldCodes: Record<string, MessageKey> = {
  'code:required': 'account.error.codeRequired',
  'code:invalid_code': 'account.error.codeInvalid',
  'code:code_used': 'account.error.codeUsed',
  'recoveryCode:invalid_code': 'account.error.recoveryInvalid',
  'password:invalid_password': 'account.error.passwordWrong',
  'password:required': 'fieldError.required',
  'password:too_short': 'account.error.passwordShort',
  'password:too_long': 'account.error.passwordLong',
  'password:blank': 'account.error.passwordBlank',
  'password:same_password': 'account.error.passwordSame',
  'password:validation_required': 'fieldError.required',
  'password:validation_length_out_of_range': 'account.error.passwordLength',
  'password:validation_min_text_constraint': 'account.error.passwordShort',
  'password:validation_max_text_constraint': 'account.error.passwordLong',
  'passwordConfirm:validation_values_mismatch': 'account.error.confirmMismatch',
  'passwordConfirm:validation_required': 'fieldError.required',
  'oldPassword:invalid_password': 'account.error.oldPasswordWrong',
  'email:validation_required': 'fieldError.required',
  'email:validation_is_email': 'fieldError.email',
}

// fieldMessage is the sentence for one field of a 400, or '' when that field is fine.
export function fieldMessage(p: Problem | null, field: string): string {
  const value = p?.data[field]
  if (typeof value !== 'object' || value === null) return ''
  const { code, message } = value as { code?: unknown; message?: unknown }
  const key = fieldCodes[`${field}:${String(code)}`]
  if (key) return t(key)
  return typeof message === 'string' && message ? message : t('common.unexpected')
}

// Messages for data.code (403, 409).
const codes: Record<string, MessageKey> = {
  mfa_not_enabled: 'account.error.mfaNotEnabled',
  totp_enabled: 'account.error.totpEnabled',
  totp_not_set_up: 'account.error.totpNotSetUp',
  totp_key_mismatch: 'account.error.totpKeyMismatch',
  no_mfa: 'account.error.noMfa',
  mfa_required: 'account.error.mfaRequired',
  sso_account: 'account.error.ssoAccount',
  password_change_required: 'account.error.passwordChangeRequired',
  mfa_enrollment_required: 'account.error.mfaEnrollmentRequired',
  account_disabled: 'signin.error.disabled',
  no_organization: 'signin.error.noOrganization',
  temporary_password_expired: 'signin.error.temporaryExpired',
}

// explain is the sentence for a refusal that is not about one field.
export function explain(p: Problem): string {
  const key = codes[p.code]
  if (key) return t(key)
  if (p.status === 429) return t('signin.tooMany')
  return describe(p)
}

// adminRefusal is the sentence for a refused reset of a member's password or MFA; other
// codes are the members tab's (refusal in members.ts).
export function adminRefusal(p: Problem): string | null {
  if (p.code === 'sso_account') return t('reset.ssoAccount')
  if (p.code === 'no_mfa') return t('disableMfa.noMfa')
  if (p.code === 'mfa_not_enabled') return t('disableMfa.orgOff')
  return null
}
