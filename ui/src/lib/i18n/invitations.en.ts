import type { invitationsFr } from './invitations.fr'

// English messages of the invitations: typed as the French ones, so a missing or extra key
// is a type error.
export const invitationsEn: typeof invitationsFr = {
  // The invite dialog.
  'invitations.dialogTitle': 'Invite members',
  'invitations.dialogLead':
    'Each person you invite gets a link to create their account and join the organisation. A pending invitation holds a seat of your subscription.',
  'invitations.emails': 'Email addresses',
  'invitations.emailsHint':
    'Separate addresses with commas or line breaks, 100 at most. A name before an address fills in the person’s join form. For example: claire.martin@example.org, Paul Durand <paul.durand@example.org>',
  'invitations.csv': 'Or upload a CSV file',
  'invitations.csvHint':
    'A header row, then one person per row (100 at most). Columns: email (required); role, userType, givenName and familyName (optional, in any order).',
  'invitations.csvHelp': 'Columns and template file',
  'invitations.csvColumns':
    'A role (member, admin) or a user type (viewer, contributor, creator, professional) given on a row overrides the one chosen below. Given and family names fill in the person’s join form, and greet them in the invitation email when one is sent. Separator: comma or semicolon; encoding UTF-8.',
  'invitations.csvTemplate': 'Template',
  'invitations.csvDownload': 'Download the template (CSV)',
  'invitations.csvRemove': 'Remove the file',
  'invitations.roleHint':
    'An administrator can invite and manage members, and is a Creator or a Professional.',
  'invitations.roleOwnerOnly': 'Only the owner can invite administrators.',
  'invitations.userTypeDefault': 'The organisation’s default',
  'invitations.creditsHint': 'Applies only if credit budgeting is on for your organisation.',
  'invitations.partnerDefault': 'The organisation’s default',
  'invitations.partnerOn': 'On',
  'invitations.partnerOff': 'Off',
  'invitations.partnerHint':
    'Lets the member use the provider’s online resources (training, support, forums).',
  'invitations.message': 'Personal message (optional)',
  'invitations.messageHint': 'Added to the invitation email; 1000 characters at most.',
  'invitations.options': 'Role and access',
  'invitations.check': 'Check',
  'invitations.checking': 'Checking…',
  'invitations.send': 'Send invitations',
  'invitations.sending': 'Sending…',
  'invitations.create': 'Create invitations',
  'invitations.creating': 'Creating…',
  'invitations.noMail':
    'No mail server is configured: Roster sends no email. Once the invitations are created, copy each link (or show its QR code) and share it yourself.',
  'invitations.sendValid.one': 'Invite the valid address',
  'invitations.sendValid.other': 'Invite the {n} valid addresses',
  'invitations.checkLead': 'Check verifies each address and creates nothing.',
  'invitations.resultsLabel': 'Check of each address',
  'invitations.rowOk': 'Can be invited',
  'invitations.okCount.one': '{n} address can be invited.',
  'invitations.okCount.other': '{n} addresses can be invited.',
  'invitations.badCount.one': '{n} address cannot be invited.',
  'invitations.badCount.other': '{n} addresses cannot be invited.',
  'invitations.nothingSent':
    'No invitation was created: correct or remove the refused addresses, or invite only the valid ones.',
  'invitations.checkedNothingSent': 'Nothing has been created yet.',
  'invitations.seatLimitTitle': 'Your subscription does not have enough free seats.',
  'invitations.seats.taken': '{taken} of {max} seats taken: {members} and {pending}.',
  'invitations.seats.members.one': '{n} member',
  'invitations.seats.members.other': '{n} members',
  'invitations.seats.pending.one': '{n} pending invitation',
  'invitations.seats.pending.other': '{n} pending invitations',
  'invitations.seats.free': '{free} for {requested}.',
  'invitations.seats.freeCount.one': '{n} free seat',
  'invitations.seats.freeCount.other': '{n} free seats',
  'invitations.seats.requested.one': '{n} address to invite',
  'invitations.seats.requested.other': '{n} addresses to invite',
  'invitations.seatLimitHelp':
    'Revoke pending invitations, remove members or move to a larger plan (Billing).',

  'invitations.reason.invalid_email': 'This is not a valid email address.',
  'invitations.reason.invalid_name': 'A given or family name is at most 100 characters.',
  'invitations.reason.duplicate': 'This address appears more than once in the list.',
  'invitations.reason.invalid_role': 'Unknown role: use member or admin.',
  'invitations.reason.invalid_user_type':
    'Unknown user type: use viewer, contributor, creator or professional.',
  'invitations.reason.role_incompatible_type':
    'This user type allows only the Member role: an administrator is a Creator or a Professional.',
  'invitations.reason.domain_not_allowed':
    'This address is not in a domain the organisation allows.',
  'invitations.reason.already_member': 'This address is already a member of the organisation.',
  'invitations.reason.other_org': 'This address already has an account in another organisation.',
  'invitations.reason.already_invited':
    'This address already has a pending invitation: resend it from the Invitations page.',
  'invitations.reason.seat_limit': 'No free seat left in the subscription for this address.',

  'invitations.error.emailsRequired': 'Enter at least one email address, or choose a CSV file.',
  'invitations.error.tooMany': 'Invite at most 100 addresses at once.',
  'invitations.error.fileUnreadable': 'The file could not be read.',
  'invitations.error.fileTooLarge': 'The file is larger than 1 MB.',
  'invitations.error.fileNotUtf8': 'The file is not UTF-8 text: save it as “CSV UTF-8”.',
  'invitations.error.fileEmpty': 'The file has no address under its header row.',
  'invitations.error.fileInvalid': 'The file is not valid CSV.',
  'invitations.error.fileNoEmail': 'The first row must name the columns, one of them “email”.',
  'invitations.error.messageTooLong': 'The message is at most 1000 characters.',
  'invitations.error.credits': 'Enter a positive number, or choose No limit.',
  'invitations.error.rank': 'Only the owner can invite administrators.',
  'invitations.error.rankResend':
    'Only the owner can resend or revoke an administrator’s invitation.',
  'invitations.error.tooManyRequests': 'Too many requests. Try again in a few minutes.',
  'invitations.error.notPending':
    'This invitation is no longer pending: it was accepted or revoked.',
  'invitations.error.gone': 'This invitation no longer exists.',

  // After sending.
  'invitations.created.one': '{n} invitation created',
  'invitations.created.other': '{n} invitations created',
  'invitations.mailed':
    'An invitation email was sent to each address, with the link to join the organisation.',
  'invitations.notMailed':
    'No mail server is configured: no email was sent. Hand each person their invitation link, by copying it or with the QR code.',
  'invitations.onceWarning':
    'These links are shown only once, now: copy them before closing. Later, Resend makes a new link (and the old one stops working).',
  'invitations.showLinks': 'Show the invitation links',
  'invitations.skipped': 'Not invited',
  'invitations.inviteMore': 'Invite more members',

  // A join link.
  'invitations.link.label': 'Invitation link for {email}',
  'invitations.link.copy': 'Copy link',
  'invitations.link.copied': 'Link copied to the clipboard.',
  'invitations.link.copyFailed': 'Could not copy: select the link and copy it.',
  'invitations.link.showQr': 'Show QR code',
  'invitations.link.hideQr': 'Hide QR code',
  'invitations.link.qrAlt': 'QR code of the invitation link for {email}',
  'invitations.link.qrHint': 'Scan it with a phone’s camera.',

  // The Invitations page.
  'invitations.searchLabel': 'Search invitations',
  'invitations.searchPlaceholder': 'Email address',
  'invitations.statusFilter': 'Status',
  'invitations.filter.all': 'All statuses',
  'invitations.filter.pending': 'Pending',
  'invitations.filter.accepted': 'Accepted',
  'invitations.filter.revoked': 'Revoked',
  'invitations.filter.expired': 'Expired',
  'invitations.status.pending': 'Pending',
  'invitations.status.accepted': 'Accepted',
  'invitations.status.revoked': 'Revoked',
  'invitations.status.expired': 'Expired',
  'invitations.count.one': '{n} invitation',
  'invitations.count.other': '{n} invitations',
  'invitations.tableCaption': 'The organisation’s invitations',
  'invitations.col.expires': 'Expires',
  'invitations.col.invitedBy': 'Invited by',
  'invitations.col.sent': 'Sent',
  'invitations.acceptedOn': 'Accepted {when}',
  'invitations.sentCount.one': '{n} time',
  'invitations.sentCount.other': '{n} times',
  'invitations.lastSent': 'last sent {when}',
  'invitations.resend': 'Resend',
  'invitations.revoke': 'Revoke',
  'invitations.resendFor': 'Resend the invitation for {email}',
  'invitations.revokeFor': 'Revoke the invitation for {email}',
  'invitations.emptyPending': 'No pending invitation.',
  'invitations.emptyPendingHelp':
    'Invite members with the “Invite members” button: each person gets a link to create their account.',
  'invitations.emptyFiltered': 'No invitation matches this search.',
  'invitations.revokeTitle': 'Revoke the invitation for {email}?',
  'invitations.revokeText':
    'The invitation link stops working at once and the seat it held is free again. You can invite this address again later.',
  'invitations.revokeConfirm': 'Revoke invitation',
  'invitations.revoked': 'Invitation revoked: {email}.',
  'invitations.resendTitle': 'Resend the invitation for {email}?',
  'invitations.resendText':
    'A new link is made and emailed. The old link stops working and the invitation is valid again for its full duration.',
  'invitations.resendConfirm': 'Resend invitation',
  'invitations.resentTitle': 'Invitation resent to {email}',
  'invitations.resentText':
    'Here is the new invitation link. It is shown only once: copy it or have the QR code scanned before closing. The old link no longer works.',
  'invitations.resent': 'Invitation resent: {email}.',
  'invitations.renew': 'New link',
  'invitations.renewFor': 'Make a new link for {email}',
  'invitations.renewTitle': 'Make a new invitation link for {email}?',
  'invitations.renewText':
    'No mail server is configured: nothing is emailed. A new link is made for you to share yourself; the old link stops working and the invitation is valid again for its full duration.',
  'invitations.renewConfirm': 'Make a new link',
  'invitations.renewedTitle': 'New invitation link for {email}',
  'invitations.renewed': 'New link made: {email}.',

  // The join page.
  'join.pageTitle': 'Join an organisation',
  'join.title': 'Join {org}',
  'join.lead': '{inviter} invites you to join {org} on Roster.',
  'join.details': 'Your invitation',
  'join.org': 'Organisation',
  'join.inviter': 'Invited by',
  'join.expires': 'Valid until',
  'join.steps': 'Steps',
  'join.step.verify': 'Check the invitation',
  'join.step.account': 'Create your account',
  'join.step.secure': 'Secure your account',
  'join.step.secureHint': 'if the organisation requires two-factor authentication',
  'join.step.done': 'Done',
  'join.stepDone': '(done)',
  'join.accountSection': 'Your account',
  'join.emailHint': 'The address you were invited at: you will sign in with it.',
  'join.username': 'Username (optional)',
  'join.usernameHint':
    'Leave it empty to have one made from your address. 3 to 32 characters: lower-case letters, digits, dot, hyphen or underscore.',
  'join.password': 'Choose a password',
  'join.showPassword': 'Show password',
  'join.language': 'Language of Roster and your emails',
  'join.sso': 'Continue with {name}',
  'join.ssoOr': 'or create a password',
  'join.error.ssoOtherAddress':
    'Your organisation signed you in with another address than {email}, the invited one: sign in with that address, or ask for an invitation to yours.',
  'join.submit': 'Create my account and join',
  'join.submitting': 'Creating your account…',
  'join.signedInAs':
    'This browser is signed in as {email}. Joining signs you in with your new account instead.',
  'join.invalidTitle': 'This invitation link is no longer valid',
  'join.invalidLead': 'There are several possible reasons:',
  'join.invalidExpired': 'the invitation has expired;',
  'join.invalidRevoked': 'an administrator revoked it;',
  'join.invalidUsed': 'it has already been used to create an account: a link works only once;',
  'join.invalidResent': 'it was resent: only the newest link works;',
  'join.invalidIncomplete': 'only part of the link was copied.',
  'join.invalidAsk': 'Ask your organisation’s administrator to send you a new invitation.',
  'join.haveAccount': 'Already have an account?',
  'join.loadFailed': 'Could not check the invitation.',
  'join.error.username':
    'A username is 3 to 32 characters: lower-case letters, digits, dot, hyphen or underscore.',
  'join.error.usernameTaken': 'This username is taken: choose another.',
  'join.error.password': 'The password must be 8 to 64 characters.',
  'join.error.seatLimit':
    'The organisation has no free seat left: ask its administrators to free one, then use this link again.',
  'join.error.emailTaken': 'This address already has an account: sign in instead.',
  'join.error.ssoNotEnabled': 'This organisation does not use enterprise sign-in: create your account with a password below.',
  'join.error.poolExceeded':
    'The organisation’s credit pool cannot cover the credits of this invitation: ask its administrators to raise it, then use this link again.',
  'join.error.tooMany': 'Too many attempts. Try again in a few minutes.',
  'join.doneTitle': 'Welcome to {org}!',
  'join.doneText': 'Your account is ready. Opening Roster…',
}
