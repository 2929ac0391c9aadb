package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// waitLong waits until the expression is true, for up to d (a token's life, here).
func waitLong(t *testing.T, ctx context.Context, expr, what string, d time.Duration) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		t.Fatalf("waiting for %s: %v\npage:\n%s", what, err, got)
	}
}

// browserToken is the token the app keeps, and its expiry (Unix seconds).
func browserToken(t *testing.T, ctx context.Context) (string, int64) {
	t.Helper()
	tok := evalJS[string](t, ctx, `JSON.parse(localStorage.getItem("pocketbase_auth") ?? "{}").token ?? ""`)
	if tok == "" {
		return "", 0
	}
	return tok, evalJS[int64](t, ctx, `JSON.parse(atob(`+jsString(tok)+`.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp`)
}

// setTokenDuration sets how long users' auth tokens last, as the operator does from the
// dashboard (the users collection's authToken.duration, in seconds).
func setTokenDuration(t *testing.T, su client, seconds int) {
	t.Helper()
	must(t, "authToken.duration", su.send(t, "PATCH", "/api/collections/users", map[string]any{"authToken": map[string]any{"duration": seconds}}, nil), 200)
}

// A session in use outlives its token: with tokens of 12 seconds, the app renews its
// token while the owner works, and still works after the first token expired. A session
// that does end (the password changed elsewhere, which revokes every token) sends the owner
// to sign in, and back to the form being filled in, with what was typed still there.
func TestSession(t *testing.T) {
	dir := t.TempDir()
	if out, code := roster(t, dir, "demo", "--org", "sess", "--members", "30", "--seed", "2", "--password", demoPassword); code != 0 {
		t.Fatalf("roster demo exited %d:\n%s", code, out)
	}
	const opEmail, opPassword = "ops@sess.example", "operator password 7"
	if out, code := roster(t, dir, "superuser", "upsert", opEmail, opPassword); code != 0 {
		t.Fatalf("superuser upsert: exit %d\n%s", code, out)
	}
	s := startServer(t, dir)
	su := superuserSignIn(t, s, opEmail, opPassword)
	const ownerEmail = "owner@sess.example"
	const life = 12
	setTokenDuration(t, su, life)

	ctx := newBrowser(t, 1280, 800)
	signIn(t, ctx, s, ownerEmail, "#members-table")
	first, exp := browserToken(t, ctx)
	if left := exp - time.Now().Unix(); left > life+1 {
		t.Fatalf("the first token lasts %d s, want %d: the duration was not applied", left, life)
	}

	t.Run("a session in use is renewed", func(t *testing.T) {
		// Renewed on the timer, half-way through the token's life, with no activity at all.
		waitLong(t, ctx, `(JSON.parse(localStorage.getItem("pocketbase_auth") ?? "{}").token ?? "") !== `+jsString(first)+` && !!JSON.parse(localStorage.getItem("pocketbase_auth")).token`,
			"a renewed token", life*time.Second)
		// Past the first token's expiry, which the server now refuses, the app still works.
		waitLong(t, ctx, fmt.Sprintf(`Date.now() / 1000 > %d`, exp+1), "the first token's expiry", (life+2)*time.Second)
		if code := (client{s: s, token: first}).status(t, "GET", "/api/me", nil); code != 401 {
			t.Fatalf("the first token answers %d after its expiry, want 401", code)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/invitations"]`)))
		waitJS(t, ctx, `location.pathname === "/invitations" && !!document.querySelector("main h1")`, "the invitations page")
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/members"]`)), chromedp.WaitVisible(chromedp.CSS("#members-table")))
		waitText(t, ctx, "#member-count", "31 membres")
		now, _ := browserToken(t, ctx)
		if code := (client{s: s, token: now}).status(t, "GET", "/api/me", nil); now == first || code != 200 {
			t.Fatalf("the app's token answers %d (renewed: %v)", code, now != first)
		}
	})

	t.Run("an ended session comes back to its unsaved input", func(t *testing.T) {
		// Long tokens again, so that only the revocation ends this session.
		setTokenDuration(t, su, 3600)
		waitLong(t, ctx, `(() => { const a = JSON.parse(localStorage.getItem("pocketbase_auth") ?? "{}"); return !!a.token && JSON.parse(atob(a.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp - Date.now() / 1000 > 600 })()`,
			"a token of an hour", life*time.Second)
		owner := apiSignIn(t, s, ownerEmail)
		var page struct {
			Items []struct{ ID, Description string }
		}
		owner.get(t, "/api/orgs/"+orgOf(t, owner)+"/members?role=member&perPage=1", &page)
		id := page.Items[0].ID
		const typed = "Cartographe du secteur Nord, saisi avant la fin de la session"

		do(t, ctx, chromedp.Navigate(s.URL+"/members/"+id+"?edit=1"), chromedp.WaitVisible(chromedp.CSS("#profile-description")),
			setField("#profile-description", ""), chromedp.SendKeys(chromedp.CSS("#profile-description"), typed))
		// Elsewhere, the owner changes their password: every token of theirs is revoked.
		const newPassword = "a new password 8"
		must(t, "password change", owner.send(t, "POST", "/api/account/password", map[string]string{"oldPassword": demoPassword, "password": newPassword}, nil), 200)

		do(t, ctx, chromedp.Click(chromedp.CSS("#profile-save")))
		waitJS(t, ctx, `location.pathname === "/signin" && new URLSearchParams(location.search).get("next") === `+jsString("/members/"+id+"?edit=1"), "the sign-in page, back to the form next")
		waitText(t, ctx, "#session-ended", "Votre session a pris fin.")
		waitText(t, ctx, "#session-ended", "Ce que vous aviez saisi vous attend")
		if kept := evalJS[string](t, ctx, `sessionStorage.getItem("roster.resume") ?? ""`); !strings.Contains(kept, typed) {
			t.Fatalf("sessionStorage keeps %q, not the typed description", kept)
		}
		screenshot(t, ctx, "session-ended-fr")
		checkAccessibility(t, ctx, "sign-in after the session ended")

		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#signin-email"), ownerEmail),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), newPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#profile-description")),
		)
		waitJS(t, ctx, `location.pathname === `+jsString("/members/"+id)+` && location.search === "?edit=1"`, "back on the form")
		waitJS(t, ctx, `document.querySelector("#profile-description").value === `+jsString(typed), "the typed description restored")
		waitText(t, ctx, "#input-restored", "Votre saisie a été conservée")
		if kept := evalJS[string](t, ctx, `sessionStorage.getItem("roster.resume") ?? ""`); kept != "" {
			t.Errorf("the kept input outlives its restoring: %s", kept)
		}
		screenshot(t, ctx, "session-restored-fr")
		do(t, ctx, chromedp.Click(chromedp.CSS("#profile-save")))
		waitText(t, ctx, "main", "Profil mis à jour.")
		var m struct{ Description string }
		owner = apiSignInWith(t, s, ownerEmail, newPassword)
		owner.get(t, "/api/orgs/"+orgOf(t, owner)+"/members/"+id, &m)
		if m.Description != typed {
			t.Errorf("the server has the description %q, want %q", m.Description, typed)
		}

		// Someone else signing in on this tab finds nothing of it.
		do(t, ctx, chromedp.Click(chromedp.CSS("#edit-profile")), chromedp.WaitVisible(chromedp.CSS("#profile-description")),
			chromedp.SendKeys(chromedp.CSS("#profile-description"), " (brouillon privé)"))
		must(t, "password change", owner.send(t, "POST", "/api/account/password", map[string]string{"oldPassword": newPassword, "password": demoPassword}, nil), 200)
		do(t, ctx, chromedp.Click(chromedp.CSS("#profile-save")))
		waitText(t, ctx, "#session-ended", "Ce que vous aviez saisi vous attend")
		// An administrator, who may edit the same profile.
		var other struct {
			Items []struct{ ID, Email string }
		}
		owner = apiSignIn(t, s, ownerEmail)
		org := orgOf(t, owner)
		owner.get(t, "/api/orgs/"+org+"/members?role=member&status=active&lastLoginAfter=2000-01-01&sort=-name&perPage=1", &other)
		admin := other.Items[0]
		if admin.ID == id {
			t.Fatal("the administrator is the member being edited")
		}
		must(t, "role change", owner.send(t, "POST", "/api/orgs/"+org+"/members/"+admin.ID+"/role", map[string]string{"role": "admin"}, nil), 200)
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#signin-email"), admin.Email),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), demoPassword),
			chromedp.Click(chromedp.CSS("#signin-submit")),
			chromedp.WaitVisible(chromedp.CSS("#profile-description")),
		)
		waitJS(t, ctx, `sessionStorage.getItem("roster.resume") === null`, "the owner's draft dropped")
		// The form as saved: give a restoring a moment to (wrongly) happen first.
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`, func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }))
		if v := evalJS[string](t, ctx, `document.querySelector("#profile-description").value`); v != typed {
			t.Errorf("the administrator's form holds %q, want the saved %q", v, typed)
		}
		if evalJS[bool](t, ctx, `!!document.querySelector("#input-restored")`) {
			t.Error("another member was told of restored input")
		}
	})
}
