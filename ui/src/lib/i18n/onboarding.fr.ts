// French messages of a new organisation's first run: the username the setup page
// suggests, the organisation's short name in Settings, and the checklist of first steps.
export const onboardingFr = {
  'setup.usernameHint':
    'Proposé d’après votre adresse e-mail, modifiable. Il sert à vous connecter, comme votre adresse, et à vous nommer dans Roster. 3 à 32 caractères : lettres minuscules sans accent, chiffres, point (.), tiret (-) ou tiret bas (_).',

  'settings.org.slug': 'Nom court',
  'settings.org.slugHint':
    'Il ne change pas. La ligne de commande désigne l’organisation par ce nom, par exemple :',
  'settings.org.slugCopy': 'Copier le nom court',

  'checklist.title': 'Premiers pas',
  'checklist.progress': '{done} sur {total} faites',
  'checklist.done': '(fait)',
  'checklist.dismiss': 'Masquer ces étapes',
  'checklist.invite': 'Invitez vos premiers membres',
  'checklist.inviteHint': 'Chaque personne invitée obtient un lien pour créer son compte.',
  'checklist.plan': 'Choisissez l’offre',
  'checklist.planHint':
    'Une nouvelle organisation commence avec l’offre par défaut : choisissez celle qui vous convient, ou ajoutez un moyen de paiement pour la garder.',
  'checklist.mfa': 'Activez la double authentification',
  'checklist.mfaHint':
    'Pour votre compte, dans Mon compte : une application d’authentification vous demandera un code à chaque connexion.',
  'checklist.mfaAllowHint':
    'Autorisez-la d’abord pour l’organisation dans les Paramètres, puis activez-la dans Mon compte.',
  'checklist.mfaAskHint':
    'Le propriétaire doit d’abord l’autoriser pour l’organisation ; vous l’activerez ensuite dans Mon compte.',
}
