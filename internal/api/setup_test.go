package api_test

import (
	"testing"

	"roster/internal/orgs"
	"roster/internal/testapp"
)

func TestFirstRunSetup(t *testing.T) {
	app := testapp.New(t)
	c := testapp.Serve(t, app)
	token, err := orgs.StartSetup(app)
	if err != nil {
		t.Fatal(err)
	}
	body := func(tok string) map[string]string {
		return map[string]string{"token": tok, "orgName": "Équipe Nord", "email": "Olivia@Example.com", "password": "s3cret-pass",
			"givenName": "Olivia", "familyName": "Owner", "username": "olivia", "language": "fr"}
	}

	if r := c.Do("GET", "/api/setup", "", nil); r.Status != 200 || r.JSON["needed"] != true || r.JSON["mail"] != false {
		t.Fatalf("fresh instance: %d %s", r.Status, r.Raw)
	}
	app.Settings().SMTP.Enabled = true
	if r := c.Do("GET", "/api/setup", "", nil); r.JSON["mail"] != true {
		t.Fatalf("with a mail server: %s", r.Raw)
	}
	app.Settings().SMTP.Enabled = false
	t.Run("a wrong token is refused", func(t *testing.T) {
		r := c.Do("POST", "/api/setup", "", body("not-the-token"))
		if r.Status != 403 || r.Code() != "setup_token_invalid" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a short password is a 400 naming the field", func(t *testing.T) {
		b := body(token)
		b["password"] = "short"
		r := c.Do("POST", "/api/setup", "", b)
		if r.Status != 400 || r.FieldCode("password") == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("a bad username is a 400 naming the field and nothing is created", func(t *testing.T) {
		b := body(token)
		b["username"] = "no spaces!"
		r := c.Do("POST", "/api/setup", "", b)
		if r.Status != 400 || r.FieldCode("username") == "" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		if n, _ := app.CountRecords("organizations"); n != 0 {
			t.Fatalf("half-applied: %d organisations", n)
		}
	})
	t.Run("the right token creates the organisation and signs the owner in", func(t *testing.T) {
		r := c.Do("POST", "/api/setup", "", body(token))
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		tok, _ := r.JSON["token"].(string)
		me := c.Do("GET", "/api/me", tok, nil)
		if me.Status != 200 {
			t.Fatalf("me: %d %s", me.Status, me.Raw)
		}
		org := me.JSON["org"].(map[string]any)
		ms := me.JSON["membership"].(map[string]any)
		user := me.JSON["user"].(map[string]any)
		if org["name"] != "Équipe Nord" || org["slug"] != "equipe-nord" || ms["role"] != "owner" || user["email"] != "olivia@example.com" || user["language"] != "fr" {
			t.Fatalf("me: %s", me.Raw)
		}
		if u, _ := app.FindAuthRecordByEmail("users", "olivia@example.com"); u == nil || u.GetDateTime("lastLogin").IsZero() {
			t.Fatal("the setup sign-in did not record lastLogin")
		}
	})
	t.Run("setup cannot run twice", func(t *testing.T) {
		if r := c.Do("GET", "/api/setup", "", nil); r.JSON["needed"] != false {
			t.Fatalf("%s", r.Raw)
		}
		b := body(token)
		b["email"] = "other@example.com"
		r := c.Do("POST", "/api/setup", "", b)
		if r.Status != 409 || r.Code() != "already_set_up" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}
