// Who is signed in: the auth token (kept by the SDK in localStorage) and GET /api/me.
import { getTokenPayload } from 'pocketbase'
import { endSession, pb, type Me } from './api'
import { browserLang, setLang, type Lang } from './i18n/index.svelte'

if (!pb.authStore.isValid) pb.authStore.clear() // an expired token is no session

let token = $state(pb.authStore.token)
let me = $state<Me | null>(null)

pb.authStore.onChange((newToken, record) => {
  token = newToken
  if (!newToken || record?.id !== me?.user.id) me = null // signed out, or someone else signed in
  received(newToken)
  keepAlive()
})

// A token lasts the users collection's authToken.duration (an hour). While the app is in
// use it is renewed once past half its life: at the first activity or navigation after
// that, or on a timer at that point while the tab is visible. The token tells only when
// it expires, so when this browser received it is kept beside it.
const receivedKey = 'roster.tokenReceived'

function expiry(t: string): number {
  return (Number(getTokenPayload(t).exp) || 0) * 1000
}

function received(t: string): void {
  if (t) localStorage.setItem(receivedKey, JSON.stringify({ exp: expiry(t), at: Date.now() }))
  else localStorage.removeItem(receivedKey)
}

// halfway is when the token is half-way through its life; now when that is not known.
function halfway(t: string): number {
  const exp = expiry(t)
  try {
    const r = JSON.parse(localStorage.getItem(receivedKey) ?? 'null') as { exp?: number; at?: number } | null
    if (r?.exp === exp && typeof r.at === 'number') return r.at + (exp - r.at) / 2
  } catch {
    // unreadable: renew now
  }
  return Date.now()
}

let renewing = false
let timer: ReturnType<typeof setTimeout> | undefined

// keepAlive renews the token when it is due, else sets the timer for when it will be; a
// token that expired meanwhile (the tab asleep) ends the session, keeping the page's input.
export function keepAlive(): void {
  clearTimeout(timer)
  const t = pb.authStore.token
  if (!t || renewing) return
  if (!pb.authStore.isValid) return endSession()
  const due = halfway(t)
  if (Date.now() >= due) renew()
  else if (document.visibilityState === 'visible') timer = setTimeout(keepAlive, due - Date.now())
}

async function renew(): Promise<void> {
  renewing = true
  try {
    await pb.collection('users').authRefresh() // saves the new token (onChange)
  } catch {
    // A 401 has ended the session (api.ts); offline, the next activity tries again.
  } finally {
    renewing = false
  }
  // Renewed: set the timer for the new token (failed: the next activity tries again).
  const t = pb.authStore.token
  if (t && Date.now() < halfway(t)) keepAlive()
}

for (const type of ['pointerdown', 'keydown', 'visibilitychange', 'focus']) {
  window.addEventListener(type, keepAlive, { passive: true })
}
keepAlive()

export const session = {
  get signedIn(): boolean {
    return token !== ''
  },
  get me(): Me | null {
    return me
  },
}

// loadMe fetches the signed-in user, organisation and permissions, and switches to the user's
// language, else the organisation's, else the browser's: when it first loads, and when that
// changed since the last load (a profile or the organisation's default edited), unless a
// choice made in this tab is still being saved: the answer would put back the one before it.
export async function loadMe(): Promise<void> {
  const loaded = await pb.send<Me>('/api/me', {})
  const before = me
  me = loaded
  const changed =
    !before ||
    before.user.language !== loaded.user.language ||
    before.org.defaultLanguage !== loaded.org.defaultLanguage
  if (changed && savingLanguage === 0) setLang(loaded.user.language || loaded.org.defaultLanguage || browserLang())
}

let savingLanguage = 0

// chooseLanguage shows the language at once and, when signed in, saves it to the profile.
// A 401 ends the session (see api.ts); any other failure keeps the choice for this browser.
export function chooseLanguage(lang: Lang): void {
  setLang(lang)
  if (!session.signedIn) return
  savingLanguage++
  pb.send('/api/account/profile', { method: 'PATCH', body: { language: lang } })
    .catch(() => {})
    .finally(() => savingLanguage--)
}

export function can(action: string): boolean {
  return me?.permissions.includes(action) ?? false
}

// byMail picks what is true on this server: the message that says a mail goes out, or,
// without a mail server (GET /api/me's mail), the one that says what to do instead.
export function byMail<K extends string>(withMail: K, withoutMail: K): K {
  return me?.mail ? withMail : withoutMail
}
