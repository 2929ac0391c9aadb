package access

// Actor is who acts on an organisation: the policy's view of them (Member), their
// organisation, how sentences, mails and the audit log name them, and where the request
// came from. The HTTP edge builds it once per request (internal/api, loadActor); the CLI
// acts as the Operator. Every service that changes something takes an Actor first.
type Actor struct {
	Member
	Org   string
	User  string // the account's id; empty for the operator
	Name  string // how sentences and mails call them (people.Name)
	Label string // how the audit log names them (people.Label)
	IP    string // where the request came from; empty off the network
}

// OperatorID is the actor id the audit log records for the instance's operator.
const OperatorID = "superuser"

// Operator is the instance's operator acting on org (the CLI): held by every invariant,
// not by the policy, which is for members. Services that accept it say so.
func Operator(org string) Actor {
	return Actor{Member: Member{ID: OperatorID}, Org: org, Label: OperatorID}
}

// IsOperator reports whether a is the instance's operator.
func (a Actor) IsOperator() bool { return a.ID == OperatorID }
