import type { Messages } from './fr'

// English messages: typed as Messages, so a missing or extra key is a type error.
export const en: Messages = {
  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.skip': 'Skip to main content',
  'common.language': 'Language',
  'common.comingSoon': 'Coming soon',
  'common.unreachable': 'Cannot reach the Roster server. Check that it is running, then try again.',
  'common.unexpected': 'Something unexpected went wrong. Please try again.',
  'common.backToSignIn': 'Back to sign-in',
  'common.formInvalid': 'Please correct the highlighted fields.',

  'field.name': 'Name',
  'field.givenName': 'Given name',
  'field.familyName': 'Family name',
  'field.username': 'Username',
  'field.usernameHint': '3 to 32 characters: lower-case letters, digits, dot, hyphen or underscore.',
  'field.email': 'Email address',
  'field.password': 'Password',
  'field.passwordHint': '8 to 64 characters.',
  'field.role': 'Role',
  'field.userType': 'User type',

  'role.owner': 'Owner',
  'role.admin': 'Administrator',
  'role.member': 'Member',
  'userType.viewer': 'Viewer',
  'userType.contributor': 'Contributor',
  'userType.creator': 'Creator',
  'userType.professional': 'Professional',

  'setup.title': 'Set up Roster',
  'setup.lead': 'Create your organisation and its owner’s account. You can then invite users.',
  'setup.orgSection': 'Organisation',
  'setup.orgName': 'Organisation name',
  'setup.ownerSection': 'Your account (owner)',
  'setup.submit': 'Create organisation',
  'setup.submitting': 'Creating…',
  'setup.noToken':
    'This link has no setup token. Open the full link the server printed when it first started (…/setup?token=…).',
  'setup.tokenInvalid':
    'This setup link is invalid or has expired. Use the link the server printed when it started.',
  'setup.checkFailed': 'Could not check whether Roster is already set up.',
  'setup.doneTitle': 'Roster is already set up',
  'setup.doneText': 'This installation already has an organisation. Sign in to continue.',

  'signin.title': 'Sign in',
  'signin.lead': 'Sign in to manage your organisation.',
  'signin.submit': 'Sign in',
  'signin.submitting': 'Signing in…',
  'signin.invalid': 'Invalid email or password.',
  'signin.tooMany': 'Too many attempts. Try again in a few minutes.',
  'signin.forgot': 'Forgot password?',
  'signin.totpTitle': 'Two-factor code',
  'signin.totpText':
    'Your account is protected by two-factor authentication. Entering the code is coming soon to Roster.',

  'forgot.title': 'Forgot password',
  'forgot.text':
    'Resetting your password by email is coming soon. In the meantime, ask an administrator of your organisation to reset your password.',

  'notFound.title': 'Page not found',
  'notFound.text': 'There is no Roster page at {path}.',
  'notFound.home': 'Go to the home page',
  'denied.title': 'No access',
  'denied.text': 'Your role in the organisation does not give access to this page.',

  'app.loadFailed': 'Could not load your organisation.',
  'header.signOut': 'Sign out',
  'nav.label': 'Main navigation',

  'members.title': 'Members',
  'members.lead': 'Manage the members of your organisation: roles, user types and status.',
  'members.upcoming':
    'The member table will be here: search, filters, sortable columns, selection across pages and bulk actions.',
  'invitations.title': 'Invitations',
  'invitations.lead': 'Invite users and follow pending invitations.',
  'invitations.upcoming':
    'Pending invitations will be here, with resend and revoke, and the invitation link to copy or share as a QR code.',
  'reports.title': 'Reports',
  'reports.lead': 'Follow your organisation’s activity and seat usage.',
  'reports.upcoming':
    'Charts will be here: seats over time, members by role, user type and status, sign-ins and credits.',
  'audit.title': 'Audit log',
  'audit.lead': 'Every change: who made it, to what, and when.',
  'audit.upcoming':
    'The audit log will be here, filterable by actor, action, target and period, with a CSV export.',
  'billing.title': 'Billing',
  'billing.lead': 'Your organisation’s subscription, seats and invoices.',
  'billing.upcoming':
    'Your subscription will be here: plan, seats per user type, monthly amount, seat usage, invoices and payment methods.',
  'settings.title': 'Settings',
  'settings.lead': 'Your organisation’s settings.',
  'settings.upcoming':
    'Settings will be here: name and logo, default language, multifactor authentication, allowed domains, invitation lifetime and defaults for new members.',
  'account.title': 'My account',
  'account.lead': 'Your profile and the security of your account.',
  'account.upcoming':
    'Editing your account will be here: profile, password, two-factor authentication and recovery codes.',
}
