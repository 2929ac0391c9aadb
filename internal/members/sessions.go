package members

import (
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/audit"
)

// EndSessions signs member id out everywhere: every token they hold stops working at once
// (their token key is rotated); they sign in again with their password. Nothing else
// changes. Access: members.endSessions (never oneself, never the owner, admins only on
// members). Errors: 404, 403 from the policy.
func EndSessions(app core.App, actor access.Actor, id string) error {
	return runOne(app, actor, id, endSessionsOp(actor))
}

func endSessionsOp(actor access.Actor) op {
	return op{
		check: func(_ core.App, t *target) error { return can(actor, access.MembersEndSessions, t) },
		apply: func(tx core.App, ts []*target) error {
			if err := revokeSessions(tx, ts); err != nil {
				return err
			}
			entries := make([]audit.Entry, len(ts))
			for i, t := range ts {
				entries[i] = entry(actor, access.MembersEndSessions, t, nil, map[string]any{"sessionsRevoked": true})
			}
			return audit.WriteMany(tx, entries)
		},
	}
}
