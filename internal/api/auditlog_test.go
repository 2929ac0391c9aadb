package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"roster/internal/audit"
)

// auditPage is the viewer's answer.
type auditPage struct {
	Items []struct {
		Seq                                   int64
		Actor, ActorLabel, Action             string
		TargetType, TargetID, TargetLabel, At string
		Sentence                              string
		Before, After, Details                json.RawMessage
	}
	PerPage    int
	NextCursor *int64
}

func (o *office) auditPage(t *testing.T, query string) auditPage {
	t.Helper()
	r := o.c.Do("GET", o.url("/audit"+query), o.owner.Token(t), nil)
	if r.Status != 200 {
		t.Fatalf("GET /audit%s: %d %s", query, r.Status, r.Raw)
	}
	var p auditPage
	if err := json.Unmarshal([]byte(r.Raw), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// write appends n rows to the organisation's chain.
func (o *office) write(t *testing.T, n int, e audit.Entry) {
	t.Helper()
	e.Org = o.org.ID
	for i := 0; i < n; i++ {
		if err := audit.Write(o.app, e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTheAuditLogIsForTheOwnerAndAdministrators(t *testing.T) {
	o := newOffice(t)
	for _, path := range []string{"/audit", "/audit.csv", "/audit/verify"} {
		o.refusedToAll(t, "GET", o.url(path), nil, o.admin)
		for _, m := range []string{"owner", "admin"} {
			who := map[string]string{"owner": o.owner.Token(t), "admin": o.admin.Token(t)}[m]
			if r := o.c.Do("GET", o.url(path), who, nil); r.Status != 200 {
				t.Errorf("%s: the %s gets %d %s", path, m, r.Status, r.Raw)
			}
		}
	}
	// The other organisation's rows never show: its org.create row is not here.
	p := o.auditPage(t, "")
	if len(p.Items) != len(o.auditRows(t, "")) || len(p.Items) != 1 || p.Items[0].TargetID != o.org.ID {
		t.Errorf("the viewer shows %d rows: %+v", len(p.Items), p.Items)
	}
}

func TestTheAuditLogPagesByKeysetNewestFirst(t *testing.T) {
	o := newOffice(t)
	o.write(t, 24, audit.Entry{Actor: o.admin.ID(), ActorLabel: "Ada Admin <ada@example.com>", Action: "members.disable",
		TargetType: "membership", TargetID: o.member.ID(), TargetLabel: "Luc Garçon <luc@example.com>"})
	total := len(o.auditRows(t, "")) // and org.create
	var seen []int64
	query := "?perPage=10"
	for pages := 0; ; pages++ {
		p := o.auditPage(t, query)
		if pages > 5 {
			t.Fatal("the pages never end")
		}
		if p.PerPage != 10 || len(p.Items) > 10 {
			t.Fatalf("page of %d (perPage %d)", len(p.Items), p.PerPage)
		}
		for _, it := range p.Items {
			if len(seen) > 0 && it.Seq >= seen[len(seen)-1] {
				t.Fatalf("seq %d after %d: not newest first", it.Seq, seen[len(seen)-1])
			}
			seen = append(seen, it.Seq)
		}
		if p.NextCursor == nil {
			break
		}
		if *p.NextCursor != seen[len(seen)-1] {
			t.Errorf("nextCursor %d, last seq %d", *p.NextCursor, seen[len(seen)-1])
		}
		query = fmt.Sprintf("?perPage=10&cursor=%d", *p.NextCursor)
	}
	if len(seen) != total || seen[0] != int64(total) || seen[len(seen)-1] != 1 {
		t.Errorf("saw %d rows (%d…%d), want %d", len(seen), seen[0], seen[len(seen)-1], total)
	}
	// Rows written after the first page do not shift the next pages.
	first := o.auditPage(t, "?perPage=5")
	o.write(t, 3, audit.Entry{Actor: o.admin.ID(), Action: "members.enable"})
	second := o.auditPage(t, fmt.Sprintf("?perPage=5&cursor=%d", *first.NextCursor))
	if second.Items[0].Seq != first.Items[4].Seq-1 {
		t.Errorf("after new rows the next page starts at %d, want %d", second.Items[0].Seq, first.Items[4].Seq-1)
	}
	for q, field := range map[string]string{"?perPage=0": "perPage", "?perPage=201": "perPage", "?cursor=x": "cursor",
		"?from=yesterday": "from", "?to=2026-13-01": "to", "?lang=de": "lang"} {
		if r := o.c.Do("GET", o.url("/audit"+q), o.owner.Token(t), nil); r.Status != 400 || r.FieldCode(field) == "" {
			t.Errorf("%s: %d %s", q, r.Status, r.Raw)
		}
	}
}

func TestTheAuditLogFilters(t *testing.T) {
	o := newOffice(t)
	o.write(t, 3, audit.Entry{Actor: o.admin.ID(), Action: "members.disable", TargetID: o.member.ID()})
	o.write(t, 2, audit.Entry{Actor: o.owner.ID(), Action: "members.enable", TargetID: o.member.ID()})
	o.write(t, 4, audit.Entry{Actor: o.owner.ID(), Action: "billing.changePlan", TargetID: "sub1"})
	o.write(t, 1, audit.Entry{Actor: audit.ActorSystem, Action: "invitations.expire", TargetID: "inv1"})
	// Spread the rows over days (this breaks the chain, which this test does not read):
	// seq 1 (org.create) on 2026-01-01, then one day per row.
	if _, err := o.app.DB().NewQuery("UPDATE auditLog SET at = strftime('%Y-%m-%d 10:00:00.000Z', '2026-01-01', '+' || (seq - 1) || ' days') WHERE org = {:org}").
		Bind(dbx.Params{"org": o.org.ID}).Execute(); err != nil {
		t.Fatal(err)
	}
	seqs := func(query string) string {
		p := o.auditPage(t, query)
		var out []string
		for _, it := range p.Items {
			out = append(out, fmt.Sprint(it.Seq))
		}
		return strings.Join(out, ",")
	}
	cases := map[string]string{
		"?actor=" + o.admin.ID():   "4,3,2",
		"?actor=" + o.owner.ID():   "10,9,8,7,6,5",
		"?actor=system":            "11,1",
		"?action=members.enable":   "6,5",
		"?action=members.":         "6,5,4,3,2",
		"?action=members.*":        "6,5,4,3,2",
		"?action=members":          "",
		"?target=" + o.member.ID(): "6,5,4,3,2",
		"?target=inv1":             "11",
		"?actor=" + o.owner.ID() + "&action=members.enable": "6,5",
		"?from=2026-01-05":                                   "11,10,9,8,7,6,5",
		"?to=2026-01-03":                                     "3,2,1",
		"?from=2026-01-03&to=2026-01-05":                     "5,4,3",
		"?from=2026-01-03T10:00:00Z&to=2026-01-05T10:00:00Z": "4,3",
		"?from=2027-01-01":                                   "",
		"?to=2025-12-31":                                     "",
		"?action=members.&from=2026-01-04&perPage=2":         "6,5",
		"?action=members.&from=2026-01-04&cursor=5":          "4",
		"?actor=nobody":                                      "",
	}
	for q, want := range cases {
		if got := seqs(q); got != want {
			t.Errorf("%s: seqs %s, want %s", q, got, want)
		}
	}
}

func TestEachAuditRowReadsAsASentenceInTheViewersLanguage(t *testing.T) {
	o := newOffice(t)
	o.member.User.Set("lastLogin", "2026-01-01 10:00:00.000Z")
	o.save(t, o.member.User)
	if r := o.c.Do("POST", o.url("/members/"+o.member.ID()+"/disable"), o.owner.Token(t), nil); r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	newest := func(query string, tok string) (string, string) {
		t.Helper()
		r := o.c.Do("GET", o.url("/audit?perPage=1"+query), tok, nil)
		var p auditPage
		_ = json.Unmarshal([]byte(r.Raw), &p)
		if r.Status != 200 || len(p.Items) != 1 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		return p.Items[0].Sentence, string(p.Items[0].Before) + " " + string(p.Items[0].After)
	}
	fr, change := newest("&lang=fr", o.owner.Token(t))
	if fr != "Hélène Dupré a désactivé Luc Garçon." {
		t.Errorf("fr: %q", fr)
	}
	if !strings.Contains(change, `"status":"active"`) || !strings.Contains(change, `"status":"disabled"`) {
		t.Errorf("before/after: %s", change)
	}
	if en, _ := newest("&lang=en", o.owner.Token(t)); en != "Hélène Dupré disabled Luc Garçon." {
		t.Errorf("en: %q", en)
	}
	// Without ?lang=, the viewer's own language.
	o.admin.User.Set("language", "fr")
	o.save(t, o.admin.User)
	if s, _ := newest("", o.admin.Token(t)); s != "Hélène Dupré a désactivé Luc Garçon." {
		t.Errorf("a French-speaking administrator reads %q", s)
	}
	o.admin.User.Set("language", "en")
	o.save(t, o.admin.User)
	if s, _ := newest("", o.admin.Token(t)); s != "Hélène Dupré disabled Luc Garçon." {
		t.Errorf("an English-speaking administrator reads %q", s)
	}
}

func TestEditingOneAuditRowInTheDatabaseIsDetected(t *testing.T) {
	o := newOffice(t)
	o.write(t, 5, audit.Entry{Actor: o.admin.ID(), ActorLabel: "Ada", Action: "members.disable", TargetID: o.member.ID(),
		Details: map[string]any{"before": map[string]any{"status": "active"}, "after": map[string]any{"status": "disabled"}}})
	verify := func() map[string]any {
		r := o.c.Do("GET", o.url("/audit/verify"), o.admin.Token(t), nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		return r.JSON
	}
	if v := verify(); v["ok"] != true || v["rows"] != 6.0 || v["brokeAt"] != 0.0 || v["reason"] != "" {
		t.Fatalf("an untouched chain: %v", v)
	}
	if _, err := o.app.DB().NewQuery(`UPDATE auditLog SET details = '{"after":{"status":"active"}}' WHERE org = {:org} AND seq = 4`).
		Bind(dbx.Params{"org": o.org.ID}).Execute(); err != nil {
		t.Fatal(err)
	}
	if v := verify(); v["ok"] != false || v["brokeAt"] != 4.0 || v["reason"] == "" {
		t.Fatalf("after editing row 4: %v", v)
	}
}

func TestTheAuditLogExportsAsCSV(t *testing.T) {
	o := newOffice(t)
	o.write(t, 1, audit.Entry{Actor: o.admin.ID(), ActorLabel: "=HYPERLINK(\"http://evil\")", Action: "members.disable",
		TargetType: "membership", TargetID: o.member.ID(), TargetLabel: "Luc Garçon <luc@example.com>",
		Details: map[string]any{"before": map[string]any{"status": "active"}, "after": map[string]any{"status": "disabled"}}})
	o.write(t, 2, audit.Entry{Actor: o.owner.ID(), Action: "members.enable", TargetID: o.member.ID()})
	r := o.c.Do("GET", o.url("/audit.csv?lang=fr&action=members.disable"), o.admin.Token(t), nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Raw, "\ufeff") {
		t.Fatalf("%d %v %q", r.Status, r.Header, r.Raw[:min(len(r.Raw), 40)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || strings.Join(recs[0], ",") != "seq,at,actorId,actor,action,description,targetType,targetId,target,before,after,details,ip" {
		t.Fatalf("%v", recs)
	}
	row := recs[1]
	if row[2] != o.admin.ID() || row[3] != `'=HYPERLINK("http://evil")` || row[4] != "members.disable" ||
		row[5] != `'=HYPERLINK("http://evil") a désactivé Luc Garçon.` ||
		row[9] != `{"status":"active"}` || row[10] != `{"status":"disabled"}` {
		t.Errorf("row %q", row)
	}
	all := o.c.Do("GET", o.url("/audit.csv"), o.owner.Token(t), nil)
	if n := strings.Count(all.Raw, "\n"); n != len(o.auditRows(t, ""))+1 {
		t.Errorf("the whole export has %d lines for %d rows", n, len(o.auditRows(t, "")))
	}
}
