package members

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Total is the total the list gives for f, and whether the member counters gave it.
func Total(app core.App, org string, f Filter) (n int, counted bool, err error) {
	where, set := f.where(org)
	n, err = count(app, org, f, where, set)
	return n, f.counted(), err
}

// PagePlan is SQLite's plan (EXPLAIN QUERY PLAN, one detail per line) of the query
// that picks a page of f from the member index, at the given offset, as find runs it.
func PagePlan(app core.App, org string, f Filter, offset int) ([]string, error) {
	where, set, col, dir, index := f.plan(org)
	params := dbx.Params{"limit": 50, "offset": offset}
	return explain(app, pageSQL(where, col, dir, index, set && !f.SkipTotal, params), params)
}

// CountPlan is SQLite's plan of the query that counts f.
func CountPlan(app core.App, org string, f Filter) ([]string, error) {
	where, set := f.where(org)
	params := dbx.Params{}
	return explain(app, countSQL(org, f, where, set, params), params)
}

func explain(app core.App, sql string, params dbx.Params) ([]string, error) {
	var plan []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + sql).Bind(params).All(&plan); err != nil {
		return nil, err
	}
	out := make([]string, len(plan))
	for i, p := range plan {
		out[i] = p.Detail
	}
	return out, nil
}
