// Package invariants holds Roster's invariant tests (docs/reliability.md §4) and no
// other code: a state-machine test (pgregory.net/rapid) that drives one organisation
// through random sequences of invitations, acceptances, revocations, status, user
// type and role changes, removals, ownership transfers, bulk actions and plan changes
// over the HTTP API and checks every answer against a plain Go model, and a concurrent
// variant that fires racing actions at one organisation. After every step (and after
// the race) billed seats, the seat ledger, the owner, the audit rows and the
// invitations must agree with the model, and `roster doctor` (internal/doctor) must
// find nothing wrong.
package invariants
