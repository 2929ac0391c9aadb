// The organisation's credit pool (docs/reliability.md §9): what its members take from it (allocations,
// and what members without a limit used), what is left, and what to say when the server
// refuses a change with pool_exceeded.
import { pb, type Problem } from './api'
import { formatNumber } from './format'
import { t } from './i18n/index.svelte'

export interface PoolUse {
  pool: number
  poolAllocated: number
  poolLeft: number
}

export interface CreditsOverview extends PoolUse {
  creditBudgeting: boolean
}

// getCreditPool reads the organisation's credits (owner and admins), without its ledger rows.
export const getCreditPool = (org: string) =>
  pb.send<CreditsOverview>(`/api/orgs/${encodeURIComponent(org)}/credits`, { query: { limit: 1 } })

// poolUse is "X of Y credits allocated (Z left)".
export function poolUse(p: PoolUse): string {
  return t('credits.poolUse', {
    allocated: formatNumber(p.poolAllocated),
    pool: formatNumber(p.pool),
    left: formatNumber(p.poolLeft),
  })
}

// poolRefusal is the sentence for a 409 pool_exceeded, with its numbers, or null for any
// other problem. A refusal about a member says the most they could get (available); one
// about the pool itself says what the members already take.
export function poolRefusal(p: Problem | null): string | null {
  if (!p || p.code !== 'pool_exceeded') return null
  const n = (key: string) => formatNumber(Number(p.data[key]) || 0)
  const params = { allocated: n('allocated'), pool: n('pool'), requested: n('requested'), available: n('available') }
  return typeof p.data.available === 'number' ? t('credits.poolExceeded', params) : t('credits.poolTooSmall', params)
}
