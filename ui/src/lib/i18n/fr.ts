// French messages. The wording follows the product pages the UI is modelled on
// (« Propriétaire », « Inviter un utilisateur », « Type d'utilisateur », « Gérer les membres »…).
// en.ts must have exactly the same keys: it is typed as Messages.
export const fr = {
  'common.loading': 'Chargement…',
  'common.retry': 'Réessayer',
  'common.skip': 'Aller au contenu principal',
  'common.language': 'Langue',
  'common.comingSoon': 'En préparation',
  'common.unreachable':
    'Impossible de joindre le serveur Roster. Vérifiez qu’il est démarré, puis réessayez.',
  'common.unexpected': 'Une erreur inattendue s’est produite. Réessayez.',
  'common.backToSignIn': 'Retour à la connexion',
  'common.formInvalid': 'Corrigez les champs signalés.',

  'field.name': 'Nom',
  'field.givenName': 'Prénom',
  'field.familyName': 'Nom de famille',
  'field.username': 'Nom d’utilisateur',
  'field.usernameHint':
    '3 à 32 caractères : lettres minuscules, chiffres, point, tiret ou tiret bas.',
  'field.email': 'Adresse e-mail',
  'field.password': 'Mot de passe',
  'field.passwordHint': '8 à 64 caractères.',
  'field.role': 'Rôle',
  'field.userType': 'Type d’utilisateur',

  'role.owner': 'Propriétaire',
  'role.admin': 'Administrateur',
  'role.member': 'Membre',
  'userType.viewer': 'Lecteur',
  'userType.contributor': 'Contributeur',
  'userType.creator': 'Créateur',
  'userType.professional': 'Professionnel',

  'setup.title': 'Configurer Roster',
  'setup.lead':
    'Créez votre organisation et le compte de son propriétaire. Vous pourrez ensuite inviter des utilisateurs.',
  'setup.orgSection': 'Organisation',
  'setup.orgName': 'Nom de l’organisation',
  'setup.ownerSection': 'Votre compte (Propriétaire)',
  'setup.submit': 'Créer l’organisation',
  'setup.submitting': 'Création…',
  'setup.noToken':
    'Ce lien ne contient pas de jeton de configuration. Ouvrez le lien complet affiché par le serveur à son premier démarrage (…/setup?token=…).',
  'setup.tokenInvalid':
    'Ce lien de configuration n’est pas valide ou a expiré. Utilisez le lien affiché par le serveur au démarrage.',
  'setup.checkFailed': 'Impossible de vérifier si Roster est déjà configuré.',
  'setup.doneTitle': 'Roster est déjà configuré',
  'setup.doneText': 'Cette installation a déjà une organisation. Connectez-vous pour continuer.',

  'signin.title': 'Se connecter',
  'signin.lead': 'Connectez-vous pour gérer votre organisation.',
  'signin.submit': 'Se connecter',
  'signin.submitting': 'Connexion…',
  'signin.invalid': 'Adresse e-mail ou mot de passe incorrect.',
  'signin.tooMany': 'Trop de tentatives. Réessayez dans quelques minutes.',
  'signin.forgot': 'Mot de passe oublié ?',
  'signin.totpTitle': 'Code à deux facteurs',
  'signin.totpText':
    'Votre compte est protégé par l’authentification à deux facteurs. La saisie du code arrive bientôt dans Roster.',

  'forgot.title': 'Mot de passe oublié',
  'forgot.text':
    'La réinitialisation du mot de passe par e-mail arrive bientôt. En attendant, demandez à un administrateur de votre organisation de réinitialiser votre mot de passe.',

  'notFound.title': 'Page introuvable',
  'notFound.text': 'Aucune page de Roster ne se trouve à l’adresse {path}.',
  'notFound.home': 'Retour à l’accueil',
  'denied.title': 'Accès non autorisé',
  'denied.text': 'Votre rôle dans l’organisation ne donne pas accès à cette page.',

  'app.loadFailed': 'Impossible de charger votre organisation.',
  'header.signOut': 'Se déconnecter',
  'nav.label': 'Navigation principale',

  'members.title': 'Membres',
  'members.lead': 'Gérer les membres de votre organisation : rôles, types d’utilisateur et statut.',
  'members.upcoming':
    'La table des membres s’affichera ici : recherche, filtres, colonnes triables, sélection conservée d’une page à l’autre et actions groupées.',
  'invitations.title': 'Invitations',
  'invitations.lead': 'Inviter un utilisateur et suivre les invitations en attente.',
  'invitations.upcoming':
    'Les invitations en attente s’afficheront ici, avec Renvoyer et Révoquer, et le lien d’invitation à copier ou à partager par QR code.',
  'reports.title': 'Rapports',
  'reports.lead': 'Suivre l’activité de l’organisation et l’utilisation de ses places.',
  'reports.upcoming':
    'Les graphiques s’afficheront ici : places au fil du temps, membres par rôle, type d’utilisateur et statut, connexions et crédits.',
  'audit.title': 'Journal d’audit',
  'audit.lead': 'Chaque modification : qui l’a faite, sur quoi et quand.',
  'audit.upcoming':
    'Le journal d’audit s’affichera ici, filtrable par auteur, action, cible et période, avec un export CSV.',
  'billing.title': 'Facturation',
  'billing.lead': 'L’abonnement, les places et les factures de l’organisation.',
  'billing.upcoming':
    'L’abonnement s’affichera ici : formule, places par type d’utilisateur, montant mensuel, utilisation des places, factures et moyens de paiement.',
  'settings.title': 'Paramètres',
  'settings.lead': 'Les paramètres de l’organisation.',
  'settings.upcoming':
    'Les paramètres s’afficheront ici : nom et logo, langue par défaut, authentification multifacteur, domaines autorisés, durée de validité des invitations et valeurs par défaut des nouveaux membres.',
  'account.title': 'Mon compte',
  'account.lead': 'Votre profil et la sécurité de votre compte.',
  'account.upcoming':
    'La modification de votre compte s’affichera ici : profil, mot de passe, authentification à deux facteurs et codes de récupération.',
}

export type Messages = typeof fr
