// French messages of the members table's view (columns shown, density, two-factor column
// and filter) and of a session that ends and resumes. Spread into fr.ts; table.en.ts has
// the same keys. Typography: U+202F before ? ! ; and U+00A0 before :.
export const tableFr = {
  'columns.button': 'Colonnes',
  'columns.title': 'Colonnes affichées',
  'columns.density': 'Densité',
  'columns.comfortable': 'Standard',
  'columns.compact': 'Compacte',
  'columns.reset': 'Rétablir',
  'columns.mfa': 'Double authentification',
  'columns.mfaShort': 'Double auth.',
  'columns.licenses': 'Licences',
  'columns.groups': 'Groupes',
  'columns.none': 'Aucune',
  'mfa.on': 'Activée',
  'mfa.off': 'Désactivée',

  'session.ended': 'Votre session a pris fin. Reconnectez-vous pour continuer.',
  'session.kept': 'Ce que vous aviez saisi vous attend sur la page où vous étiez.',
  'session.restored': 'Votre saisie a été conservée pendant la reconnexion. Vérifiez-la, puis enregistrez.',
}
