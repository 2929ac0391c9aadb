// The audit log (owner and administrators): rows with their sentence, keyset pages, the CSV,
// the hash chain's state; and the outbox.
import { pb } from './api'
import { i18n, t, type MessageKey } from './i18n/index.svelte'
import { auditActionsEn } from './i18n/auditActions.en'
import type { Page } from './members'

export interface AuditItem {
  seq: number
  at: string
  actor: string
  actorLabel: string
  action: string
  targetType: string
  targetId: string
  targetLabel: string
  sentence: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  details: Record<string, unknown> | null
  ip: string
}

export interface AuditPage {
  items: AuditItem[]
  perPage: number
  nextCursor: number | null
}

export interface AuditFilter {
  actor: string
  action: string
  target: string
  from: string
  to: string
}

export interface ChainState {
  ok: boolean
  rows: number
  brokeAt: number
  reason: string
}

export interface Mail {
  id: string
  to: string
  template: string
  language: string
  subject: string
  status: 'queued' | 'sent' | 'failed' | 'logged'
  error: string
  at: string
}

// The action families of the filter (an action prefix ending in "."), each with its actions.
export const families = [
  'members',
  'invitations',
  'account',
  'org',
  'billing',
  'licenses',
  'groups',
  'items',
  'content',
  'credits',
  'reports',
  'audit',
  'operator',
  'demo',
] as const

const actionKey = (action: string) => `audit.action.${action}` as MessageKey

// Every action an audit row may carry: those with a sentence (ui/audit_actions_test.go
// checks that each of internal/access's audited actions has one).
export const actions = Object.keys(auditActionsEn).map((k) => k.slice('audit.action.'.length))

// actionLabel is an action as a short sentence ("Changed a member’s role"); an action this
// UI does not know yet stays its code.
export const actionLabel = (action: string) => (actions.includes(action) ? t(actionKey(action)) : action)

const base = (org: string) => `/api/orgs/${encodeURIComponent(org)}`

function params(f: AuditFilter): Record<string, string> {
  const q: Record<string, string> = {}
  for (const [k, v] of Object.entries(f)) if (v.trim()) q[k] = v.trim()
  return q
}

export const listAudit = (org: string, f: AuditFilter, cursor: number | null) =>
  pb.send<AuditPage>(`${base(org)}/audit`, {
    query: { ...params(f), ...(cursor ? { cursor: String(cursor) } : {}), lang: i18n.lang },
  })

export const verifyChain = (org: string) => pb.send<ChainState>(`${base(org)}/audit/verify`, {})

export const listOutbox = (org: string, page: number) =>
  pb.send<Page<Mail>>(`${base(org)}/outbox`, { query: { page, perPage: 25 } })

// exportCsv downloads the filtered log: fetch with the session's token, then a Blob link.
export async function exportCsv(org: string, f: AuditFilter): Promise<void> {
  const q = new URLSearchParams({ ...params(f), lang: i18n.lang })
  const res = await fetch(`${base(org)}/audit.csv?${q}`, {
    headers: { Authorization: pb.authStore.token, 'Accept-Language': i18n.lang },
  })
  if (!res.ok) throw new Error(String(res.status))
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
