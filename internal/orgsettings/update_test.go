package orgsettings

import (
	"fmt"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"roster/internal/access"
	"roster/internal/fail"
)

func TestAllowedDomainsAreNormalisedAndChecked(t *testing.T) {
	got, err := domains([]string{" @Acme.ORG ", "acme.org", "", "équipe-nord.fr", "xn--quipe-nord-dbb.fr", "sub.acme.co.uk"})
	want := []string{"acme.org", "équipe-nord.fr", "xn--quipe-nord-dbb.fr", "sub.acme.co.uk"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%v %v, want %v", got, err, want)
	}
	for _, bad := range []string{"acme", "bob@acme.org", "-acme.org", "acme-.org", "ac me.org", "acme..org", "acme.o", "acme.org/x", "*.acme.org", "acme.123"} {
		if _, err := domains([]string{bad}); !fail.Is(err, "invalid_domain") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	many := make([]string, MaxAllowedDomains+1)
	for i := range many {
		many[i] = fmt.Sprintf("d%d.example.org", i)
	}
	if _, err := domains(many); !fail.Is(err, "too_many") {
		t.Errorf("%d domains: %v", len(many), err)
	}
}

func TestEachRoleSeesTheSectionsTheOwnerShares(t *testing.T) {
	col := core.NewBaseCollection("organizations")
	col.Fields.Add(&core.JSONField{Name: "reportSections"})
	org := core.NewRecord(col)
	who := func(r access.Role) access.Member {
		return access.Member{ID: string(r), Role: r, UserType: access.Creator, Status: access.Active}
	}
	cases := []struct {
		stored              any
		owner, admin, membr []string
	}{
		{map[string]any{}, Sections, Sections, []string{"members"}},
		{map[string]any{"admin": []string{"credits", "seats", "seats", "salaries"}}, Sections, []string{"seats", "credits"}, []string{"members"}},
		{map[string]any{"admin": []string{}, "member": []string{"invitations", "signins"}}, Sections, []string{}, []string{"signins", "invitations"}},
		{"not an object", Sections, Sections, []string{"members"}},
	}
	for _, c := range cases {
		org.Set("reportSections", c.stored)
		for role, want := range map[access.Role][]string{access.RoleOwner: c.owner, access.RoleAdmin: c.admin, access.RoleMember: c.membr} {
			if got := VisibleSections(org, who(role)); !slices.Equal(got, want) {
				t.Errorf("stored %v: the %s sees %v, want %v", c.stored, role, got, want)
			}
		}
	}
	disabled := who(access.RoleOwner)
	disabled.Status = access.Disabled
	if got := VisibleSections(org, disabled); len(got) != 0 {
		t.Errorf("a disabled owner sees %v", got)
	}
}
