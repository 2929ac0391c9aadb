package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The member search index splits what a member's directory entry shows from what it
// hides (docs/reliability.md §9), so that the directory's search matches only
// what its viewer may see, while the full list (members.list) still matches both in the
// same single MATCH over the same amount of text as before.
//
//   - shown: the given and family names, and the username unless the profile is private
//     (a private profile's username shows only as its name, when it has no names:
//     members.Entry);
//   - hidden: the email, and the username of a private profile that has names.
//
// The triggers now also follow users.visibility. Same rows, and the same membersSearchRows
// map and delete trigger (1795600001_member_search.go), refilled for the new rows.
var memberSearchShownUp = `
DROP TRIGGER membersSearch_user;
DROP TRIGGER membersSearch_move;
DROP TRIGGER membersSearch_insert;
DROP TABLE membersSearch;
DELETE FROM membersSearchRows;

CREATE VIRTUAL TABLE membersSearch USING fts5(
	membership UNINDEXED, org UNINDEXED, shown, hidden,
	tokenize = "trigram remove_diacritics 1"
);

CREATE TRIGGER membersSearch_insert AFTER INSERT ON memberships BEGIN
	INSERT INTO membersSearch (membership, org, shown, hidden)
		SELECT NEW.id, NEW.org, ` + searchColumns("u") + ` FROM users u WHERE u.id = NEW.user;
	INSERT INTO membersSearchRows (membership, ftsRow) VALUES (NEW.id, last_insert_rowid());
END;

CREATE TRIGGER membersSearch_move AFTER UPDATE OF org, user ON memberships BEGIN
	UPDATE membersSearch SET (org, shown, hidden) = (SELECT NEW.org, ` + searchColumns("u") + ` FROM users u WHERE u.id = NEW.user)
	WHERE rowid = (SELECT ftsRow FROM membersSearchRows WHERE membership = NEW.id);
END;

CREATE TRIGGER membersSearch_user AFTER UPDATE OF givenName, familyName, username, email, visibility ON users BEGIN
	UPDATE membersSearch SET (shown, hidden) = (SELECT ` + searchColumns("NEW") + `)
	WHERE rowid IN (SELECT r.ftsRow FROM membersSearchRows r JOIN memberships ms ON ms.id = r.membership WHERE ms.user = NEW.id);
END;

INSERT INTO membersSearch (membership, org, shown, hidden)
	SELECT ms.id, ms.org, ` + searchColumns("u") + ` FROM memberships ms JOIN users u ON u.id = ms.user;
INSERT INTO membersSearchRows (membership, ftsRow) SELECT membership, rowid FROM membersSearch;
`

// searchColumns is the shown and hidden text of the user u (a table alias, or NEW in a
// trigger on users).
func searchColumns(u string) string {
	usernameHidden := "(" + u + ".visibility = 'private' AND trim(" + u + ".givenName || " + u + ".familyName) != '')"
	return "trim(" + u + ".givenName || ' ' || " + u + ".familyName || CASE WHEN " + usernameHidden + " THEN '' ELSE ' ' || " + u + ".username END), " +
		"trim(CASE WHEN " + usernameHidden + " THEN " + u + ".username ELSE '' END || ' ' || " + u + ".email)"
}

// The index as 1795600001_member_search.go made it: one body column.
const memberSearchShownDown = memberSearchDown + memberSearchUp + `
INSERT INTO membersSearch (membership, org, body)
	SELECT ms.id, ms.org, trim(u.givenName || ' ' || u.familyName || ' ' || u.username || ' ' || u.email)
	FROM memberships ms JOIN users u ON u.id = ms.user;
INSERT INTO membersSearchRows (membership, ftsRow) SELECT membership, rowid FROM membersSearch;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(memberSearchShownUp).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(memberSearchShownDown).Execute()
		return err
	})
}
