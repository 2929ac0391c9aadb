// Numbers, dates and plurals in the current language (French: « 1 234 », « 3 mars 2026 »).
import { i18n, t, type MessageKey } from './i18n/index.svelte'

// The server writes dates as PocketBase does: "2026-03-03 10:15:00.000Z".
export function parseDate(value: string): Date | null {
  if (!value) return null
  const date = new Date(value.replace(' ', 'T'))
  return Number.isNaN(date.getTime()) ? null : date
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(i18n.lang, { maximumFractionDigits: 2 }).format(n)
}

export function formatDate(value: string): string {
  const date = parseDate(value)
  return date ? new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'medium' }).format(date) : ''
}

export function formatDateTime(value: string): string {
  const date = parseDate(value)
  return date
    ? new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'long', timeStyle: 'short' }).format(date)
    : ''
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

// relativeTime is "il y a 3 jours" / "3 days ago"; under a minute, "à l'instant" / "just now".
export function relativeTime(value: string, now = Date.now()): string {
  const date = parseDate(value)
  if (!date) return ''
  const seconds = (date.getTime() - now) / 1000
  const format = new Intl.RelativeTimeFormat(i18n.lang, { numeric: 'auto' })
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  }
  return t('time.justNow')
}

// The keys that come in pairs "<base>.one" / "<base>.other".
export type PluralBase = {
  [K in MessageKey]: K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never
}[MessageKey]

// plural picks the singular or plural message for n (French says « 0 membre », « 1,5 jour »)
// and fills {n} with the formatted number, besides any other parameters.
export function plural(base: PluralBase, n: number, params: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(i18n.lang).select(n) === 'one' ? 'one' : 'other'
  return t(`${base}.${form}` as MessageKey, { ...params, n: formatNumber(n) })
}

// initials of a name, for avatars without a picture.
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] ?? '?').slice(0, 2)
  return letters.toUpperCase()
}
