package members

import (
	"slices"
	"testing"

	"roster/internal/access"
	"roster/internal/fail"
)

func TestTypeFits(t *testing.T) {
	cases := []struct {
		name    string
		to      access.UserType
		role    access.Role
		held    holdings
		code    string   // "" = fits
		reasons []string // every unmet precondition
	}{
		{"a member who holds nothing may become a viewer", access.Viewer, access.RoleMember, holdings{}, "", nil},
		{"owning items blocks a viewer", access.Viewer, access.RoleMember, holdings{Items: 2}, "owns_content", []string{"owns_content"}},
		{"owning a group blocks a contributor", access.Contributor, access.RoleMember, holdings{Groups: 1}, "owns_content", []string{"owns_content"}},
		{"owning content does not block a professional", access.Professional, access.RoleMember, holdings{Items: 3, Groups: 1}, "", nil},
		{"an incompatible licence blocks any type", access.Professional, access.RoleMember, holdings{IncompatibleLicenses: 1}, "incompatible_licenses", []string{"incompatible_licenses"}},
		{"a shared-update group blocks a viewer", access.Viewer, access.RoleMember, holdings{SharedUpdateGroups: 1}, "shared_update_groups", []string{"shared_update_groups"}},
		{"a shared-update group does not block a contributor", access.Contributor, access.RoleMember, holdings{SharedUpdateGroups: 1}, "", nil},
		{"an admin cannot be a contributor", access.Contributor, access.RoleAdmin, holdings{}, "role_incompatible_type", []string{"role_incompatible_type"}},
		{"the owner cannot be a viewer", access.Viewer, access.RoleOwner, holdings{}, "role_incompatible_type", []string{"role_incompatible_type"}},
		{"every blocker is reported, the first as the code", access.Viewer, access.RoleAdmin,
			holdings{Items: 1, IncompatibleLicenses: 1, SharedUpdateGroups: 1}, "owns_content",
			[]string{"owns_content", "incompatible_licenses", "shared_update_groups", "role_incompatible_type"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := typeFits(tc.to, tc.role, tc.held)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			fe, ok := fail.As(err)
			if !ok || fe.Kind != fail.KindConflict || fe.Code != tc.code {
				t.Fatalf("got %v, want 409 %s", err, tc.code)
			}
			if got := fe.Details["reasons"].([]string); !slices.Equal(got, tc.reasons) {
				t.Fatalf("reasons %v, want %v", got, tc.reasons)
			}
			if fe.Details["itemsOwned"] != tc.held.Items || fe.Details["incompatibleLicenses"] != tc.held.IncompatibleLicenses {
				t.Fatalf("counts %v", fe.Details)
			}
		})
	}
}
