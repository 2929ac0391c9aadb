// French messages of the invitations: the invite dialog, the Invitations page and the join
// page (« Inviter un utilisateur », « Révoquer une invitation en attente », « La page
// d'enrôlement », « Les étapes de validation », « Les limites liées au plan d'abonnement »).
// Spread into fr.ts; invitations.en.ts must have the same keys.
export const invitationsFr = {
  // The invite dialog.
  'invitations.dialogTitle': 'Inviter des membres',
  'invitations.dialogLead':
    'Chaque personne invitée reçoit un lien pour créer son compte et rejoindre l’organisation. Une invitation en attente réserve une place de votre abonnement.',
  'invitations.emails': 'Adresses e-mail',
  'invitations.emailsHint':
    'Séparez les adresses par des virgules ou des retours à la ligne, 100 au plus. Un nom devant l’adresse préremplit le formulaire d’inscription de la personne. Par exemple : claire.martin@example.org, Paul Durand <paul.durand@example.org>',
  'invitations.csv': 'Ou importez un fichier CSV',
  'invitations.csvHint':
    'Une ligne d’en-tête, puis une personne par ligne (100 au plus). Colonnes : email (obligatoire) ; role, userType, givenName et familyName (facultatives, dans n’importe quel ordre).',
  'invitations.csvHelp': 'Colonnes et modèle de fichier',
  'invitations.csvColumns':
    'Un rôle (member, admin) ou un type d’utilisateur (viewer, contributor, creator, professional) indiqué sur une ligne remplace celui choisi ci-dessous ; les noms en français (membre, administrateur, lecteur, contributeur, créateur, professionnel) sont acceptés. Les prénoms et noms préremplissent le formulaire d’inscription de la personne, et la saluent dans l’e-mail d’invitation quand il est envoyé. Séparateur : virgule ou point-virgule ; encodage UTF-8.',
  'invitations.csvTemplate': 'Modèle',
  'invitations.csvDownload': 'Télécharger le modèle (CSV)',
  'invitations.csvRemove': 'Retirer le fichier',
  'invitations.roleHint':
    'Un administrateur peut inviter et gérer les membres. Il est Créateur ou Professionnel.',
  'invitations.roleOwnerOnly': 'Seul le propriétaire peut inviter des administrateurs.',
  'invitations.userTypeDefault': 'Valeur par défaut de l’organisation',
  'invitations.creditsHint':
    'S’applique seulement si la budgétisation des crédits est activée pour votre organisation.',
  'invitations.partnerDefault': 'Valeur par défaut de l’organisation',
  'invitations.partnerOn': 'Activé',
  'invitations.partnerOff': 'Désactivé',
  'invitations.partnerHint':
    'Permet d’utiliser les ressources en ligne du fournisseur (formation, assistance, forums).',
  'invitations.message': 'Message personnel (facultatif)',
  'invitations.messageHint': 'Ajouté à l’e-mail d’invitation ; 1000 caractères au plus.',
  'invitations.options': 'Rôle et accès',
  'invitations.check': 'Vérifier',
  'invitations.checking': 'Vérification…',
  'invitations.send': 'Envoyer les invitations',
  'invitations.sending': 'Envoi…',
  'invitations.create': 'Créer les invitations',
  'invitations.creating': 'Création…',
  'invitations.noMail':
    'Aucun serveur de messagerie n’est configuré : Roster n’envoie aucun e-mail. Une fois les invitations créées, copiez chaque lien (ou montrez son QR code) et transmettez-le vous-même.',
  'invitations.sendValid.one': 'Inviter l’adresse valide',
  'invitations.sendValid.other': 'Inviter les {n} adresses valides',
  'invitations.checkLead': 'Vérifier contrôle chaque adresse sans rien créer.',
  'invitations.resultsLabel': 'Vérification de chaque adresse',
  'invitations.rowOk': 'Peut être invitée',
  'invitations.okCount.one': '{n} adresse peut être invitée.',
  'invitations.okCount.other': '{n} adresses peuvent être invitées.',
  'invitations.badCount.one': '{n} adresse ne peut pas être invitée.',
  'invitations.badCount.other': '{n} adresses ne peuvent pas être invitées.',
  'invitations.nothingSent':
    'Aucune invitation n’a été créée : corrigez ou retirez les adresses refusées, ou n’invitez que les adresses valides.',
  'invitations.checkedNothingSent': 'Rien n’a encore été créé.',
  'invitations.seatLimitTitle': 'Votre abonnement n’a pas assez de places libres.',
  'invitations.seats.taken': '{taken} places occupées sur {max} : {members} et {pending}.',
  'invitations.seats.members.one': '{n} membre',
  'invitations.seats.members.other': '{n} membres',
  'invitations.seats.pending.one': '{n} invitation en attente',
  'invitations.seats.pending.other': '{n} invitations en attente',
  'invitations.seats.free': '{free} pour {requested}.',
  'invitations.seats.freeCount.one': '{n} place libre',
  'invitations.seats.freeCount.other': '{n} places libres',
  'invitations.seats.requested.one': '{n} adresse à inviter',
  'invitations.seats.requested.other': '{n} adresses à inviter',
  'invitations.seatLimitHelp':
    'Révoquez des invitations en attente, retirez des membres ou passez à un abonnement supérieur (Facturation).',

  'invitations.reason.invalid_email': 'Ce n’est pas une adresse e-mail valide.',
  'invitations.reason.invalid_name': 'Un prénom ou un nom a 100 caractères au plus.',
  'invitations.reason.duplicate': 'Cette adresse figure plusieurs fois dans la liste.',
  'invitations.reason.invalid_role': 'Rôle inconnu : utilisez member (membre) ou admin (administrateur).',
  'invitations.reason.invalid_user_type':
    'Type d’utilisateur inconnu : utilisez viewer, contributor, creator ou professional.',
  'invitations.reason.role_incompatible_type':
    'Ce type d’utilisateur ne permet que le rôle Membre : un administrateur est Créateur ou Professionnel.',
  'invitations.reason.domain_not_allowed':
    'Cette adresse n’appartient pas à un domaine autorisé par l’organisation.',
  'invitations.reason.already_member': 'Cette adresse est déjà membre de l’organisation.',
  'invitations.reason.other_org': 'Cette adresse a déjà un compte dans une autre organisation.',
  'invitations.reason.already_invited':
    'Cette adresse a déjà une invitation en attente : renvoyez-la depuis la page Invitations.',
  'invitations.reason.seat_limit': 'Plus de place libre dans l’abonnement pour cette adresse.',

  'invitations.error.emailsRequired':
    'Saisissez au moins une adresse e-mail, ou choisissez un fichier CSV.',
  'invitations.error.tooMany': 'Invitez 100 adresses au plus à la fois.',
  'invitations.error.fileUnreadable': 'Le fichier n’a pas pu être lu.',
  'invitations.error.fileTooLarge': 'Le fichier dépasse 1 Mo.',
  'invitations.error.fileNotUtf8':
    'Le fichier n’est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 ».',
  'invitations.error.fileEmpty': 'Le fichier ne contient aucune adresse sous sa ligne d’en-tête.',
  'invitations.error.fileInvalid': 'Le fichier n’est pas un CSV valide.',
  'invitations.error.fileNoEmail':
    'La première ligne doit nommer les colonnes, dont une colonne « email ».',
  'invitations.error.messageTooLong': 'Le message fait 1000 caractères au plus.',
  'invitations.error.credits': 'Saisissez un nombre positif, ou choisissez Aucune limite.',
  'invitations.error.rank': 'Seul le propriétaire peut inviter des administrateurs.',
  'invitations.error.rankResend':
    'Seul le propriétaire peut renvoyer ou révoquer l’invitation d’un administrateur.',
  'invitations.error.tooManyRequests': 'Trop de demandes. Réessayez dans quelques minutes.',
  'invitations.error.notPending':
    'Cette invitation n’est plus en attente : elle a été acceptée ou révoquée.',
  'invitations.error.gone': 'Cette invitation n’existe plus.',

  // After sending.
  'invitations.created.one': '{n} invitation créée',
  'invitations.created.other': '{n} invitations créées',
  'invitations.mailed':
    'Un e-mail d’invitation a été envoyé à chaque adresse, avec le lien pour rejoindre l’organisation.',
  'invitations.notMailed':
    'Aucun serveur de messagerie n’est configuré : aucun e-mail n’a été envoyé. Transmettez à chaque personne son lien d’invitation, en le copiant ou par QR code.',
  'invitations.onceWarning':
    'Ces liens ne s’affichent qu’une fois, maintenant : copiez-les avant de fermer. Plus tard, Renvoyer crée un nouveau lien (l’ancien cesse alors de fonctionner).',
  'invitations.showLinks': 'Afficher les liens d’invitation',
  'invitations.skipped': 'Non invitées',
  'invitations.inviteMore': 'Inviter d’autres membres',

  // A join link.
  'invitations.link.label': 'Lien d’invitation de {email}',
  'invitations.link.copy': 'Copier le lien',
  'invitations.link.copied': 'Lien copié dans le presse-papiers.',
  'invitations.link.copyFailed': 'Copie impossible : sélectionnez le lien et copiez-le.',
  'invitations.link.showQr': 'Afficher le QR code',
  'invitations.link.hideQr': 'Masquer le QR code',
  'invitations.link.qrAlt': 'QR code du lien d’invitation de {email}',
  'invitations.link.qrHint': 'À scanner avec l’appareil photo d’un téléphone.',

  // The Invitations page.
  'invitations.searchLabel': 'Rechercher une invitation',
  'invitations.searchPlaceholder': 'Adresse e-mail',
  'invitations.statusFilter': 'Statut',
  'invitations.filter.all': 'Tous les statuts',
  'invitations.filter.pending': 'En attente',
  'invitations.filter.accepted': 'Acceptées',
  'invitations.filter.revoked': 'Révoquées',
  'invitations.filter.expired': 'Expirées',
  'invitations.status.pending': 'En attente',
  'invitations.status.accepted': 'Acceptée',
  'invitations.status.revoked': 'Révoquée',
  'invitations.status.expired': 'Expirée',
  'invitations.count.one': '{n} invitation',
  'invitations.count.other': '{n} invitations',
  'invitations.tableCaption': 'Invitations de l’organisation',
  'invitations.col.expires': 'Expiration',
  'invitations.col.invitedBy': 'Invité par',
  'invitations.col.sent': 'Envois',
  'invitations.acceptedOn': 'Acceptée {when}',
  'invitations.sentCount.one': '{n} envoi',
  'invitations.sentCount.other': '{n} envois',
  'invitations.lastSent': 'dernier envoi {when}',
  'invitations.resend': 'Renvoyer',
  'invitations.revoke': 'Révoquer',
  'invitations.resendFor': 'Renvoyer l’invitation de {email}',
  'invitations.revokeFor': 'Révoquer l’invitation de {email}',
  'invitations.emptyPending': 'Aucune invitation en attente.',
  'invitations.emptyPendingHelp':
    'Invitez des membres avec le bouton « Inviter des membres » : chaque personne reçoit un lien pour créer son compte.',
  'invitations.emptyFiltered': 'Aucune invitation ne correspond à cette recherche.',
  'invitations.revokeTitle': 'Révoquer l’invitation de {email} ?',
  'invitations.revokeText':
    'Le lien d’invitation cesse de fonctionner immédiatement et la place réservée est libérée. Vous pourrez inviter cette adresse de nouveau.',
  'invitations.revokeConfirm': 'Révoquer l’invitation',
  'invitations.revoked': 'Invitation révoquée : {email}.',
  'invitations.resendTitle': 'Renvoyer l’invitation de {email} ?',
  'invitations.resendText':
    'Un nouveau lien est créé et envoyé par e-mail. L’ancien lien cesse de fonctionner et l’invitation est de nouveau valable pour toute sa durée.',
  'invitations.resendConfirm': 'Renvoyer l’invitation',
  'invitations.resentTitle': 'Invitation renvoyée à {email}',
  'invitations.resentText':
    'Voici le nouveau lien d’invitation. Il ne s’affiche qu’une fois : copiez-le ou faites scanner le QR code avant de fermer. L’ancien lien ne fonctionne plus.',
  'invitations.resent': 'Invitation renvoyée : {email}.',
  'invitations.renew': 'Nouveau lien',
  'invitations.renewFor': 'Créer un nouveau lien pour {email}',
  'invitations.renewTitle': 'Créer un nouveau lien d’invitation pour {email} ?',
  'invitations.renewText':
    'Aucun serveur de messagerie n’est configuré : rien n’est envoyé par e-mail. Un nouveau lien est créé, à transmettre vous-même ; l’ancien lien cesse de fonctionner et l’invitation est de nouveau valable pour toute sa durée.',
  'invitations.renewConfirm': 'Créer un nouveau lien',
  'invitations.renewedTitle': 'Nouveau lien d’invitation pour {email}',
  'invitations.renewed': 'Nouveau lien créé : {email}.',

  // The join page.
  'join.pageTitle': 'Rejoindre une organisation',
  'join.title': 'Rejoindre {org}',
  'join.lead': '{inviter} vous invite à rejoindre {org} sur Roster.',
  'join.details': 'Votre invitation',
  'join.org': 'Organisation',
  'join.inviter': 'Invité par',
  'join.expires': 'Valable jusqu’au',
  'join.steps': 'Étapes de validation',
  'join.step.verify': 'Vérifier l’invitation',
  'join.step.account': 'Créer votre compte',
  'join.step.secure': 'Sécuriser votre compte',
  'join.step.secureHint': 'si l’organisation exige la double authentification',
  'join.step.done': 'Terminé',
  'join.stepDone': '(fait)',
  'join.accountSection': 'Votre compte',
  'join.emailHint': 'L’adresse à laquelle vous avez été invité : elle vous servira à vous connecter.',
  'join.username': 'Nom d’utilisateur (facultatif)',
  'join.usernameHint':
    'Laissez vide pour qu’il soit créé à partir de votre adresse. 3 à 32 caractères : lettres minuscules, chiffres, point, tiret ou tiret bas.',
  'join.password': 'Choisissez un mot de passe',
  'join.showPassword': 'Afficher le mot de passe',
  'join.language': 'Langue de Roster et de vos e-mails',
  'join.sso': 'Continuer avec {name}',
  'join.ssoOr': 'ou créez un mot de passe',
  'join.error.ssoOtherAddress':
    'Votre organisation vous a connecté avec une autre adresse que {email}, celle de l’invitation : connectez-vous avec cette adresse, ou demandez une invitation à la vôtre.',
  'join.submit': 'Créer mon compte et rejoindre',
  'join.submitting': 'Création du compte…',
  'join.signedInAs':
    'Ce navigateur est connecté au compte {email}. En rejoignant, vous serez connecté avec votre nouveau compte.',
  'join.invalidTitle': 'Ce lien d’invitation n’est plus valide',
  'join.invalidLead': 'Plusieurs raisons sont possibles :',
  'join.invalidExpired': 'l’invitation a expiré ;',
  'join.invalidRevoked': 'un administrateur l’a révoquée ;',
  'join.invalidUsed': 'elle a déjà servi à créer un compte : un lien ne sert qu’une fois ;',
  'join.invalidResent': 'elle a été renvoyée : seul le lien le plus récent fonctionne ;',
  'join.invalidIncomplete': 'le lien a été copié en partie seulement.',
  'join.invalidAsk':
    'Demandez à l’administrateur de votre organisation de vous envoyer une nouvelle invitation.',
  'join.haveAccount': 'Vous avez déjà un compte ?',
  'join.loadFailed': 'Impossible de vérifier l’invitation.',
  'join.error.username':
    'Un nom d’utilisateur compte 3 à 32 caractères : lettres minuscules, chiffres, point, tiret ou tiret bas.',
  'join.error.usernameTaken': 'Ce nom d’utilisateur est déjà pris : choisissez-en un autre.',
  'join.error.ssoNotEnabled':
    'Cette organisation n’utilise pas la connexion d’entreprise : créez votre compte avec un mot de passe ci-dessous.',
  'join.error.password': 'Le mot de passe doit compter 8 à 64 caractères.',
  'join.error.seatLimit':
    'L’organisation n’a plus de place libre : demandez à ses administrateurs d’en libérer une, puis utilisez de nouveau ce lien.',
  'join.error.emailTaken': 'Cette adresse a déjà un compte : connectez-vous plutôt.',
  'join.error.poolExceeded':
    'La réserve de crédits de l’organisation ne couvre pas les crédits de cette invitation : demandez à ses administrateurs de l’augmenter, puis utilisez de nouveau ce lien.',
  'join.error.tooMany': 'Trop de tentatives. Réessayez dans quelques minutes.',
  'join.doneTitle': 'Bienvenue dans {org} !',
  'join.doneText': 'Votre compte est créé. Ouverture de Roster…',
}
