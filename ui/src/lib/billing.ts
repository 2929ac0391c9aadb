// The billing API (the owner's alone): the subscription
// and its plans, invoices and their printable page, payment methods. Also money and
// period formatting, and the French or English sentence for each refusal.
import { describe, pb, type Problem, type UserType } from './api'
import { formatNumber, parseDate, plural } from './format'
import { i18n, t, type MessageKey } from './i18n/index.svelte'
import type { Page } from './members'

export interface Plan {
  id: string
  code: string
  name: string
  maxSeats: number // 0 = unlimited
  currency: string
  includedCredits: number
  seatPrices: Partial<Record<UserType, number>> // cents per month
}

export interface SeatCount {
  userType: UserType
  count: number
  price: number // cents per month
  amount: number // count × price
}

// Usage is one point per UTC day (time: Unix seconds of its midnight): columns for uPlot.
export interface Usage {
  time: number[]
  seats: number[]
  monthlyAmount: number[]
}

export type SubscriptionStatus = 'active' | 'past_due' | 'canceled'

export interface Subscription {
  plan: Plan
  seats: SeatCount[]
  billedSeats: number // active + disabled members
  activeMembers: number
  disabledMembers: number
  pendingInvitations: number // each reserves a seat
  monthlyAmount: number // cents
  currency: string
  status: SubscriptionStatus
  periodStart: string
  periodEnd: string
  plans: Plan[]
  usage: Usage
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void'

export interface Invoice {
  id: string
  number: string
  periodStart: string
  periodEnd: string
  days: number
  lineCount: number
  total: number // cents
  currency: string
  status: InvoiceStatus
  issuedAt: string
  paidAt: string
  paymentMethod: string
  paymentLabel: string
  paymentRef: string
}

export type MethodKind = 'card' | 'sepa' | 'transfer'
export const methodKinds: MethodKind[] = ['card', 'sepa', 'transfer']

export interface PaymentMethod {
  id: string
  kind: MethodKind
  label: string
  brand: string
  last4: string
  expMonth: number
  expYear: number
  holder: string
  isDefault: boolean
  provider: string
  created: string
}

// MethodInput is a new payment method: never a card number, never a security code.
export interface MethodInput {
  kind: MethodKind
  label?: string
  brand?: string
  last4?: string
  expMonth?: number
  expYear?: number
  holder?: string
  isDefault?: boolean
}

const base = (org: string) => `/api/orgs/${encodeURIComponent(org)}`

export const getSubscription = (org: string) => pb.send<Subscription>(`${base(org)}/subscription`, {})

export const changePlan = (org: string, plan: string) =>
  pb.send<Subscription>(`${base(org)}/subscription/plan`, { method: 'POST', body: { plan } })

export const invoicesPerPage = 20

export const listInvoices = (org: string, page: number) =>
  pb.send<Page<Invoice>>(`${base(org)}/invoices`, { query: { page, perPage: invoicesPerPage } })

export const payInvoice = (org: string, id: string, paymentMethod: string) =>
  pb.send<Invoice>(`${base(org)}/invoices/${encodeURIComponent(id)}/pay`, {
    method: 'POST',
    body: { paymentMethod },
  })

// invoiceHTML fetches an invoice's printable page. It needs the session's token, so it
// cannot be a plain link: the page shows it in a frame (srcdoc) or a new tab (Blob URL).
// The SDK sends it (token, language, a 401 ends the session) and reads any error; the page
// itself is read from the response on its way.
export async function invoiceHTML(org: string, id: string): Promise<string> {
  let html = ''
  await pb.send(`${base(org)}/invoices/${encodeURIComponent(id)}.html`, {
    fetch: async (url: RequestInfo | URL, config?: RequestInit) => {
      const response = await fetch(url, config)
      if (response.ok) html = await response.clone().text()
      return response
    },
  })
  return html
}

// openInNewTab shows an HTML page in a new tab through a Blob URL (the page's Content-
// Security-Policy carries over: no script runs there).
export function openInNewTab(html: string): boolean {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }))
  const opened = window.open(url, '_blank')
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return opened !== null
}

export const listPaymentMethods = (org: string) =>
  pb.send<{ items: PaymentMethod[] }>(`${base(org)}/payment-methods`, {}).then((r) => r.items)

export const addPaymentMethod = (org: string, m: MethodInput) =>
  pb.send<PaymentMethod>(`${base(org)}/payment-methods`, { method: 'POST', body: m })

export const makeDefault = (org: string, id: string) =>
  pb.send<PaymentMethod>(`${base(org)}/payment-methods/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: { isDefault: true },
  })

export const removePaymentMethod = (org: string, id: string) =>
  pb.send(`${base(org)}/payment-methods/${encodeURIComponent(id)}`, { method: 'DELETE' })

// ---- Money, seats and dates in the page's language.

// money writes cents in a currency: « 3 500,00 € », "€3,500.00".
export function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(i18n.lang, { style: 'currency', currency }).format(cents / 100)
  } catch {
    return `${formatNumber(cents / 100)} ${currency}` // not an ISO currency code
  }
}

// moneyShort writes an amount for a chart's axis: « 5,2 k€ », "€5.2K".
export function moneyShort(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(i18n.lang, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumFractionDigits: 1,
    }).format(cents / 100)
  } catch {
    return formatNumber(cents / 100)
  }
}

// currencyName is « EUR (euro) », "EUR (Euro)".
export function currencyName(code: string): string {
  try {
    const name = new Intl.DisplayNames(i18n.lang, { type: 'currency' }).of(code)
    return name && name !== code ? `${code} (${name})` : code
  } catch {
    return code
  }
}

// seatUse is « 12 places sur 50 », or « 201 places · illimité » on an unlimited plan.
export function seatUse(used: number, maxSeats: number): string {
  const seats = plural('billing.seats', used)
  return maxSeats > 0
    ? t('billing.seatsOf', { seats, max: formatNumber(maxSeats) })
    : t('billing.seatsUnlimited', { seats })
}

// planLimit is « 50 places » or « Places illimitées ».
export function planLimit(p: Plan): string {
  return p.maxSeats > 0 ? plural('billing.seats', p.maxSeats) : t('billing.unlimitedSeats')
}

// monthlyOn is what the billed seats would cost a month on another plan.
export function monthlyOn(plan: Plan, seats: SeatCount[]): number {
  return seats.reduce((sum, s) => sum + s.count * (plan.seatPrices[s.userType] ?? 0), 0)
}

// fits says whether a plan has room for the billed seats and the pending invitations.
export function fits(plan: Plan, s: Subscription): boolean {
  return plan.maxSeats === 0 || s.billedSeats + s.pendingInvitations <= plan.maxSeats
}

const dayMs = 24 * 3600 * 1000
const utcDate = (lang: string, style: 'long' | 'medium') =>
  new Intl.DateTimeFormat(lang, { dateStyle: style, timeZone: 'UTC' })

// billedDays are the first and last days an invoice bills: the UTC midnights in
// [periodStart, periodEnd), as the printable invoice says.
export function billedDays(start: string, end: string): [Date, Date] | null {
  const a = parseDate(start)
  const b = parseDate(end)
  if (!a || !b) return null
  const first = Math.ceil(a.getTime() / dayMs) * dayMs
  const last = (Math.ceil(b.getTime() / dayMs) - 1) * dayMs
  return last >= first ? [new Date(first), new Date(last)] : null
}

// dateRange is « 26 nov. – 25 déc. 2026 » (medium) or « 26 novembre – 25 décembre 2026 ».
export function dateRange(a: Date, b: Date, style: 'long' | 'medium' = 'medium'): string {
  return utcDate(i18n.lang, style).formatRange(a, b)
}

// invoicePeriod is the billed days of an invoice, as a range.
export function invoicePeriod(inv: Invoice): string {
  const days = billedDays(inv.periodStart, inv.periodEnd)
  return days ? dateRange(days[0], days[1]) : ''
}

// currentPeriod is the subscription's running period: its start and its renewal day.
export function currentPeriod(s: Subscription): string {
  const a = parseDate(s.periodStart)
  const b = parseDate(s.periodEnd)
  return a && b ? dateRange(a, b, 'long') : ''
}

// dayOf writes a UTC day (Unix seconds): « 3 mars 2026 ».
export function dayOf(seconds: number, style: 'long' | 'medium' = 'long'): string {
  return utcDate(i18n.lang, style).format(new Date(seconds * 1000))
}

// expired says whether a card's expiry month is over.
export function expired(m: PaymentMethod, now = new Date()): boolean {
  if (m.kind !== 'card' || !m.expYear) return false
  const y = now.getFullYear()
  return m.expYear < y || (m.expYear === y && m.expMonth < now.getMonth() + 1)
}

// expiry is « 08/2028 ».
export const expiry = (m: PaymentMethod) => `${String(m.expMonth).padStart(2, '0')}/${m.expYear}`

// methodDetail is what tells a payment method apart besides its label: « Carte bancaire ·
// expire fin 08/2028 · Camille Martin ».
export function methodDetail(m: PaymentMethod): string {
  const parts = [t(`billing.kind.${m.kind}`)]
  if (m.kind === 'card' && m.last4 && !m.label.includes(m.last4)) parts.push(`•••• ${m.last4}`)
  if (m.kind === 'card' && m.expYear) parts.push(t('billing.methods.expires', { date: expiry(m) }))
  if (m.kind === 'sepa' && !m.label.includes(m.last4)) parts.push(t('billing.methods.iban', { last4: m.last4 }))
  if (m.holder) parts.push(m.holder)
  return parts.join(' · ')
}

// ---- The usage chart's text: what a screen reader gets instead of the canvas.

export interface UsageSummary {
  from: number
  to: number
  first: { seats: number; amount: number }
  last: { seats: number; amount: number }
  peak: { seats: number; at: number }
  low: { seats: number; at: number }
}

export function summarize(u: Usage): UsageSummary | null {
  const n = u.time.length
  if (n === 0) return null
  let peak = 0
  let low = 0
  for (let i = 1; i < n; i++) {
    if (u.seats[i] >= u.seats[peak]) peak = i // the latest day at the peak
    if (u.seats[i] < u.seats[low]) low = i
  }
  return {
    from: u.time[0],
    to: u.time[n - 1],
    first: { seats: u.seats[0], amount: u.monthlyAmount[0] },
    last: { seats: u.seats[n - 1], amount: u.monthlyAmount[n - 1] },
    peak: { seats: u.seats[peak], at: u.time[peak] },
    low: { seats: u.seats[low], at: u.time[low] },
  }
}

// ---- What to say when the server refuses.

// seatLimitSentence explains a seat_limit refusal with its numbers: « L'offre Team compte
// 50 places ; 201 places facturées et 2 invitations en attente en occupent 203. »
export function seatLimitSentence(p: Problem, planName: string): string | null {
  const n = (k: string) => (typeof p.data[k] === 'number' ? (p.data[k] as number) : NaN)
  const billed = n('billedSeats')
  const pending = n('pendingInvitations')
  const max = n('maxSeats')
  if (![billed, pending, max].every(Number.isFinite)) return null
  return t('billing.seatLimit', {
    plan: planName,
    max: plural('billing.seats', max),
    billed: plural('billing.billedSeatsCount', billed),
    pending: plural('billing.pendingCount', pending),
    taken: formatNumber(billed + pending),
    excess: plural('billing.seats', billed + pending - max),
  })
}

const refusals: Record<string, MessageKey> = {
  invoice_not_open: 'billing.refusal.invoice_not_open',
  no_payment_method: 'billing.refusal.no_payment_method',
  subscription_canceled: 'billing.refusal.subscription_canceled',
  card_number_refused: 'billing.error.pan',
  cvc_refused: 'billing.error.cvc',
}

// refusal is the sentence for a refused billing request, in the page's language.
export function refusal(p: Problem): string {
  if (p.status === 403) return t('billing.refusal.forbidden')
  if (p.status === 404) return t('billing.refusal.notFound')
  const key = refusals[p.code]
  if (key) return t(key)
  for (const [, value] of Object.entries(p.data)) {
    const code = (value as { code?: unknown })?.code
    if (typeof code === 'string' && refusals[code]) return t(refusals[code])
  }
  return describe(p)
}

// The form's fields, and what each field's error codes mean.
export const methodFields = ['kind', 'brand', 'last4', 'expMonth', 'expYear', 'holder', 'label'] as const
export type MethodField = (typeof methodFields)[number]

const fieldCodes: Record<string, MessageKey> = {
  'brand.required': 'billing.error.brandRequired',
  'last4.invalid': 'billing.error.last4',
  'expMonth.out_of_range': 'billing.error.expMonth',
  'expMonth.expired': 'billing.error.expired',
  'expYear.out_of_range': 'billing.error.expYear',
  'expYear.expired': 'billing.error.expired',
  'holder.required': 'billing.error.holderRequired',
  'label.required': 'billing.error.labelRequired',
  'kind.invalid_choice': 'billing.error.kind',
  'kind.immutable': 'billing.error.kind',
}

const maxLengths: Partial<Record<MethodField, number>> = { label: 100, brand: 40, holder: 200 }

// methodFieldError is the message for one field of a refused payment method, in the
// page's language (the server writes English). SEPA words its fields differently.
export function methodFieldError(p: Problem | null, field: MethodField, kind: MethodKind): string {
  const value = p?.data[field]
  if (typeof value !== 'object' || value === null) return ''
  const { code, message } = value as { code?: unknown; message?: unknown }
  if (code === 'card_number_refused') return t('billing.error.pan')
  if (code === 'cvc_refused') return t('billing.error.cvc')
  if (code === 'too_long') return t('billing.error.tooLong', { n: formatNumber(maxLengths[field] ?? 0) })
  if (kind === 'sepa' && code === 'invalid' && field === 'last4') return t('billing.error.last4Iban')
  if (kind === 'sepa' && code === 'required' && field === 'holder') return t('billing.error.accountHolderRequired')
  const key = fieldCodes[`${field}.${String(code)}`]
  if (key) return t(key)
  return typeof message === 'string' ? message : t('common.unexpected')
}

// methodFormError is the message for what the fields do not say: a refused body, a card
// number in a field the form does not show, or anything else.
export function methodFormError(p: Problem, kind: MethodKind): string {
  if (methodFields.some((f) => methodFieldError(p, f, kind))) return t('common.formInvalid')
  return refusal(p)
}
