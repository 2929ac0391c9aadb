// A small client-side router on the History API. The server answers every unknown path with
// index.html, so any route can be opened directly.
let path = $state(window.location.pathname)
let search = $state(window.location.search)

export const router = {
  get path(): string {
    return path
  },
  get query(): URLSearchParams {
    return new URLSearchParams(search)
  },
}

function sync(): void {
  path = window.location.pathname
  search = window.location.search
}

export function navigate(to: string, { replace = false } = {}): void {
  const here = window.location.pathname + window.location.search + window.location.hash
  if (replace || to === here) history.replaceState(null, '', to)
  else {
    history.pushState(null, '', to)
    window.scrollTo(0, 0)
  }
  sync()
}

// Plain <a href="/…"> links navigate in the app; modified clicks, new tabs, in-page anchors and
// server paths (/api/, the /_/ dashboard) keep the browser's behaviour.
function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const link = event.target instanceof Element ? event.target.closest('a') : null
  if (!link || link.target || link.hasAttribute('download')) return
  if (link.origin !== window.location.origin || link.getAttribute('href')?.startsWith('#')) return
  if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/_/')) return
  event.preventDefault()
  navigate(link.pathname + link.search + link.hash)
}

window.addEventListener('popstate', sync)
document.addEventListener('click', onClick)
