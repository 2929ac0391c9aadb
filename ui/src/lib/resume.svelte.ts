// Unsaved input outlives the end of a session. When a request finds the session gone (a
// 401), the page's address and the form fields the person changed there are kept in
// sessionStorage (this tab only; never a password, a code or a file); once the same person
// has signed in again and is back on that page, the fields get their values back, as if
// typed. Someone else signing in finds nothing of it.
const storageKey = 'roster.resume'

interface Field {
  id: string
  value: string
  checked?: boolean
}

interface Stash {
  user: string
  route: string
  fields: Field[]
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement

// The controls the person changed since the page showed them.
const edited = new WeakSet<EventTarget>()
for (const type of ['input', 'change']) {
  document.addEventListener(type, (e) => e.target && edited.add(e.target), true)
}

const secretTypes = ['password', 'file', 'hidden']

function kept(el: Element): el is Control {
  if (!el.id || !edited.has(el)) return false
  if (el instanceof HTMLInputElement) return !secretTypes.includes(el.type) && el.autocomplete !== 'one-time-code'
  return el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
}

function read(): Stash | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Stash | null
    return v && typeof v.user === 'string' && typeof v.route === 'string' && Array.isArray(v.fields) ? v : null
  } catch {
    return null
  }
}

let ended = $state(read() !== null)
let restored = $state(false)

export const resume = {
  // A session ended in this tab and its page waits to be taken up again.
  get ended(): boolean {
    return ended
  },
  // How many fields wait to be filled in again.
  get fields(): number {
    return read()?.fields.length ?? 0
  },
  // The last resumed page got its input back (for a notice).
  get restored(): boolean {
    return restored
  },
}

// stashInput keeps the current page and its changed fields for user, whose session ended.
export function stashInput(user: string): void {
  const fields: Field[] = [...document.querySelectorAll('input, textarea, select')].filter(kept).map((el) => {
    const check = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')
    return check ? { id: el.id, value: el.value, checked: el.checked } : { id: el.id, value: el.value }
  })
  const stash: Stash = { user, route: location.pathname + location.search, fields }
  sessionStorage.setItem(storageKey, JSON.stringify(stash))
  ended = true
  restored = false
}

// resumeInput, called on each page the signed-in user shows, gives the kept fields their
// values back once user is on the kept page (waiting for the page to draw them), and drops
// what was kept if someone else signed in or another page came first.
export function resumeInput(user: string, route: string): void {
  const stash = read()
  if (!stash) return
  sessionStorage.removeItem(storageKey)
  ended = false
  if (stash.user !== user || stash.route !== route || stash.fields.length === 0) return
  let left = stash.fields
  const fill = () => {
    left = left.filter((f) => {
      const el = document.getElementById(f.id)
      if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return true
      if (f.checked !== undefined && el instanceof HTMLInputElement) el.checked = f.checked
      else el.value = f.value
      edited.add(el)
      el.dispatchEvent(new Event('input', { bubbles: true }))
      el.dispatchEvent(new Event('change', { bubbles: true }))
      restored = true
      return false
    })
    if (left.length === 0) stop()
  }
  // The page draws its form once its data has loaded: watch for the fields a while.
  const observer = new MutationObserver(() => requestAnimationFrame(fill))
  const timer = setTimeout(() => stop(), 15000)
  const stop = () => {
    observer.disconnect()
    clearTimeout(timer)
  }
  observer.observe(document.body, { childList: true, subtree: true })
  requestAnimationFrame(fill)
}

// forgetRestored hides the notice (the person moved on).
export function forgetRestored(): void {
  restored = false
}
