// English messages of the members table's view and of a session that ends and resumes:
// the same keys as table.fr.ts (typed by it).
import type { tableFr } from './table.fr'

export const tableEn: Record<keyof typeof tableFr, string> = {
  'columns.button': 'Columns',
  'columns.title': 'Columns shown',
  'columns.density': 'Density',
  'columns.comfortable': 'Comfortable',
  'columns.compact': 'Compact',
  'columns.reset': 'Reset',
  'columns.mfa': 'Two-factor authentication',
  'columns.mfaShort': 'Two-factor',
  'columns.licenses': 'Licences',
  'columns.groups': 'Groups',
  'columns.none': 'None',
  'mfa.on': 'On',
  'mfa.off': 'Off',

  'session.ended': 'Your session ended. Sign in again to continue.',
  'session.kept': 'What you had typed is waiting for you on the page you were on.',
  'session.restored': 'What you typed was kept while you signed in again. Check it, then save.',
}
