// English messages of account security: the same keys as account.fr.ts.
import type { accountFr } from './account.fr'

export const accountEn: Record<keyof typeof accountFr, string> = {
  'signin.totpLead': 'Enter the 6-digit code shown by your authenticator app.',
  'signin.codeLabel': 'Verification code',
  'signin.recoveryLead': 'Enter one of your recovery codes. Each one works once.',
  'signin.recoveryLabel': 'Recovery code',
  'signin.recoveryHint': 'It looks like xxxx-xxxx-xxxx.',
  'signin.verify': 'Verify',
  'signin.verifying': 'Verifying…',
  'signin.useRecovery': 'Use a recovery code',
  'signin.useApp': 'Use the code from the app',
  'signin.attemptsLeft.one': '{n} more try before you must sign in again.',
  'signin.attemptsLeft.other': '{n} more tries before you must sign in again.',
  'signin.tooManyCodes': 'Too many wrong codes. Sign in again with your password.',
  'signin.expired': 'The verification expired. Sign in again with your password.',
  'signin.error.disabled':
    'This account is disabled. Contact an administrator of your organisation.',
  'signin.error.noOrganization': 'This account belongs to no organisation.',
  'signin.error.temporaryExpired':
    'Your temporary password has expired. Ask an administrator of your organisation for a new one.',

  'forgot.submit': 'Send the link',
  'forgot.sending': 'Sending…',
  'forgot.sentTitle': 'Check your email',
  'forgot.sent':
    'If a Roster account uses {email}, a link to choose a new password has just been sent there. It works for 30 minutes.',
  'forgot.sentHelp':
    'Nothing after a few minutes? Look in your spam folder, or ask an administrator of your organisation to reset your password.',

  'reset.title': 'Choose a new password',
  'reset.lead': 'Choose the new password of your Roster account.',
  'reset.submit': 'Save the password',
  'reset.doneTitle': 'Password changed',
  'reset.doneText': 'Your new password is saved. Sign in with it.',
  'reset.brokenTitle': 'Link not valid',
  'reset.invalid': 'This reset link is not valid or was already used. Ask for a new one.',
  'reset.expired': 'This reset link has expired (it works for 30 minutes). Ask for a new one.',
  'reset.again': 'Ask for a new link',

  'restricted.signedInAs': 'Signed in as {email}',
  'restricted.passwordTitle': 'Choose a new password',
  'restricted.passwordText':
    'An administrator reset your password. Enter the temporary password you were given, then choose a new one to continue.',
  'restricted.passwordSubmit': 'Save and continue',
  'restricted.mfaTitle': 'Your organisation requires two-factor authentication',
  'restricted.mfaText':
    'Before you continue, protect your account with an authenticator app on your phone: it gives you a code to enter each time you sign in.',
  'restricted.continue': 'I saved my codes, continue',

  'account.profile.title': 'Profile',
  'account.profile.edit': 'Edit my profile',
  'account.profile.org': 'Organisation',
  'account.password.title': 'Password',
  'account.password.lead':
    'Changing your password signs you out everywhere else: sign in again on your other devices.',
  'account.password.current': 'Current password',
  'account.password.temporary': 'Temporary password',
  'account.password.new': 'New password',
  'account.password.confirm': 'Confirm the new password',
  'account.password.submit': 'Change password',
  'account.password.changed': 'Your password was changed. Your other sessions were signed out.',
  'account.copied': 'Copied.',
  'account.copyFailed': 'Copying failed: select the text and copy it.',

  'account.totp.title': 'Two-factor authentication',
  'account.totp.lead':
    'Each time you sign in, besides your password, a 6-digit code from an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP, 1Password…).',
  'account.totp.on': 'On',
  'account.totp.off': 'Off',
  'account.totp.start': 'Turn on two-factor authentication',
  'account.totp.orgOff':
    'Your organisation has not enabled two-factor authentication. Ask its owner to turn it on.',
  'account.totp.requiredOff':
    'Your organisation requires two-factor authentication: turn it on now.',
  'account.totp.requiredCannotDisable':
    'Your organisation requires two-factor authentication: you cannot turn it off. If you change phones, ask an administrator to reset it, then set it up again.',
  'account.totp.step1': 'Add your account to the app',
  'account.totp.step1Text': 'Scan this QR code with the authenticator app on your phone.',
  'account.totp.qrAlt':
    'QR code to scan with your authenticator app; the same key is written beside it.',
  'account.totp.manual': 'Cannot scan? Enter this key in the app:',
  'account.totp.manualHint': 'Type: time-based (TOTP), 6 digits, every 30 seconds.',
  'account.totp.copySecret': 'Copy the key',
  'account.totp.step2': 'Enter the code the app shows',
  'account.totp.codeLabel': '6-digit code',
  'account.totp.codeHint': 'The code changes every 30 seconds.',
  'account.totp.enable': 'Turn on',
  'account.totp.enabling': 'Turning on…',
  'account.totp.enabled': 'Two-factor authentication is on: your next sign-ins will ask for a code.',
  'account.totp.disabled': 'Two-factor authentication is off.',
  'account.totp.regenerate': 'Regenerate recovery codes',
  'account.totp.regenerateTitle': 'Regenerate recovery codes',
  'account.totp.regenerateText':
    'New codes replace the old ones, which will stop working. Enter a code from your app to confirm.',
  'account.totp.regenerateConfirm': 'Regenerate',
  'account.totp.disable': 'Turn off',
  'account.totp.disableTitle': 'Turn off two-factor authentication',
  'account.totp.disableText':
    'Your account will be protected by its password alone, and your recovery codes will stop working. Confirm with a code from your app or with one of your recovery codes: your password alone is not enough.',
  'account.totp.proof': 'Confirm with',
  'account.totp.proofCode': 'A code from the app',
  'account.totp.proofRecovery': 'A recovery code',
  'account.totp.disableConfirm': 'Turn off',

  'account.codes.title': 'Your recovery codes',
  'account.codes.warningTitle': 'Save these codes now: they will not be shown again.',
  'account.codes.warning':
    'If you lose your phone, each code signs you in once instead of the app’s code. Keep them somewhere safe (a password manager, a printed sheet), not on the phone.',
  'account.codes.listLabel': 'Recovery codes',
  'account.codes.download': 'Download (.txt)',
  'account.codes.print': 'Print',
  'account.codes.copy': 'Copy',
  'account.codes.done': 'I saved my codes',
  'account.codes.fileTitle': 'Roster recovery codes',
  'account.codes.fileNote': 'Each code signs you in once, instead of the code from your authenticator app.',

  'account.error.codeRequired': 'Enter the 6-digit code from your app.',
  'account.error.codeInvalid':
    'This code is not valid. Check that your phone’s clock is right and enter the code shown now.',
  'account.error.codeUsed': 'This code was just used. Wait for the next one (30 seconds at most).',
  'account.error.recoveryInvalid': 'This recovery code is not valid or was already used.',
  'account.error.passwordWrong': 'Wrong password.',
  'account.error.oldPasswordWrong': 'This password is not correct.',
  'account.error.passwordShort': 'Use at least 8 characters.',
  'account.error.passwordLong':
    'Use at most 64 characters (fewer with many accented or special characters).',
  'account.error.passwordLength': 'Use 8 to 64 characters.',
  'account.error.passwordBlank': 'The password cannot be only spaces.',
  'account.error.passwordSame': 'Choose a password different from the current one.',
  'account.error.confirmMismatch': 'The two passwords do not match.',
  'account.error.mfaNotEnabled': 'Your organisation has not enabled two-factor authentication.',
  'account.error.totpEnabled': 'Two-factor authentication is already on for your account.',
  'account.error.totpKeyMismatch':
    'This server cannot check authenticator codes for your account. Use a recovery code, or ask an administrator to turn off your two-factor authentication.',
  'account.error.totpNotSetUp': 'The setup was interrupted: start again.',
  'account.error.noMfa': 'Two-factor authentication is not on for your account.',
  'account.error.mfaRequired':
    'Your organisation requires two-factor authentication: you cannot turn it off.',
  'account.error.ssoAccount':
    'Your account signs in through your organisation’s identity provider: change your password there.',
  'account.error.passwordChangeRequired': 'Choose a new password first.',
  'account.error.mfaEnrollmentRequired':
    'Your organisation requires two-factor authentication: turn it on first.',

  'action.resetPassword': 'Reset password',
  'action.disableMfa': 'Disable two-factor authentication',
  'reset.confirmTitle': 'Reset {name}’s password?',
  'reset.confirmText':
    'Roster creates a temporary password, valid for 24 hours, and emails it to {name}. Their current sessions end, and {name} must choose a new password at the next sign-in.',
  'reset.confirmTextNoMail':
    'Roster creates a temporary password, valid for 24 hours, and shows it to you once: no mail server is configured, so you give it to {name} yourself. Their current sessions end, and {name} must choose a new password at the next sign-in.',
  'reset.confirm': 'Reset',
  'reset.doneAdminTitle': '{name}’s password was reset',
  'reset.mailed':
    'The temporary password was emailed to {name}. It is valid for 24 hours; {name} must choose a new one at the next sign-in.',
  'reset.notMailedTitle': 'No email was sent, and this password will not be shown again.',
  'reset.notMailed':
    'No mail server is configured. Give this temporary password to {name} yourself, by a safe means, before you close this window.',
  'reset.temporaryPassword': 'Temporary password',
  'reset.copy': 'Copy',
  'reset.notMailedNext':
    'It is valid for 24 hours. {name} must choose a new password at the next sign-in.',
  'reset.noted': 'I noted the password',
  'reset.ssoAccount':
    'This member signs in through the organisation’s identity provider: reset the password there.',
  'disableMfa.confirmTitle': 'Disable {name}’s two-factor authentication?',
  'disableMfa.confirmText':
    'Do this when {name} has lost their phone. Their authenticator app and recovery codes will stop working, their current sessions will end, and an email will tell them.',
  'disableMfa.confirmTextNoMail':
    'Do this when {name} has lost their phone. Their authenticator app and recovery codes will stop working and their current sessions will end. No mail server is configured: tell them yourself.',
  'disableMfa.required':
    'Your organisation requires two-factor authentication: {name} must set it up again at the next sign-in.',
  'disableMfa.confirm': 'Disable',
  'disableMfa.doneTitle': '{name}’s two-factor authentication is disabled',
  'disableMfa.done':
    '{name} now signs in with a password alone, and can turn two-factor authentication on again from My account.',
  'disableMfa.doneRequired':
    'At the next sign-in, {name} must set up two-factor authentication again, as your organisation requires.',
  'disableMfa.noMfa': 'This member has not set up two-factor authentication.',
  'disableMfa.orgOff': 'Two-factor authentication is not enabled in your organisation.',
}
