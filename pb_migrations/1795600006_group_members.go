package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// groupMembers maps memberships to the groups they belong to. PocketBase keeps a
// group's members as a JSON list; this table, kept in step by SQL triggers on every
// write path, answers "which groups is this member in" through an index.
const groupMembersUp = `
CREATE TABLE groupMembers (
	membership TEXT NOT NULL,
	grp TEXT NOT NULL,
	PRIMARY KEY (membership, grp)
) WITHOUT ROWID;
CREATE INDEX groupMembers_group ON groupMembers (grp);

CREATE TRIGGER groupMembers_insert AFTER INSERT ON groups BEGIN
	INSERT OR IGNORE INTO groupMembers (membership, grp)
		SELECT j.value, NEW.id FROM json_each(CASE WHEN json_valid(NEW.members) THEN NEW.members ELSE '[]' END) j;
END;

CREATE TRIGGER groupMembers_update AFTER UPDATE OF members ON groups BEGIN
	DELETE FROM groupMembers WHERE grp = OLD.id;
	INSERT OR IGNORE INTO groupMembers (membership, grp)
		SELECT j.value, NEW.id FROM json_each(CASE WHEN json_valid(NEW.members) THEN NEW.members ELSE '[]' END) j;
END;

CREATE TRIGGER groupMembers_delete AFTER DELETE ON groups BEGIN
	DELETE FROM groupMembers WHERE grp = OLD.id;
END;

INSERT OR IGNORE INTO groupMembers (membership, grp)
	SELECT j.value, g.id FROM groups g, json_each(CASE WHEN json_valid(g.members) THEN g.members ELSE '[]' END) j;
`

const groupMembersDown = `
DROP TRIGGER IF EXISTS groupMembers_delete;
DROP TRIGGER IF EXISTS groupMembers_update;
DROP TRIGGER IF EXISTS groupMembers_insert;
DROP TABLE IF EXISTS groupMembers;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(groupMembersUp).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(groupMembersDown).Execute()
		return err
	})
}
