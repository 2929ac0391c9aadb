package members_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"roster/internal/members"
	"roster/internal/testapp"
)

func filterOf(t *testing.T, query string) members.Filter {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f, err := members.ParseFilter(q)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Every sort the list offers, under the filters the members page and the directory
// use, picks its page by walking that sort's index in order, from the index alone:
// no sort of the filtered members (no temp B-tree), however deep the page.
func TestListPagesWalkTheSortIndex(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	covering := []string{"", "userType=creator&status=active", "role=admin", "status=active&role=member,admin",
		"userType=viewer,contributor&status=active&role=member", "neverSignedIn=true&partnerAccess=false",
		"lastLoginBefore=2026-01-01&userType=professional", "lastLoginAfter=2025-06-01&neverSignedIn=false"}
	keys := []string{"name", "username", "email", "role", "userType", "added", "lastLogin", "creditsRemaining"}
	cases := 0
	for _, key := range keys {
		// A range on the sort column itself (lastLogin, credits) narrows the walk.
		walk := regexp.MustCompile(`^SEARCH x USING (COVERING )?INDEX memberIndex_by_` + key + ` \(org=\?( AND \w+[<>=]\?)?\)$`)
		for _, sort := range []string{key, "-" + key} {
			for _, filter := range append(covering, "creditsMin=10&status=active") {
				for _, offset := range []int{0, 2450} {
					query := strings.TrimPrefix(filter+"&sort="+sort, "&")
					plan, err := members.PagePlan(app, org.ID, filterOf(t, query), offset)
					if err != nil {
						t.Fatalf("%s: %v", query, err)
					}
					if len(plan) != 1 || !walk.MatchString(plan[0]) {
						t.Errorf("%s (offset %d): want one walk of memberIndex_by_%s, got %q", query, offset, key, plan)
					}
					// The credits are not in the sort indexes: the one filter that reads rows.
					if filter != "creditsMin=10&status=active" && len(plan) == 1 && !strings.Contains(plan[0], "COVERING") {
						t.Errorf("%s: the page reads rows, not the index alone: %q", query, plan)
					}
					cases++
					if filter == "userType=creator&status=active" && offset == 2450 {
						t.Logf("%-50s %s", query+"&page=50", plan[0])
					}
				}
			}
		}
	}
	t.Logf("%d plans checked", cases)
}

// A search, a group or a licence is a set of memberships: the page looks them up by
// primary key and sorts only them, never scanning the organisation's index.
func TestListSetsAreLookedUp(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	for _, query := range []string{"search=helene", "search=du", "search=du+helene&sort=-lastLogin",
		"search=helene&userType=creator&status=active", "group=g000000000000001", "license=l000000000000001&sort=added",
		"group=g000000000000001&search=ma&role=member", "mfa=on", "mfa=on&sort=-lastLogin&status=active"} {
		plan, err := members.PagePlan(app, org.ID, filterOf(t, query), 0)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		joined := strings.Join(plan, "\n")
		if !strings.Contains(joined, "SEARCH x USING PRIMARY KEY (membership=?)") || strings.Contains(joined, "SCAN x") {
			t.Errorf("%s: want primary-key lookups of the set, got\n%s", query, joined)
		}
		t.Logf("%s:\n  %s", query, strings.Join(plan, "\n  "))
	}
}

// The members without two-factor sign-in are a walk of the sort index, from the index
// alone, each row checked against the few accounts that have it (their partial index).
func TestListWithoutMFAWalksTheSortIndex(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	for _, query := range []string{"mfa=off", "mfa=off&sort=-lastLogin&userType=creator", "mfa=off&role=admin&sort=added"} {
		plan, err := members.PagePlan(app, org.ID, filterOf(t, query), 2450)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		joined := strings.Join(plan, "\n")
		if !strings.HasPrefix(plan[0], "SEARCH x USING COVERING INDEX memberIndex_by_") || !strings.Contains(joined, "SCAN u USING COVERING INDEX idx_users_totpEnabled") ||
			strings.Contains(joined, "TEMP B-TREE") {
			t.Errorf("%s: want a covering walk checked against idx_users_totpEnabled, got\n%s", query, joined)
		}
	}
}

// The total is a sum over the counters when they hold it, else a count through an
// index: the filter columns' index, or the primary key for a set.
func TestListTotalPlans(t *testing.T) {
	app := testapp.New(t)
	org := testapp.CreateOrg(t, app, "Acme", "")
	for query, want := range map[string]string{
		"":                               "SEARCH c USING PRIMARY KEY (org=?)",
		"userType=creator&status=active": "SEARCH c USING PRIMARY KEY (org=?)",
		"role=admin&neverSignedIn=true":  "SEARCH c USING PRIMARY KEY (org=? AND role=?)",
		"lastLoginBefore=2026-01-01":     "SEARCH x USING COVERING INDEX memberIndex_filters (org=?)",
		"creditsMax=5&userType=creator":  "SEARCH x USING COVERING INDEX memberIndex_filters (org=? AND userType=?)",
		"search=helene":                  "SEARCH x USING PRIMARY KEY (membership=?)",
	} {
		plan, err := members.CountPlan(app, org.ID, filterOf(t, query))
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if plan[0] != want {
			t.Errorf("%q: want %q first, got %q", query, want, plan)
		}
	}
}
