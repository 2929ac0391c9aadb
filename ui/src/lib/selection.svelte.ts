// The members picked in the list. It outlives paging, searching, filtering and a visit to a
// profile (it lives here, not in the page), and belongs to the user who made it.
import { SvelteMap } from 'svelte/reactivity'
import type { Member } from './members'

// Picked is what the selection keeps of a member: enough to list and review it.
export type Picked = Pick<Member, 'id' | 'name' | 'username' | 'email' | 'avatar' | 'status' | 'userType'>

export function pick(m: Member): Picked {
  const { id, name, username, email, avatar, status, userType } = m
  return { id, name, username, email, avatar, status, userType }
}

export const selection = new SvelteMap<string, Picked>()
let owner = ''

// claimSelection empties the selection when another user signs in on this browser.
export function claimSelection(userId: string): void {
  if (owner !== userId) selection.clear()
  owner = userId
}

// The last address of the list, for the profile page's way back.
let listAddress = $state('/members')

export const memberList = {
  get address(): string {
    return listAddress
  },
  set address(value: string) {
    listAddress = value
  },
}
