package content_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/content"
	"roster/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func mustSave(t *testing.T, app core.App, collection string, data map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(data)
	if err := app.Save(r); err != nil {
		t.Fatalf("%s: %v", collection, err)
	}
	return r
}

// estate is a member who owns two items and a group, belongs to a colleague's group,
// and holds two licences; and the same member's neighbour in another organisation.
type estate struct {
	app                       core.App
	org, other                *testapp.Org
	leaving, colleague        *testapp.Member
	items                     []*core.Record
	owned, joined             *core.Record
	licences                  []*core.Record
	sharedWithOwned, outsider *core.Record
}

func newEstate(t *testing.T) *estate {
	app := testapp.New(t)
	e := &estate{app: app}
	e.org = testapp.CreateOrg(t, app, "Acme", "")
	e.other = testapp.CreateOrg(t, app, "Other", "")
	e.leaving = testapp.AddMember(t, app, e.org, access.RoleMember, access.Creator)
	e.colleague = testapp.AddMember(t, app, e.org, access.RoleMember, access.Professional)
	for _, title := range []string{"Zèbre", "Abeille"} {
		e.items = append(e.items, mustSave(t, app, "items", map[string]any{"org": e.org.ID, "owner": e.leaving.ID(),
			"kind": "map", "title": title, "sharing": "private"}))
	}
	e.owned = mustSave(t, app, "groups", map[string]any{"org": e.org.ID, "owner": e.leaving.ID(), "title": "Mine",
		"members": []string{e.leaving.ID(), e.org.Owner.ID()}})
	e.joined = mustSave(t, app, "groups", map[string]any{"org": e.org.ID, "owner": e.colleague.ID(), "title": "Theirs",
		"members": []string{e.colleague.ID(), e.leaving.ID()}})
	e.sharedWithOwned = mustSave(t, app, "items", map[string]any{"org": e.org.ID, "owner": e.colleague.ID(),
		"kind": "app", "title": "Shared", "sharing": "groups", "groups": []string{e.owned.Id}})
	for _, code := range []string{"workforce", "insights"} {
		l := mustSave(t, app, "licenses", map[string]any{"org": e.org.ID, "code": code, "name": code,
			"compatibleTypes": []string{"creator"}, "seats": 0})
		mustSave(t, app, "licenseAssignments", map[string]any{"license": l.Id, "membership": e.leaving.ID(), "assignedAt": time.Now()})
		e.licences = append(e.licences, l)
	}
	neighbour := testapp.AddMember(t, app, e.other, access.RoleMember, access.Creator)
	e.outsider = mustSave(t, app, "items", map[string]any{"org": e.other.ID, "owner": neighbour.ID(),
		"kind": "map", "title": "Elsewhere", "sharing": "org"})
	return e
}

func (e *estate) reload(t *testing.T, r *core.Record) *core.Record {
	t.Helper()
	fresh, err := e.app.FindRecordById(r.Collection().Name, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

func TestHoldingsListWhatAMemberHoldsSortedByTitle(t *testing.T) {
	e := newEstate(t)
	h, err := content.HoldingsOf(e.app, e.org.ID, e.leaving.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) != 2 || h.Items[0].Title != "Abeille" || h.Items[0].Kind != "map" || len(h.Groups) != 1 ||
		h.Groups[0].ID != e.owned.Id || len(h.MemberOf) != 1 || h.MemberOf[0].ID != e.joined.Id || len(h.Licenses) != 2 ||
		h.Licenses[0].Code != "insights" || !h.OwnsContent() {
		t.Fatalf("%+v", h)
	}
	none, err := content.HoldingsOf(e.app, e.other.ID, e.leaving.ID())
	if err != nil {
		t.Fatal(err)
	}
	if none.OwnsContent() || len(none.Licenses)+len(none.MemberOf) != 0 {
		t.Fatalf("another organisation's view: %+v", none)
	}
}

func TestReleaseTransfersEverythingToTheColleague(t *testing.T) {
	e := newEstate(t)
	var h *content.Handover
	err := e.app.RunInTransaction(func(tx core.App) (err error) {
		h, err = content.Release(tx, e.org.ID, e.leaving.ID(), e.colleague.ID())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.ItemsTransferred != 2 || h.GroupsTransferred != 1 || h.GroupsLeft != 1 || h.ItemsDeleted+h.GroupsDeleted != 0 ||
		!slices.Equal(h.LicensesRevoked, []string{"insights", "workforce"}) || h.TransferredTo != e.colleague.ID() {
		t.Fatalf("%+v", h)
	}
	for _, it := range e.items {
		if e.reload(t, it).GetString("owner") != e.colleague.ID() {
			t.Fatal("an item stayed with the leaving member")
		}
	}
	owned := e.reload(t, e.owned)
	if ms := owned.GetStringSlice("members"); owned.GetString("owner") != e.colleague.ID() ||
		!slices.Equal(ms, []string{e.org.Owner.ID(), e.colleague.ID()}) {
		t.Fatalf("owned group: %s %v", owned.GetString("owner"), ms)
	}
	if ms := e.reload(t, e.joined).GetStringSlice("members"); !slices.Equal(ms, []string{e.colleague.ID()}) {
		t.Fatalf("joined group: %v", ms)
	}
	var left int
	if err := e.app.DB().NewQuery("SELECT count(*) FROM groupMembers WHERE membership = {:m}").
		Bind(dbx.Params{"m": e.leaving.ID()}).Row(&left); err != nil || left != 0 {
		t.Fatalf("%d group memberships left (%v)", left, err)
	}
	if n, _ := e.app.CountRecords("licenseAssignments", dbx.HashExp{"membership": e.leaving.ID()}); n != 0 {
		t.Fatalf("%d licences left", n)
	}
	if e.reload(t, e.outsider).GetString("title") != "Elsewhere" {
		t.Fatal("another organisation's item changed")
	}
	// Nothing holds the membership any more: it can go.
	if err := e.app.Delete(e.leaving.Membership); err != nil {
		t.Fatal(err)
	}
}

func TestReleaseWithoutARecipientDeletesTheContent(t *testing.T) {
	e := newEstate(t)
	var h *content.Handover
	err := e.app.RunInTransaction(func(tx core.App) (err error) {
		h, err = content.Release(tx, e.org.ID, e.leaving.ID(), "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.ItemsDeleted != 2 || h.GroupsDeleted != 1 || h.ItemsTransferred+h.GroupsTransferred != 0 || h.GroupsLeft != 1 {
		t.Fatalf("%+v", h)
	}
	for _, r := range append(slices.Clone(e.items), e.owned) {
		if _, err := e.app.FindRecordById(r.Collection().Name, r.Id); err == nil {
			t.Fatalf("%s survived", r.GetString("title"))
		}
	}
	if gs := e.reload(t, e.sharedWithOwned).GetStringSlice("groups"); len(gs) != 0 {
		t.Fatalf("a colleague's item is still shared with a deleted group: %v", gs)
	}
}

func TestReleaseRollsBackWithItsTransaction(t *testing.T) {
	e := newEstate(t)
	_ = e.app.RunInTransaction(func(tx core.App) error {
		if _, err := content.Release(tx, e.org.ID, e.leaving.ID(), e.colleague.ID()); err != nil {
			t.Fatal(err)
		}
		return errRollback
	})
	h, err := content.HoldingsOf(e.app, e.org.ID, e.leaving.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) != 2 || len(h.Groups) != 1 || len(h.MemberOf) != 1 || len(h.Licenses) != 2 {
		t.Fatalf("the rolled-back handover left traces: %+v", h)
	}
}

var errRollback = errors.New("rollback")
