// The current language and t(). Reading i18n.lang or calling t() in a component makes it
// re-render when the language changes.
import { fr, type Messages } from './fr'
import { en } from './en'

export type Lang = 'fr' | 'en'
export type MessageKey = keyof Messages

const dictionaries: Record<Lang, Messages> = { fr, en }
const storageKey = 'roster.lang'

export function browserLang(): Lang {
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

function storedLang(): Lang | null {
  const value = localStorage.getItem(storageKey)
  return value === 'fr' || value === 'en' ? value : null
}

const initial = storedLang() ?? browserLang()
let current = $state<Lang>(initial)
document.documentElement.lang = initial

export const i18n = {
  get lang(): Lang {
    return current
  },
}

// setLang switches the UI and remembers the choice for the next visit, signed in or not.
export function setLang(lang: Lang): void {
  current = lang
  localStorage.setItem(storageKey, lang)
  document.documentElement.lang = lang
}

// A French "de" before a placeholder, and what makes it "d’": a value starting with a vowel.
const dePlaceholder = /((?<!\p{L})[dD]e )?\{(\w+)\}/gu
const startsWithVowel = /^[aeiouyàâäéèêëîïôöùûüœæ]/iu

// t returns the message for key in the current language, with {name} placeholders filled from
// params. In French, "de {name}" elides before a vowel, as the audit sentences and mails do:
// « retiré d’Équipe Nord », never « retiré de Équipe Nord ».
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[current][key]
  if (!params) return text
  return text.replace(dePlaceholder, (match, de: string | undefined, name: string) => {
    if (params[name] === undefined) return match
    const value = String(params[name])
    if (!de) return value
    return current === 'fr' && startsWithVowel.test(value) ? de[0] + '’' + value : de + value
  })
}
