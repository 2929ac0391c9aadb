// The per-member actions of the "More options" menu, in menu order. Each shows only when the
// server lists its permission in the member's `allowed`; `when` narrows it further. Adding an
// action is one line here, plus its dialog in ActionDialog.svelte when it needs one.
import type { MessageKey } from '../../lib/i18n/index.svelte'
import type { Member } from '../../lib/members'
import { session } from '../../lib/session.svelte'

export type ActionKind =
  | 'edit'
  | 'userType'
  | 'partnerAccess'
  | 'credits'
  | 'resetPassword'
  | 'disableMfa'
  | 'disable'
  | 'enable'
  | 'changeRole'
  | 'transferOwnership'
  | 'remove'

export interface RowAction {
  kind: ActionKind
  permission: string
  label: (m: Member) => MessageKey
  when?: (m: Member) => boolean
  danger?: boolean
}

export const rowActions: RowAction[] = [
  { kind: 'edit', permission: 'members.updateProfile', label: () => 'action.updateProfile' },
  { kind: 'userType', permission: 'members.changeUserType', label: () => 'action.changeUserType' },
  { kind: 'changeRole', permission: 'members.changeRole', label: () => 'action.changeRole' },
  {
    kind: 'partnerAccess',
    permission: 'members.partnerAccess',
    label: (m) => (m.partnerAccess ? 'action.partnerAccessOff' : 'action.partnerAccessOn'),
  },
  { kind: 'credits', permission: 'members.manageCredits', label: () => 'action.manageCredits' },
  {
    kind: 'resetPassword',
    permission: 'members.resetPassword',
    label: () => 'action.resetPassword',
    when: (m) => m.authSource !== 'sso',
  },
  {
    kind: 'disableMfa',
    permission: 'members.disableMfa',
    label: () => 'action.disableMfa',
    when: (m) => m.mfaEnabled,
  },
  {
    kind: 'disable',
    permission: 'members.disable',
    label: () => 'action.disable',
    when: (m) => m.status === 'active',
    danger: true,
  },
  {
    kind: 'enable',
    permission: 'members.enable',
    label: () => 'action.enable',
    when: (m) => m.status === 'disabled',
  },
  {
    kind: 'transferOwnership',
    permission: 'org.transferOwnership',
    label: () => 'action.transferOwnership',
    // The new owner is active and may own content (the server's rule: members.ownerEligible).
    when: (m) => m.status === 'active' && (session.me?.userTypes.owners.includes(m.userType) ?? false),
  },
  { kind: 'remove', permission: 'members.remove', label: () => 'action.remove', danger: true },
]

export function actionsFor(m: Member): RowAction[] {
  return rowActions.filter((a) => m.allowed.includes(a.permission) && (a.when?.(m) ?? true))
}
