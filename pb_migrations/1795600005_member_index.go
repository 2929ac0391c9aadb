package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"roster/internal/access"
	_ "roster/internal/fold" // roster_fold(), used by the triggers below
)

// memberIndex is the member list's read model: one narrow row per membership with the
// user's sortable fields copied in, so that filtering, sorting and counting at 100 000
// members read one table through its indexes. SQL triggers keep it in step on every
// write path; PocketBase does not know the table and never rewrites it.
var memberIndexUp = `
CREATE TABLE memberIndex (
	membership TEXT PRIMARY KEY NOT NULL,
	org TEXT NOT NULL,
	user TEXT NOT NULL,
	sortName TEXT NOT NULL,
	givenName TEXT NOT NULL,
	username TEXT NOT NULL,
	email TEXT NOT NULL,
	role TEXT NOT NULL,
	roleRank INTEGER NOT NULL,
	userType TEXT NOT NULL,
	typeRank INTEGER NOT NULL,
	status TEXT NOT NULL,
	added TEXT NOT NULL,
	lastLogin TEXT NOT NULL,
	credits REAL NOT NULL,
	partnerAccess INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX memberIndex_user ON memberIndex (user);
CREATE INDEX memberIndex_name ON memberIndex (org, sortName);
CREATE INDEX memberIndex_givenName ON memberIndex (org, givenName);
CREATE INDEX memberIndex_username ON memberIndex (org, username);
CREATE INDEX memberIndex_email ON memberIndex (org, email);
CREATE INDEX memberIndex_added ON memberIndex (org, added);
CREATE INDEX memberIndex_lastLogin ON memberIndex (org, lastLogin);
CREATE INDEX memberIndex_credits ON memberIndex (org, credits);
-- Counting under any combination of filters reads this index alone.
CREATE INDEX memberIndex_filters ON memberIndex (org, userType, status, role, partnerAccess, lastLogin, credits);

CREATE TRIGGER memberIndex_insert AFTER INSERT ON memberships BEGIN
	INSERT INTO memberIndex ` + memberIndexRow + ` WHERE ms.id = NEW.id;
END;

CREATE TRIGGER memberIndex_update AFTER UPDATE ON memberships BEGIN
	DELETE FROM memberIndex WHERE membership = OLD.id;
	INSERT INTO memberIndex ` + memberIndexRow + ` WHERE ms.id = NEW.id;
END;

CREATE TRIGGER memberIndex_delete AFTER DELETE ON memberships BEGIN
	DELETE FROM memberIndex WHERE membership = OLD.id;
END;

CREATE TRIGGER memberIndex_user AFTER UPDATE OF givenName, familyName, username, email, lastLogin ON users BEGIN
	UPDATE memberIndex SET
		sortName = roster_fold(trim(NEW.familyName || ' ' || NEW.givenName)), givenName = roster_fold(NEW.givenName),
		username = lower(NEW.username), email = lower(NEW.email), lastLogin = NEW.lastLogin
	WHERE user = NEW.id;
END;

INSERT INTO memberIndex ` + memberIndexRow + `;
`

// memberIndexRow selects index rows from memberships ms joined with users u; the ranks
// are the policy's (access.RankSQL).
var memberIndexRow = `(membership, org, user, sortName, givenName, username, email, role, roleRank, userType, typeRank,
		status, added, lastLogin, credits, partnerAccess)
	SELECT ms.id, ms.org, ms.user, roster_fold(trim(u.familyName || ' ' || u.givenName)), roster_fold(u.givenName), lower(u.username), lower(u.email),
		ms.role, ` + access.RankSQL("ms.role", access.Roles) + `,
		ms.userType, ` + access.RankSQL("ms.userType", access.UserTypes) + `,
		ms.status, ms.added, u.lastLogin,
		CASE WHEN ms.creditsLimited THEN ms.creditsAllocated - ms.creditsUsed ELSE 1e18 END,
		ms.partnerAccess
	FROM memberships ms JOIN users u ON u.id = ms.user`

const memberIndexDown = `
DROP TRIGGER IF EXISTS memberIndex_user;
DROP TRIGGER IF EXISTS memberIndex_delete;
DROP TRIGGER IF EXISTS memberIndex_update;
DROP TRIGGER IF EXISTS memberIndex_insert;
DROP TABLE IF EXISTS memberIndex;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(memberIndexUp).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(memberIndexDown).Execute()
		return err
	})
}
