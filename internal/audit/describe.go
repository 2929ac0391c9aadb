package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"roster/internal/access"
	"roster/internal/mail"
)

// Describe writes row r as a sentence in lang (fr, else en) — "Hélène Dupré a désactivé
// Luc Garçon." — from its action, its actor's and target's labels and its details. An
// action it does not know gets a generic sentence naming the action.
func Describe(r Row, lang string) string {
	s := newSentence(r, lang)
	if d, ok := describers[access.Action(r.Action)]; ok {
		if out := d(s); out != "" {
			return out
		}
	}
	if s.r.TargetLabel == "" && s.r.TargetID == "" {
		return s.say("{A} a effectué l’action «\u202f"+r.Action+"\u202f».", "{A} performed “"+r.Action+"”.")
	}
	return s.say("{A} a effectué l’action «\u202f"+r.Action+"\u202f» sur {T}.", "{A} performed “"+r.Action+"” on {T}.")
}

// Described reports whether Describe has a sentence of its own for action.
func Described(action access.Action) bool {
	_, ok := describers[action]
	return ok
}

// describers write one action's sentence; "" falls back to the generic one. Placeholders:
// {A} the actor, {T} the target, {deT} "de T" with French elision ("d’Éric"), {T's} the
// English possessive.
var describers = map[access.Action]func(s *sentence) string{
	// Members, by an administrator or the owner.
	access.MembersDisable: func(s *sentence) string { return s.say("{A} a désactivé {T}.", "{A} disabled {T}.") },
	access.MembersEnable:  func(s *sentence) string { return s.say("{A} a réactivé {T}.", "{A} enabled {T} again.") },
	access.MembersUpdateProfile: func(s *sentence) string {
		f := s.fields(s.after)
		if s.self {
			return s.say("{A} a modifié son profil ("+f+").", "{A} updated their profile ("+f+").")
		}
		return s.say("{A} a modifié le profil {deT} ("+f+").", "{A} updated {T's} profile ("+f+").")
	},
	access.MembersChangeEmail: func(s *sentence) string {
		return s.say("{A} a changé l’adresse e-mail {deT}.", "{A} changed {T's} email address.")
	},
	access.MembersChangeUserType: func(s *sentence) string {
		from, to := s.word(s.before["userType"]), s.word(s.after["userType"])
		return s.say("{A} a changé le type d’utilisateur {deT}\u00a0: "+from+" → "+to+".",
			"{A} changed {T's} user type from "+from+" to "+to+".")
	},
	access.MembersChangeRole: func(s *sentence) string {
		from, to := s.word(s.before["role"]), s.word(s.after["role"])
		if from == "" || to == "" {
			return s.say("{A} a changé le rôle {deT}.", "{A} changed {T's} role.")
		}
		return s.say("{A} a changé le rôle {deT}\u00a0: "+from+" → "+to+".", "{A} changed {T's} role from "+from+" to "+to+".")
	},
	access.MembersPartnerAccess: func(s *sentence) string {
		if on, _ := s.after["partnerAccess"].(bool); on {
			return s.say("{A} a activé l’accès partenaire {deT}.", "{A} turned on partner access for {T}.")
		}
		return s.say("{A} a désactivé l’accès partenaire {deT}.", "{A} turned off partner access for {T}.")
	},
	access.MembersManageCredits: func(s *sentence) string {
		v, ok := s.after["creditsAllocated"].(float64)
		if !ok {
			return s.say("{A} a retiré la limite de crédits {deT}.", "{A} removed {T's} credit limit.")
		}
		return s.say("{A} a fixé les crédits {deT} à "+s.number(v)+".", "{A} set {T's} credits to "+s.number(v)+".")
	},
	access.MembersEndSessions: func(s *sentence) string {
		return s.say("{A} a fermé toutes les sessions {deT}.", "{A} ended every session of {T}.")
	},
	access.MembersResetPassword: func(s *sentence) string {
		return s.say("{A} a réinitialisé le mot de passe {deT}.", "{A} reset {T's} password.")
	},
	access.MembersDisableMfa: func(s *sentence) string {
		return s.say("{A} a désactivé la double authentification {deT}.", "{A} turned off two-factor authentication for {T}.")
	},
	access.MembersRemove: func(s *sentence) string {
		if to, ok := s.after["transferredTo"].(map[string]any); ok {
			heir := s.who(s.text(to["label"]), s.text(to["id"]), false)
			return s.say("{A} a retiré {T} de l’organisation et transféré son contenu à "+heir+".",
				"{A} removed {T} from the organisation and handed their content over to "+heir+".")
		}
		return s.say("{A} a retiré {T} de l’organisation.", "{A} removed {T} from the organisation.")
	},
	access.MembersInvite: func(s *sentence) string {
		as := map[string][2]string{"admin": {"en tant qu’administrateur", "as an administrator"}, "member": {"en tant que membre", "as a member"}}
		r, ok := as[s.text(s.details["role"])]
		if !ok {
			return s.say("{A} a invité {T}.", "{A} invited {T}.")
		}
		return s.say("{A} a invité {T} "+r[0]+".", "{A} invited {T} "+r[1]+".")
	},
	access.MembersJoin: func(s *sentence) string {
		return s.say("{A} a rejoint l’organisation.", "{A} joined the organisation.")
	},
	access.MembersDirectory: func(s *sentence) string { return s.say("{A} a consulté l’annuaire.", "{A} viewed the directory.") },
	access.MembersList: func(s *sentence) string {
		return s.say("{A} a consulté la liste des membres.", "{A} viewed the member list.")
	},
	access.MembersExport: func(s *sentence) string {
		return s.say("{A} a exporté la liste des membres.", "{A} exported the member list.")
	},

	// Invitations.
	access.InvitationsResend: func(s *sentence) string {
		return s.say("{A} a renvoyé l’invitation à {T}.", "{A} resent the invitation to {T}.")
	},
	access.InvitationsRevoke: func(s *sentence) string {
		return s.say("{A} a révoqué l’invitation envoyée à {T}.", "{A} revoked the invitation to {T}.")
	},
	access.InvitationsExpire: func(s *sentence) string {
		return s.say("L’invitation envoyée à {T} a expiré.", "The invitation to {T} expired.")
	},

	// The organisation.
	access.OrgCreate: func(s *sentence) string {
		return s.say("{A} a créé l’organisation {T}.", "{A} created the organisation {T}.")
	},
	access.OrgSettings: func(s *sentence) string {
		f := s.fields(s.after)
		return s.say("{A} a modifié les paramètres de l’organisation ("+f+").", "{A} changed the organisation’s settings ("+f+").")
	},
	// The instance operator, through PocketBase's records API (hooks/operator.go).
	access.OperatorEdit: func(s *sentence) string {
		f := s.fields(s.after)
		return s.say("{A} a modifié {T} depuis la console de l’instance ("+f+").", "{A} edited {T} from the instance’s dashboard ("+f+").")
	},
	access.ReportsSettings: func(s *sentence) string {
		return s.say("{A} a modifié les sections de rapport partagées.", "{A} changed which report sections are shared.")
	},
	access.OrgTransferOwnership: func(s *sentence) string {
		return s.say("{A} a transféré la propriété de l’organisation à {T}.", "{A} transferred ownership of the organisation to {T}.")
	},
	access.OrgLeave: func(s *sentence) string {
		return s.say("{A} a quitté l’organisation.", "{A} left the organisation.")
	},

	// Billing and credits.
	access.BillingManage: func(s *sentence) string { return s.say("{A} a modifié la facturation.", "{A} changed billing.") },
	access.BillingChangePlan: func(s *sentence) string {
		from, to := s.text(s.before["plan"]), s.text(s.after["plan"])
		if from == "" || to == "" {
			return s.say("{A} a changé d’offre pour {T}.", "{A} changed the plan to {T}.")
		}
		return s.say("{A} a changé d’offre\u00a0: "+from+" → "+to+".", "{A} changed the plan from "+from+" to "+to+".")
	},
	access.BillingClosePeriod: func(s *sentence) string {
		return s.say("{A} a clôturé la période de facturation (facture {T}).", "{A} closed the billing period (invoice {T}).")
	},
	access.BillingPayInvoice: func(s *sentence) string {
		return s.say("{A} a enregistré le paiement de la facture {T}.", "{A} recorded the payment of invoice {T}.")
	},
	access.BillingAddPaymentMethod: func(s *sentence) string {
		return s.say("{A} a ajouté le moyen de paiement {T}.", "{A} added the payment method {T}.")
	},
	access.BillingUpdatePaymentMethod: func(s *sentence) string {
		return s.say("{A} a modifié le moyen de paiement {T}.", "{A} updated the payment method {T}.")
	},
	access.BillingRemovePaymentMethod: func(s *sentence) string {
		return s.say("{A} a supprimé le moyen de paiement {T}.", "{A} removed the payment method {T}.")
	},
	access.CreditsConsume: func(s *sentence) string {
		n, ok := s.details["amount"].(float64)
		if !ok {
			return s.say("{A} a utilisé des crédits.", "{A} used credits.")
		}
		return s.say("{A} a utilisé "+s.number(n)+" crédits.", "{A} used "+s.number(n)+" credits.")
	},

	// A member's own account.
	access.AccountPasswordChange: func(s *sentence) string {
		return s.say("{A} a changé son mot de passe.", "{A} changed their password.")
	},
	access.AccountTotpEnable: func(s *sentence) string {
		return s.say("{A} a activé la double authentification.", "{A} turned on two-factor authentication.")
	},
	access.AccountTotpDisable: func(s *sentence) string {
		return s.say("{A} a désactivé sa double authentification.", "{A} turned off their two-factor authentication.")
	},
	access.AccountRecoveryCodes: func(s *sentence) string {
		return s.say("{A} a généré de nouveaux codes de récupération.", "{A} generated new recovery codes.")
	},
	access.AccountRecoveryCodeUsed: func(s *sentence) string {
		n, ok := s.after["recoveryCodesLeft"].(float64)
		if !ok {
			return s.say("{A} s’est connecté avec un code de récupération.", "{A} signed in with a recovery code.")
		}
		left := s.number(n)
		return s.say("{A} s’est connecté avec un code de récupération ("+left+" restants).",
			"{A} signed in with a recovery code ("+left+" left).")
	},

	// Licences and shared content.
	access.LicensesManage: func(s *sentence) string {
		return s.say("{A} a modifié la licence {T}.", "{A} changed the licence {T}.")
	},
	access.LicensesCreate: func(s *sentence) string { return s.say("{A} a créé la licence {T}.", "{A} created the licence {T}.") },
	access.LicensesUpdate: func(s *sentence) string {
		return s.say("{A} a modifié la licence {T}.", "{A} updated the licence {T}.")
	},
	access.LicensesDelete: func(s *sentence) string {
		return s.say("{A} a supprimé la licence {T}.", "{A} deleted the licence {T}.")
	},
	access.LicensesAssign: func(s *sentence) string {
		if l := s.licence(); l != "" {
			return s.say("{A} a attribué la licence "+l+" à {T}.", "{A} assigned the licence "+l+" to {T}.")
		}
		return s.say("{A} a attribué une licence à {T}.", "{A} assigned a licence to {T}.")
	},
	access.LicensesRevoke: func(s *sentence) string {
		if l := s.licence(); l != "" {
			return s.say("{A} a retiré la licence "+l+" à {T}.", "{A} revoked the licence "+l+" from {T}.")
		}
		return s.say("{A} a retiré une licence à {T}.", "{A} revoked a licence from {T}.")
	},
	access.ItemsCreate: func(s *sentence) string { return s.say("{A} a créé l’élément {T}.", "{A} created the item {T}.") },
	access.ItemsUpdate: func(s *sentence) string {
		return s.say("{A} a modifié l’élément {T}.", "{A} updated the item {T}.")
	},
	access.ItemsDelete: func(s *sentence) string {
		return s.say("{A} a supprimé l’élément {T}.", "{A} deleted the item {T}.")
	},
	access.GroupsCreate: func(s *sentence) string { return s.say("{A} a créé le groupe {T}.", "{A} created the group {T}.") },
	access.GroupsUpdate: func(s *sentence) string { return s.say("{A} a modifié le groupe {T}.", "{A} updated the group {T}.") },
	access.GroupsDelete: func(s *sentence) string { return s.say("{A} a supprimé le groupe {T}.", "{A} deleted the group {T}.") },
	access.GroupsMembers: func(s *sentence) string {
		return s.say("{A} a modifié les membres du groupe {T}.", "{A} changed the members of the group {T}.")
	},
	access.ContentCreate: func(s *sentence) string { return s.say("{A} a créé {T}.", "{A} created {T}.") },
	access.ContentUse:    func(s *sentence) string { return s.say("{A} a utilisé {T}.", "{A} used {T}.") },

	// Reading, should it ever be recorded.
	access.ReportsView: func(s *sentence) string { return s.say("{A} a consulté les rapports.", "{A} viewed the reports.") },
	access.AuditView: func(s *sentence) string {
		return s.say("{A} a consulté le journal d’audit.", "{A} viewed the audit log.")
	},
	access.AuditExport: func(s *sentence) string {
		return s.say("{A} a exporté le journal d’audit.", "{A} exported the audit log.")
	},

	// The audit log itself.
	access.AuditRekeyed: func(s *sentence) string {
		n, _ := s.details["rows"].(float64)
		v, _ := s.details["verified"].(float64)
		at, broken := s.details["brokeAt"].(float64)
		if !broken {
			return s.say("{A} a scellé le journal d’audit avec la clé de l’instance ("+s.number(v)+" entrées vérifiées).",
				"{A} sealed the audit log with the instance’s key ("+s.number(v)+" entries verified).")
		}
		return s.say("{A} a scellé le journal d’audit avec la clé de l’instance\u202f; la chaîne était déjà rompue à l’entrée "+
			s.number(at)+" ("+s.number(v)+" entrées vérifiées sur "+s.number(n)+").",
			"{A} sealed the audit log with the instance’s key; the chain was already broken at entry "+s.number(at)+
				" ("+s.number(v)+" of "+s.number(n)+" entries verified).")
	},

	// The instance.
	access.DemoSeed: func(s *sentence) string {
		n, ok := s.details["members"].(float64)
		if !ok {
			return s.say("{A} a ajouté des données de démonstration à {T}.", "{A} added demo data to {T}.")
		}
		return s.say("{A} a ajouté "+s.number(n)+" membres de démonstration à {T}.", "{A} added "+s.number(n)+" demo members to {T}.")
	},
}

// sentence is one row being written out.
type sentence struct {
	r                      Row
	fr, self               bool
	actor, target          string
	details, before, after map[string]any
}

func newSentence(r Row, lang string) *sentence {
	s := &sentence{r: r, fr: lang == "fr", self: r.Actor != "" && r.Actor == r.TargetID}
	s.actor = s.who(r.ActorLabel, r.Actor, true)
	s.target = s.who(r.TargetLabel, r.TargetID, false)
	_ = json.Unmarshal([]byte(r.Details), &s.details)
	s.before, _ = s.details["before"].(map[string]any)
	s.after, _ = s.details["after"].(map[string]any)
	return s
}

// licence is the name of the licence a row's details name, if any.
func (s *sentence) licence() string {
	l, _ := s.details["license"].(map[string]any)
	return s.text(l["name"])
}

// who turns a label ("Hélène Dupré <helene@example.com>", "system") into a name.
func (s *sentence) who(label, id string, actor bool) string {
	switch {
	case label == ActorSystem || label == "" && id == ActorSystem:
		return s.pick("Le système", "The system")
	case label == ActorSuperuser || label == "" && id == ActorSuperuser:
		return s.pick("L’opérateur de l’instance", "The instance operator")
	case label == "" && actor:
		return s.pick("Quelqu’un", "Someone")
	case label == "":
		return id
	}
	if i := strings.LastIndex(label, " <"); i > 0 && strings.HasSuffix(label, ">") {
		return label[:i]
	}
	return label
}

func (s *sentence) pick(fr, en string) string {
	if s.fr {
		return fr
	}
	return en
}

// say fills the placeholders of the sentence in the row's language.
func (s *sentence) say(fr, en string) string {
	return strings.NewReplacer("{A}", s.actor, "{T}", s.target, "{deT}", mail.De(s.target), "{T's}", possessive(s.target)).
		Replace(s.pick(fr, en))
}

func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "’"
	}
	return name + "’s"
}

// word names a role or user type code in the sentence's language: "administrator", never
// the code "admin".
func (s *sentence) word(v any) string {
	w := s.text(v)
	if fr, ok := access.French[w]; ok && s.fr {
		return fr
	}
	if en, ok := english[w]; ok && !s.fr {
		return en
	}
	return w
}

// english are the codes whose English word is not the code itself.
var english = map[string]string{string(access.RoleAdmin): "administrator"}

func (s *sentence) text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (s *sentence) number(v float64) string {
	n := strconv.FormatFloat(v, 'f', -1, 64)
	if s.fr {
		return strings.Replace(n, ".", ",", 1)
	}
	return n
}

// fieldNames are the changed fields' names in sentences: [French, English].
var fieldNames = map[string][2]string{
	// A member's profile.
	"givenName": {"prénom", "given name"}, "familyName": {"nom de famille", "family name"},
	"description": {"description", "description"}, "visibility": {"visibilité", "visibility"},
	"language": {"langue", "language"}, "units": {"unités", "units"}, "email": {"adresse e-mail", "email address"},
	"avatar": {"photo", "picture"},
	// Groups and items.
	"title": {"titre", "title"},
	// The organisation's settings.
	"name": {"nom", "name"}, "logo": {"logo", "logo"}, "defaultLanguage": {"langue par défaut", "default language"},
	"defaultUnits": {"unités par défaut", "default units"}, "mfaEnabled": {"double authentification", "two-factor authentication"},
	"mfaRequired":     {"double authentification obligatoire", "two-factor authentication required"},
	"creditBudgeting": {"budget de crédits", "credit budgeting"}, "creditsPool": {"réserve de crédits", "credit pool"},
	"inviteTtlDays":  {"durée des invitations", "invitation lifetime"},
	"allowedDomains": {"domaines autorisés", "allowed domains"}, "partnerAccessDefault": {"accès partenaire par défaut", "default partner access"},
	"newMemberRole":     {"rôle des nouveaux membres", "new members’ role"},
	"newMemberUserType": {"type des nouveaux membres", "new members’ user type"},
	"newMemberCredits":  {"crédits des nouveaux membres", "new members’ credits"},
	"reportSections":    {"sections des rapports", "report sections"},
}

// fields names the keys of m, in a stable order, in the sentence's language.
func (s *sentence) fields(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if n, ok := fieldNames[k]; ok {
			keys[i] = s.pick(n[0], n[1])
		}
	}
	return strings.Join(keys, ", ")
}
