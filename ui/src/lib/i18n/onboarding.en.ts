// English messages of a new organisation's first run: typed as the French ones.
import type { onboardingFr } from './onboarding.fr'

export const onboardingEn: typeof onboardingFr = {
  'setup.usernameHint':
    'Suggested from your email address; change it if you like. You can sign in with it as with your address, and it names you in Roster. 3 to 32 characters: lower-case letters without accents, digits, dot (.), hyphen (-) or underscore (_).',

  'settings.org.slug': 'Short name',
  'settings.org.slugHint':
    'It does not change. The command line names the organisation by it, for example:',
  'settings.org.slugCopy': 'Copy the short name',

  'checklist.title': 'First steps',
  'checklist.progress': '{done} of {total} done',
  'checklist.done': '(done)',
  'checklist.dismiss': 'Hide these steps',
  'checklist.invite': 'Invite your first members',
  'checklist.inviteHint': 'Each person you invite gets a link to create their account.',
  'checklist.plan': 'Choose the plan',
  'checklist.planHint':
    'A new organisation starts on the default plan: choose the one that fits, or add a payment method to keep it.',
  'checklist.mfa': 'Turn on two-factor authentication',
  'checklist.mfaHint':
    'For your own account, in My account: an authenticator app will ask you for a code at each sign-in.',
  'checklist.mfaAllowHint':
    'First allow it for the organisation in Settings, then turn it on in My account.',
  'checklist.mfaAskHint':
    'The owner must first allow it for the organisation; then you turn it on in My account.',
}
