package content

import (
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Holdings is what one member holds among the organisation's shared resources: what
// stands between them and their removal.
type Holdings struct {
	Items    []Ref `json:"items"`    // items they own
	Groups   []Ref `json:"groups"`   // groups they own
	MemberOf []Ref `json:"memberOf"` // groups they belong to without owning them
	Licenses []Ref `json:"licenses"` // licences assigned to them
}

// OwnsContent reports whether the member owns items or groups.
func (h *Holdings) OwnsContent() bool { return len(h.Items)+len(h.Groups) > 0 }

// HoldingsOf lists what membership holds in org, each list sorted by title.
func HoldingsOf(app core.App, org, membership string) (*Holdings, error) {
	h := &Holdings{Items: []Ref{}, Groups: []Ref{}, MemberOf: []Ref{}, Licenses: []Ref{}}
	params := dbx.Params{"org": org, "m": membership}
	for _, q := range []struct {
		dst *[]Ref
		sql string
	}{
		{&h.Items, `SELECT id, title, kind, '' AS code FROM items WHERE org = {:org} AND owner = {:m}
			ORDER BY title COLLATE NOCASE, id`},
		{&h.Groups, `SELECT id, title, '' AS kind, '' AS code FROM groups WHERE org = {:org} AND owner = {:m}
			ORDER BY title COLLATE NOCASE, id`},
		{&h.MemberOf, `SELECT g.id AS id, g.title AS title, '' AS kind, '' AS code FROM groupMembers gm
			JOIN groups g ON g.id = gm.grp WHERE g.org = {:org} AND gm.membership = {:m} AND g.owner != {:m}
			ORDER BY g.title COLLATE NOCASE, g.id`},
		{&h.Licenses, `SELECT l.id AS id, l.name AS title, '' AS kind, l.code AS code FROM licenseAssignments la
			JOIN licenses l ON l.id = la.license WHERE l.org = {:org} AND la.membership = {:m}
			ORDER BY l.name COLLATE NOCASE, l.id`},
	} {
		var rows []struct {
			ID    string `db:"id"`
			Title string `db:"title"`
			Kind  string `db:"kind"`
			Code  string `db:"code"`
		}
		if err := app.DB().NewQuery(q.sql).Bind(params).All(&rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			*q.dst = append(*q.dst, Ref{ID: r.ID, Title: r.Title, Kind: r.Kind, Code: r.Code})
		}
	}
	return h, nil
}

// Handover is what Release did, for the audit row of the change that called it.
type Handover struct {
	TransferredTo     string   `json:"transferredTo,omitempty"`
	ItemsTransferred  int      `json:"itemsTransferred"`
	GroupsTransferred int      `json:"groupsTransferred"`
	ItemsDeleted      int      `json:"itemsDeleted"`
	GroupsDeleted     int      `json:"groupsDeleted"`
	GroupsLeft        int      `json:"groupsLeft"`
	LicensesRevoked   []string `json:"licensesRevoked"` // licence codes
}

// Release empties membership's holdings in org, in the caller's transaction: the items
// and groups it owns go to membership `to` (the new owner joins the groups), or are
// deleted when to is ""; it leaves every group it belongs to; every licence assigned to
// it is revoked. The caller checks the preconditions (who may, whether `to` can own) and
// writes the audit row.
func Release(tx core.App, org, membership, to string) (*Handover, error) {
	h := &Handover{TransferredTo: to, LicensesRevoked: []string{}}
	items, err := tx.FindAllRecords("items", dbx.HashExp{"org": org, "owner": membership})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if to == "" {
			err = tx.Delete(it)
			h.ItemsDeleted++
		} else {
			it.Set("owner", to)
			err = tx.Save(it)
			h.ItemsTransferred++
		}
		if err != nil {
			return nil, err
		}
	}
	groups, err := tx.FindAllRecords("groups", dbx.HashExp{"org": org, "owner": membership})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if to == "" {
			err = tx.Delete(g)
			h.GroupsDeleted++
		} else {
			members := slices.DeleteFunc(g.GetStringSlice("members"), func(m string) bool { return m == membership })
			if !slices.Contains(members, to) {
				members = append(members, to)
			}
			g.Set("owner", to)
			g.Set("members", members)
			err = tx.Save(g)
			h.GroupsTransferred++
		}
		if err != nil {
			return nil, err
		}
	}
	var in []string
	err = tx.DB().NewQuery(`SELECT g.id FROM groupMembers gm JOIN groups g ON g.id = gm.grp
		WHERE g.org = {:org} AND gm.membership = {:m}`).Bind(dbx.Params{"org": org, "m": membership}).Column(&in)
	if err != nil {
		return nil, err
	}
	others, err := tx.FindRecordsByIds("groups", in)
	if err != nil {
		return nil, err
	}
	for _, g := range others {
		g.Set("members", slices.DeleteFunc(g.GetStringSlice("members"), func(m string) bool { return m == membership }))
		if err := tx.Save(g); err != nil {
			return nil, err
		}
		h.GroupsLeft++
	}
	assignments, err := tx.FindAllRecords("licenseAssignments", dbx.HashExp{"membership": membership})
	if err != nil {
		return nil, err
	}
	for _, as := range assignments {
		l, err := tx.FindRecordById("licenses", as.GetString("license"))
		if err != nil {
			return nil, err
		}
		if err := tx.Delete(as); err != nil {
			return nil, err
		}
		h.LicensesRevoked = append(h.LicensesRevoked, l.GetString("code"))
	}
	slices.Sort(h.LicensesRevoked)
	return h, nil
}
