// Who is signed in: the auth token (kept by the SDK in localStorage) and GET /api/me.
import { pb, type Me } from './api'
import { browserLang, setLang } from './i18n/index.svelte'

if (!pb.authStore.isValid) pb.authStore.clear() // an expired token is no session

let token = $state(pb.authStore.token)
let me = $state<Me | null>(null)

pb.authStore.onChange((newToken, record) => {
  token = newToken
  if (!newToken || record?.id !== me?.user.id) me = null // signed out, or someone else signed in
})

export const session = {
  get signedIn(): boolean {
    return token !== ''
  },
  get me(): Me | null {
    return me
  },
}

// loadMe fetches the signed-in user, organisation and permissions, and switches to the user's
// language, else the organisation's, else the browser's.
export async function loadMe(): Promise<void> {
  const loaded = await pb.send<Me>('/api/me', {})
  me = loaded
  setLang(loaded.user.language || loaded.org.defaultLanguage || browserLang())
}

export function can(action: string): boolean {
  return me?.permissions.includes(action) ?? false
}
