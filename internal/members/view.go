package members

import (
	"roster/internal/access"
	"roster/internal/people"
)

// Member is the full view of a member, for owners and administrators,
// and for each member about themselves.
type Member struct {
	ID          string          `json:"id"`
	UserID      string          `json:"userId"`
	Username    string          `json:"username"`
	GivenName   string          `json:"givenName"`
	FamilyName  string          `json:"familyName"`
	Name        string          `json:"name"`
	Email       string          `json:"email"`
	Avatar      string          `json:"avatar"`
	Role        access.Role     `json:"role"`
	UserType    access.UserType `json:"userType"`
	Status      access.Status   `json:"status"`
	Added       string          `json:"added"`
	LastLogin   string          `json:"lastLogin"`
	MfaEnabled  bool            `json:"mfaEnabled"`
	AuthSource  string          `json:"authSource"`
	Credits     Credits         `json:"credits"`
	Partner     bool            `json:"partnerAccess"`
	Licenses    []Ref           `json:"licenses"`
	Groups      []Ref           `json:"groups"`
	ItemsOwned  int             `json:"itemsOwned"`
	GroupsOwned int             `json:"groupsOwned"`
	Description string          `json:"description"`
	Visibility  string          `json:"visibility"`
	Language    string          `json:"language"`
	Units       string          `json:"units"`
	Allowed     []access.Action `json:"allowed"` // what the viewer may do to this member
}

// Credits is a member's allocation; Allocated and Remaining are nil for "no limit".
type Credits struct {
	Allocated *float64 `json:"allocated"`
	Used      float64  `json:"used"`
	Remaining *float64 `json:"remaining"`
}

// Ref names a related record.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Entry is the directory's view of a member: what every member may see of the others,
// as far as each one's profile visibility allows. Never email, status, sign-ins or credits.
type Entry struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	GivenName   string      `json:"givenName,omitempty"`
	FamilyName  string      `json:"familyName,omitempty"`
	Username    string      `json:"username,omitempty"`
	Avatar      string      `json:"avatar,omitempty"`
	Role        access.Role `json:"role"`
	Description string      `json:"description,omitempty"`
}

func avatarURL(userID, file string) string {
	if file == "" {
		return ""
	}
	return "/api/files/_pb_users_auth_/" + userID + "/" + file + "?thumb=100x100"
}

func (r row) member() Member {
	m := Member{
		ID: r.ID, UserID: r.UserID, Username: r.Username, GivenName: r.GivenName, FamilyName: r.FamilyName,
		Name: people.FullName(r.GivenName, r.FamilyName, r.Username), Email: r.Email, Avatar: avatarURL(r.UserID, r.Avatar),
		Role: access.Role(r.Role), UserType: access.UserType(r.UserType), Status: access.Status(r.Status),
		Added: r.Added, LastLogin: r.LastLogin, MfaEnabled: r.TotpEnabled, AuthSource: r.AuthSource,
		Credits: Credits{Used: r.CreditsUsed}, Partner: r.PartnerAccess, Licenses: []Ref{}, Groups: []Ref{},
		Description: r.Description, Visibility: r.Visibility, Language: r.Language, Units: r.Units,
	}
	if r.CreditsLimited {
		alloc, rem := r.CreditsAllocated, r.CreditsAllocated-r.CreditsUsed
		m.Credits.Allocated, m.Credits.Remaining = &alloc, &rem
	}
	return m
}

func (r row) entry() Entry {
	e := Entry{ID: r.ID, Name: people.FullName(r.GivenName, r.FamilyName, r.Username), Role: access.Role(r.Role)}
	if r.Visibility != "private" {
		e.GivenName, e.FamilyName, e.Username = r.GivenName, r.FamilyName, r.Username
		e.Avatar, e.Description = avatarURL(r.UserID, r.Avatar), r.Description
	}
	return e
}

func (r row) policyView() access.Member {
	return access.Member{ID: r.ID, Role: access.Role(r.Role), UserType: access.UserType(r.UserType), Status: access.Status(r.Status)}
}
