// The audit log (owner and administrators): rows with their sentence, keyset pages, the CSV,
// the hash chain's state; and the outbox.
import { pb } from './api'
import { i18n } from './i18n/index.svelte'
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

// The action families of the filter (an action prefix ending in ".").
export const families = ['members', 'invitations', 'account', 'org', 'billing', 'licenses', 'groups', 'content', 'credits', 'audit'] as const

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
