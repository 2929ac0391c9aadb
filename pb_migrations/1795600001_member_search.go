package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The member search index: an FTS5 trigram table over name, username and email, accent-
// and case-blind. SQL triggers keep it in step on every write path (API, CLI, dashboard,
// raw SQL). membersSearchRows maps a membership to its FTS row, so that an update or a
// delete touches one row instead of scanning the index.
const memberSearchUp = `
CREATE VIRTUAL TABLE membersSearch USING fts5(
	membership UNINDEXED, org UNINDEXED, body,
	tokenize = "trigram remove_diacritics 1"
);
CREATE TABLE membersSearchRows (membership TEXT PRIMARY KEY NOT NULL, ftsRow INTEGER NOT NULL);

CREATE TRIGGER membersSearch_insert AFTER INSERT ON memberships BEGIN
	INSERT INTO membersSearch (membership, org, body)
		SELECT NEW.id, NEW.org, trim(u.givenName || ' ' || u.familyName || ' ' || u.username || ' ' || u.email)
		FROM users u WHERE u.id = NEW.user;
	INSERT INTO membersSearchRows (membership, ftsRow) VALUES (NEW.id, last_insert_rowid());
END;

CREATE TRIGGER membersSearch_delete AFTER DELETE ON memberships BEGIN
	DELETE FROM membersSearch WHERE rowid = (SELECT ftsRow FROM membersSearchRows WHERE membership = OLD.id);
	DELETE FROM membersSearchRows WHERE membership = OLD.id;
END;

CREATE TRIGGER membersSearch_move AFTER UPDATE OF org, user ON memberships BEGIN
	UPDATE membersSearch SET
		org = NEW.org,
		body = (SELECT trim(u.givenName || ' ' || u.familyName || ' ' || u.username || ' ' || u.email) FROM users u WHERE u.id = NEW.user)
	WHERE rowid = (SELECT ftsRow FROM membersSearchRows WHERE membership = NEW.id);
END;

CREATE TRIGGER membersSearch_user AFTER UPDATE OF givenName, familyName, username, email ON users BEGIN
	UPDATE membersSearch SET body = trim(NEW.givenName || ' ' || NEW.familyName || ' ' || NEW.username || ' ' || NEW.email)
	WHERE rowid IN (SELECT r.ftsRow FROM membersSearchRows r JOIN memberships ms ON ms.id = r.membership WHERE ms.user = NEW.id);
END;
`

const memberSearchDown = `
DROP TRIGGER IF EXISTS membersSearch_user;
DROP TRIGGER IF EXISTS membersSearch_move;
DROP TRIGGER IF EXISTS membersSearch_delete;
DROP TRIGGER IF EXISTS membersSearch_insert;
DROP TABLE IF EXISTS membersSearchRows;
DROP TABLE IF EXISTS membersSearch;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(memberSearchUp).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(memberSearchDown).Execute()
		return err
	})
}
