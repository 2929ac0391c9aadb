package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Account security: the attempt counter of each two-factor sign-in challenge,
// and the users collection's auth options.
func init() {
	m.Register(func(app core.App) error {
		mfas, err := app.FindCollectionByNameOrId(core.CollectionNameMFAs)
		if err != nil {
			return err
		}
		// One row per challenge (PocketBase's _mfas); it goes with its challenge.
		attempts := core.NewBaseCollection("mfaAttempts")
		attempts.Fields.Add(
			&core.RelationField{Name: "mfa", CollectionId: mfas.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.NumberField{Name: "attempts", OnlyInt: true, Min: f(0)},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		attempts.AddIndex("idx_mfaAttempts_mfa", true, "`mfa`", "")
		if err := app.Save(attempts); err != nil {
			return err
		}

		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		// Roster's TOTP is the second factor (hooks); PocketBase's own MFA and OTP stay off.
		users.MFA.Enabled = false
		users.MFA.Duration = 600
		users.OTP.Enabled = false
		// Roster sends the reset mail itself, from its fr/en templates (security.ResetMail);
		// this bilingual template only serves if that hook is not bound.
		users.ResetPasswordTemplate = core.EmailTemplate{
			Subject: "Réinitialisez votre mot de passe / Reset your password – {APP_NAME}",
			Body: `<p>Bonjour,</p>
<p>Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :</p>
<p><a href="{APP_URL}/reset-password/{TOKEN}">Choisir un nouveau mot de passe</a></p>
<p>Si vous n'avez rien demandé, ignorez ce message.</p>
<hr>
<p>Hello,</p>
<p>To choose a new password, open this link within 30 minutes:</p>
<p><a href="{APP_URL}/reset-password/{TOKEN}">Choose a new password</a></p>
<p>If you did not ask for this, ignore this message.</p>
<p>{APP_NAME}</p>`,
		}
		if err := app.Save(users); err != nil {
			return err
		}

		// The account routes take codes and passwords from signed-in sessions: a tighter
		// limit than the general /api/ one (rules match in order, so it goes first).
		s := app.Settings()
		rule := core.RateLimitRule{Label: "/api/account/", MaxRequests: 30, Duration: 60}
		rules := make([]core.RateLimitRule, 0, len(s.RateLimits.Rules)+1)
		added := false
		for _, r := range s.RateLimits.Rules {
			if r.Label == rule.Label {
				added = true
			}
			if !added && r.Label == "/api/" {
				rules = append(rules, rule)
				added = true
			}
			rules = append(rules, r)
		}
		if !added {
			rules = append(rules, rule)
		}
		s.RateLimits.Rules = rules
		return app.Save(s)
	}, nil)
}
