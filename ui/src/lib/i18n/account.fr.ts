// French messages of account security: sign-in's second step, My account (password,
// double authentification, codes de secours), forgot password, restricted sessions, and the
// administrators' « Réinitialiser le mot de passe » / « Désactiver l'authentification
// multifacteur ». Spread into fr.ts; account.en.ts has the same keys.
export const accountFr = {
  'signin.totpLead': 'Saisissez le code à 6 chiffres affiché par votre application d’authentification.',
  'signin.codeLabel': 'Code de vérification',
  'signin.recoveryLead': 'Saisissez un de vos codes de secours. Chacun ne sert qu’une fois.',
  'signin.recoveryLabel': 'Code de secours',
  'signin.recoveryHint': 'De la forme xxxx-xxxx-xxxx.',
  'signin.verify': 'Vérifier',
  'signin.verifying': 'Vérification…',
  'signin.useRecovery': 'Utiliser un code de secours',
  'signin.useApp': 'Utiliser le code de l’application',
  'signin.attemptsLeft.one': 'Encore {n} essai avant de devoir vous reconnecter.',
  'signin.attemptsLeft.other': 'Encore {n} essais avant de devoir vous reconnecter.',
  'signin.tooManyCodes': 'Trop de codes erronés. Reconnectez-vous avec votre mot de passe.',
  'signin.expired': 'La vérification a expiré. Reconnectez-vous avec votre mot de passe.',
  'signin.error.disabled':
    'Ce compte est désactivé. Contactez un administrateur de votre organisation.',
  'signin.error.noOrganization': 'Ce compte n’appartient à aucune organisation.',
  'signin.error.temporaryExpired':
    'Votre mot de passe temporaire a expiré. Demandez-en un nouveau à un administrateur de votre organisation.',

  'forgot.submit': 'Envoyer le lien',
  'forgot.sending': 'Envoi…',
  'forgot.sentTitle': 'Vérifiez vos e-mails',
  'forgot.sent':
    'Si un compte Roster utilise l’adresse {email}, un lien pour choisir un nouveau mot de passe vient d’y être envoyé. Il est valable 30 minutes.',
  'forgot.sentHelp':
    'Rien reçu après quelques minutes ? Regardez dans les courriers indésirables, ou demandez à un administrateur de votre organisation de réinitialiser votre mot de passe.',

  'reset.title': 'Choisir un nouveau mot de passe',
  'reset.lead': 'Choisissez le nouveau mot de passe de votre compte Roster.',
  'reset.submit': 'Enregistrer le mot de passe',
  'reset.doneTitle': 'Mot de passe modifié',
  'reset.doneText': 'Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.',
  'reset.brokenTitle': 'Lien non valide',
  'reset.invalid':
    'Ce lien de réinitialisation n’est pas valide ou a déjà servi. Demandez-en un nouveau.',
  'reset.expired':
    'Ce lien de réinitialisation a expiré (il est valable 30 minutes). Demandez-en un nouveau.',
  'reset.again': 'Demander un nouveau lien',

  'restricted.signedInAs': 'Connecté en tant que {email}',
  'restricted.passwordTitle': 'Choisissez un nouveau mot de passe',
  'restricted.passwordText':
    'Un administrateur a réinitialisé votre mot de passe. Saisissez le mot de passe temporaire reçu, puis choisissez-en un nouveau pour continuer.',
  'restricted.passwordSubmit': 'Enregistrer et continuer',
  'restricted.mfaTitle': 'Votre organisation exige la double authentification',
  'restricted.mfaText':
    'Avant de continuer, protégez votre compte avec une application d’authentification sur votre téléphone : elle vous donnera un code à saisir à chaque connexion.',
  'restricted.continue': 'J’ai enregistré mes codes, continuer',

  'account.profile.title': 'Profil',
  'account.profile.edit': 'Modifier mon profil',
  'account.profile.org': 'Organisation',
  'account.password.title': 'Mot de passe',
  'account.password.lead':
    'Changer de mot de passe ferme vos autres sessions : reconnectez-vous ensuite sur vos autres appareils.',
  'account.password.current': 'Mot de passe actuel',
  'account.password.temporary': 'Mot de passe temporaire',
  'account.password.new': 'Nouveau mot de passe',
  'account.password.confirm': 'Confirmer le nouveau mot de passe',
  'account.password.submit': 'Changer le mot de passe',
  'account.password.changed': 'Votre mot de passe a été changé. Vos autres sessions ont été fermées.',
  'account.copied': 'Copié.',
  'account.copyFailed': 'La copie a échoué : sélectionnez le texte et copiez-le.',

  'account.totp.title': 'Double authentification',
  'account.totp.lead':
    'À chaque connexion, en plus du mot de passe, un code à 6 chiffres donné par une application d’authentification (Google Authenticator, Microsoft Authenticator, FreeOTP, 1Password…).',
  'account.totp.on': 'Activée',
  'account.totp.off': 'Désactivée',
  'account.totp.start': 'Activer la double authentification',
  'account.totp.orgOff':
    'Votre organisation n’a pas activé la double authentification. Demandez à son propriétaire de l’activer.',
  'account.totp.requiredOff':
    'Votre organisation exige la double authentification : activez-la maintenant.',
  'account.totp.requiredCannotDisable':
    'Votre organisation exige la double authentification : vous ne pouvez pas la désactiver. Si vous changez de téléphone, demandez à un administrateur de la réinitialiser, puis configurez-la de nouveau.',
  'account.totp.step1': 'Ajoutez votre compte à l’application',
  'account.totp.step1Text': 'Scannez ce QR code avec l’application d’authentification de votre téléphone.',
  'account.totp.qrAlt':
    'QR code à scanner avec votre application d’authentification ; la même clé est écrite à côté.',
  'account.totp.manual': 'Vous ne pouvez pas scanner ? Saisissez cette clé dans l’application :',
  'account.totp.manualHint': 'Type : basé sur l’heure (TOTP), 6 chiffres, toutes les 30 secondes.',
  'account.totp.copySecret': 'Copier la clé',
  'account.totp.step2': 'Saisissez le code affiché par l’application',
  'account.totp.codeLabel': 'Code à 6 chiffres',
  'account.totp.codeHint': 'Le code change toutes les 30 secondes.',
  'account.totp.enable': 'Activer',
  'account.totp.enabling': 'Activation…',
  'account.totp.enabled':
    'La double authentification est activée : vos prochaines connexions demanderont un code.',
  'account.totp.disabled': 'La double authentification est désactivée.',
  'account.totp.regenerate': 'Régénérer les codes de secours',
  'account.totp.regenerateTitle': 'Régénérer les codes de secours',
  'account.totp.regenerateText':
    'De nouveaux codes remplacent les anciens, qui ne fonctionneront plus. Saisissez un code de votre application pour confirmer.',
  'account.totp.regenerateConfirm': 'Régénérer',
  'account.totp.disable': 'Désactiver',
  'account.totp.disableTitle': 'Désactiver la double authentification',
  'account.totp.disableText':
    'Votre compte ne sera plus protégé que par son mot de passe, et vos codes de secours ne fonctionneront plus. Confirmez avec un code de votre application ou avec un de vos codes de secours : votre mot de passe seul ne suffit pas.',
  'account.totp.proof': 'Confirmer avec',
  'account.totp.proofCode': 'Un code de l’application',
  'account.totp.proofRecovery': 'Un code de secours',
  'account.totp.disableConfirm': 'Désactiver',

  'account.codes.title': 'Vos codes de secours',
  'account.codes.warningTitle': 'Enregistrez ces codes maintenant : ils ne seront plus affichés.',
  'account.codes.warning':
    'Si vous perdez votre téléphone, chaque code permet une connexion, une seule fois, à la place du code de l’application. Gardez-les en lieu sûr (gestionnaire de mots de passe, feuille imprimée), pas sur le téléphone.',
  'account.codes.listLabel': 'Codes de secours',
  'account.codes.download': 'Télécharger (.txt)',
  'account.codes.print': 'Imprimer',
  'account.codes.copy': 'Copier',
  'account.codes.done': 'J’ai enregistré mes codes',
  'account.codes.fileTitle': 'Codes de secours Roster',
  'account.codes.fileNote':
    'Chaque code permet une connexion, une seule fois, à la place du code de votre application d’authentification.',

  'account.error.codeRequired': 'Saisissez le code à 6 chiffres de votre application.',
  'account.error.codeInvalid':
    'Ce code n’est pas valide. Vérifiez que votre téléphone est à l’heure et saisissez le code affiché maintenant.',
  'account.error.codeUsed':
    'Ce code vient déjà de servir. Attendez le suivant (30 secondes au plus).',
  'account.error.recoveryInvalid': 'Ce code de secours n’est pas valide ou a déjà servi.',
  'account.error.passwordWrong': 'Mot de passe incorrect.',
  'account.error.oldPasswordWrong': 'Ce mot de passe est incorrect.',
  'account.error.passwordShort': 'Utilisez au moins 8 caractères.',
  'account.error.passwordLong':
    'Utilisez au plus 64 caractères (moins s’il contient beaucoup de caractères accentués ou spéciaux).',
  'account.error.passwordLength': 'Utilisez de 8 à 64 caractères.',
  'account.error.passwordBlank': 'Le mot de passe ne peut pas être fait que d’espaces.',
  'account.error.passwordSame': 'Choisissez un mot de passe différent de l’actuel.',
  'account.error.confirmMismatch': 'Les deux mots de passe ne sont pas identiques.',
  'account.error.mfaNotEnabled': 'Votre organisation n’a pas activé la double authentification.',
  'account.error.totpEnabled': 'La double authentification est déjà activée sur votre compte.',
  'account.error.totpKeyMismatch':
    'Ce serveur ne peut pas vérifier les codes d’authentification de votre compte. Utilisez un code de secours, ou demandez à un administrateur de désactiver votre double authentification.',
  'account.error.totpNotSetUp': 'La configuration a été interrompue : recommencez.',
  'account.error.noMfa': 'La double authentification n’est pas activée sur votre compte.',
  'account.error.mfaRequired':
    'Votre organisation exige la double authentification : vous ne pouvez pas la désactiver.',
  'account.error.ssoAccount':
    'Votre compte se connecte par le fournisseur d’identité de votre organisation : changez votre mot de passe chez lui.',
  'account.error.passwordChangeRequired': 'Choisissez d’abord un nouveau mot de passe.',
  'account.error.mfaEnrollmentRequired':
    'Votre organisation exige la double authentification : activez-la d’abord.',

  'action.resetPassword': 'Réinitialiser le mot de passe',
  'action.disableMfa': 'Désactiver la double authentification',
  'reset.confirmTitle': 'Réinitialiser le mot de passe de {name} ?',
  'reset.confirmText':
    'Roster crée un mot de passe temporaire, valable 24 heures, et l’envoie à {name} par e-mail. Ses sessions en cours prennent fin, et {name} devra choisir un nouveau mot de passe à sa prochaine connexion.',
  'reset.confirmTextNoMail':
    'Roster crée un mot de passe temporaire, valable 24 heures, et vous l’affiche une fois : aucun serveur de messagerie n’est configuré, c’est donc à vous de le transmettre à {name}. Ses sessions en cours prennent fin, et {name} devra choisir un nouveau mot de passe à sa prochaine connexion.',
  'reset.confirm': 'Réinitialiser',
  'reset.doneAdminTitle': 'Mot de passe de {name} réinitialisé',
  'reset.mailed':
    'Le mot de passe temporaire a été envoyé à {name} par e-mail. Il est valable 24 heures ; {name} devra en choisir un nouveau à sa prochaine connexion.',
  'reset.notMailedTitle': 'Aucun e-mail n’a été envoyé, et ce mot de passe ne sera plus affiché.',
  'reset.notMailed':
    'Aucun serveur de messagerie n’est configuré. Transmettez vous-même ce mot de passe temporaire à {name}, par un moyen sûr, avant de fermer cette fenêtre.',
  'reset.temporaryPassword': 'Mot de passe temporaire',
  'reset.copy': 'Copier',
  'reset.notMailedNext':
    'Il est valable 24 heures. {name} devra choisir un nouveau mot de passe à sa prochaine connexion.',
  'reset.noted': 'J’ai noté le mot de passe',
  'reset.ssoAccount':
    'Ce membre se connecte par le fournisseur d’identité de l’organisation : son mot de passe se réinitialise là-bas.',
  'disableMfa.confirmTitle': 'Désactiver la double authentification de {name} ?',
  'disableMfa.confirmText':
    'À faire si {name} a perdu son téléphone. Son application d’authentification et ses codes de secours ne fonctionneront plus, ses sessions en cours prendront fin, et un e-mail l’en informera.',
  'disableMfa.confirmTextNoMail':
    'À faire si {name} a perdu son téléphone. Son application d’authentification et ses codes de secours ne fonctionneront plus, et ses sessions en cours prendront fin. Aucun serveur de messagerie n’est configuré : prévenez cette personne vous-même.',
  'disableMfa.required':
    'Votre organisation exige la double authentification : {name} devra la configurer de nouveau à sa prochaine connexion.',
  'disableMfa.confirm': 'Désactiver',
  'disableMfa.doneTitle': 'Double authentification de {name} désactivée',
  'disableMfa.done':
    '{name} se connecte désormais avec son seul mot de passe, et peut réactiver la double authentification depuis Mon compte.',
  'disableMfa.doneRequired':
    'À sa prochaine connexion, {name} devra configurer de nouveau la double authentification, comme l’exige votre organisation.',
  'disableMfa.noMfa': 'Ce membre n’a pas activé la double authentification.',
  'disableMfa.orgOff': 'La double authentification n’est pas activée dans votre organisation.',
}
