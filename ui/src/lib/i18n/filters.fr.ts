// Les filtres actifs en pastilles, le choix d’une personne par son nom, les colonnes des
// graphiques. filters.en.ts a exactement les mêmes clés.
export const filtersFr = {
  'chips.label': 'Filtres actifs',
  'chips.remove': 'Retirer le filtre {filter}',
  'chips.clearAll': 'Tout effacer',
  'chips.search': 'Recherche\u00a0: {text}',
  'chips.pair': '{name}\u00a0: {value}',
  'chips.between': 'entre le {from} et le {to}',
  'chips.after': 'après le {date}',
  'chips.before': 'avant le {date}',
  'chips.when': 'Quand\u00a0: {range}',
  'person.system': 'Le système',
  'person.superuser': 'L’opérateur de l’instance',
  'person.choose': 'Choisir {name}',
  'person.clear': 'Retirer {name}',
  'audit.filter.actorPick': 'Tapez un nom, ou choisissez le système.',
  'audit.filter.targetPick': 'Tapez le nom du membre concerné.',
  'audit.filter.family': '{family}, toutes les actions',
  'audit.family.items': 'Éléments',
  'audit.family.operator': 'Console de l’instance',
  'audit.family.demo': 'Démonstration',
  'audit.family.reports': 'Rapports',
  'reports.chart.bar': 'Barre',
  'reports.chart.value': 'Nombre',
  'reports.chart.share': 'Part',
}

export type FiltersMessages = typeof filtersFr
