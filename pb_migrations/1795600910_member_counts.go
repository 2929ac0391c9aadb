package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// memberCounts keeps, per organisation, how many members have each combination of the
// list's low-cardinality filters (role, user type, status, partner access, signed in
// once or never), so that a list total is a sum over a few dozen rows instead of a
// count over the filtered members. SQL triggers on memberIndex keep it in step, so it
// follows every path that writes the index (memberships, users, raw SQL); `roster
// doctor` compares it with a count of memberIndex.
//
// The sort indexes replace memberIndex's (org, column) indexes: each holds the sort
// column, then the membership (the list's tie-breaker, so a whole ORDER BY is walked in
// index order with no sort), then the filter columns, so that a filtered page is read
// from the index alone, skipped rows included (LIMIT/OFFSET).
var memberCountsUp = `
CREATE TABLE memberCounts (
	org TEXT NOT NULL,
	role TEXT NOT NULL,
	userType TEXT NOT NULL,
	status TEXT NOT NULL,
	partnerAccess INTEGER NOT NULL,
	signedIn INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (org, role, userType, status, partnerAccess, signedIn)
) WITHOUT ROWID;

CREATE TRIGGER memberCounts_insert AFTER INSERT ON memberIndex BEGIN
	` + memberCountIn("NEW") + `
END;

CREATE TRIGGER memberCounts_delete AFTER DELETE ON memberIndex BEGIN
	` + memberCountOut("OLD") + `
END;

CREATE TRIGGER memberCounts_update AFTER UPDATE OF org, role, userType, status, partnerAccess, lastLogin ON memberIndex
WHEN OLD.org IS NOT NEW.org OR OLD.role IS NOT NEW.role OR OLD.userType IS NOT NEW.userType
	OR OLD.status IS NOT NEW.status OR OLD.partnerAccess IS NOT NEW.partnerAccess
	OR (OLD.lastLogin != '') IS NOT (NEW.lastLogin != '')
BEGIN
	` + memberCountOut("OLD") + `
	` + memberCountIn("NEW") + `
END;

INSERT INTO memberCounts (org, role, userType, status, partnerAccess, signedIn, n)
	SELECT org, role, userType, status, partnerAccess, lastLogin != '', count(*) FROM memberIndex
	GROUP BY org, role, userType, status, partnerAccess, lastLogin != '';

DROP INDEX memberIndex_name;
DROP INDEX memberIndex_username;
DROP INDEX memberIndex_email;
DROP INDEX memberIndex_added;
DROP INDEX memberIndex_lastLogin;
DROP INDEX memberIndex_credits;
` + memberSortIndexes

// The list's sort indexes, named memberIndex_by_<sort key> (see internal/members/list.go).
var memberSortIndexes = func() string {
	var b strings.Builder
	for _, s := range []struct{ key, column string }{
		{"name", "sortName"}, {"username", "username"}, {"email", "email"}, {"role", "roleRank"},
		{"userType", "typeRank"}, {"added", "added"}, {"lastLogin", "lastLogin"}, {"creditsRemaining", "credits"},
	} {
		cols := []string{"org", s.column, "membership"}
		for _, f := range []string{"userType", "status", "role", "partnerAccess", "lastLogin"} {
			if f != s.column {
				cols = append(cols, f)
			}
		}
		b.WriteString("CREATE INDEX memberIndex_by_" + s.key + " ON memberIndex (" + strings.Join(cols, ", ") + ");\n")
	}
	return b.String()
}()

// memberCountIn adds a memberIndex row (NEW or OLD in a trigger) to its counter.
func memberCountIn(row string) string {
	return strings.ReplaceAll(`INSERT INTO memberCounts (org, role, userType, status, partnerAccess, signedIn, n)
		VALUES ({row}.org, {row}.role, {row}.userType, {row}.status, {row}.partnerAccess, {row}.lastLogin != '', 1)
		ON CONFLICT (org, role, userType, status, partnerAccess, signedIn) DO UPDATE SET n = n + 1;`, "{row}", row)
}

// memberCountOut takes a memberIndex row away from its counter, dropping a counter at 0.
func memberCountOut(row string) string {
	key := strings.ReplaceAll(`org = {row}.org AND role = {row}.role AND userType = {row}.userType AND status = {row}.status
		AND partnerAccess = {row}.partnerAccess AND signedIn = ({row}.lastLogin != '')`, "{row}", row)
	return "UPDATE memberCounts SET n = n - 1 WHERE " + key + ";\n\tDELETE FROM memberCounts WHERE " + key + " AND n = 0;"
}

const memberCountsDown = `
DROP TRIGGER IF EXISTS memberCounts_update;
DROP TRIGGER IF EXISTS memberCounts_delete;
DROP TRIGGER IF EXISTS memberCounts_insert;
DROP TABLE IF EXISTS memberCounts;
DROP INDEX IF EXISTS memberIndex_by_name;
DROP INDEX IF EXISTS memberIndex_by_username;
DROP INDEX IF EXISTS memberIndex_by_email;
DROP INDEX IF EXISTS memberIndex_by_role;
DROP INDEX IF EXISTS memberIndex_by_userType;
DROP INDEX IF EXISTS memberIndex_by_added;
DROP INDEX IF EXISTS memberIndex_by_lastLogin;
DROP INDEX IF EXISTS memberIndex_by_creditsRemaining;
CREATE INDEX memberIndex_name ON memberIndex (org, sortName);
CREATE INDEX memberIndex_username ON memberIndex (org, username);
CREATE INDEX memberIndex_email ON memberIndex (org, email);
CREATE INDEX memberIndex_added ON memberIndex (org, added);
CREATE INDEX memberIndex_lastLogin ON memberIndex (org, lastLogin);
CREATE INDEX memberIndex_credits ON memberIndex (org, credits);
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(memberCountsUp).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(memberCountsDown).Execute()
		return err
	})
}
