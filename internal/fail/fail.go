// Package fail owns Roster's one domain error type. Services return a *fail.Error
// (or wrap one); the API layer maps its Kind to an HTTP status in one place.
package fail

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/tools/router"
)

// Kind classifies an error; each kind has one HTTP status (see internal/api).
type Kind int

const (
	// KindInvalid is bad input: 400, naming the field.
	KindInvalid Kind = iota + 1
	// KindUnauthenticated is a missing or bad sign-in: 401.
	KindUnauthenticated
	// KindForbidden is a refused action: 403, saying why.
	KindForbidden
	// KindNotFound is an unknown target, or one in another organisation: 404.
	KindNotFound
	// KindConflict is an unmet precondition: 409 with a code and details.
	KindConflict
)

// Error is a domain error. Message is safe to show to the caller; it never holds a secret.
type Error struct {
	Kind    Kind
	Code    string         // machine-readable, e.g. "seat_limit", "owner_protected"
	Message string         // human-readable, English
	Field   string         // KindInvalid: the offending field
	Details map[string]any // extra data the UI needs to fix the problem
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Field, e.Message, e.Code)
	}
	return fmt.Sprintf("%s (%s)", e.Message, e.Code)
}

// As lets errors.As find a *router.ApiError in a domain error, with its status, message
// and data. PocketBase's own handlers (the records and batch APIs the operator's
// dashboard uses) look for one in what a model hook returned: without it, a refusal
// from a hook reached them as a bare 400 "Failed to update record.".
func (e *Error) As(target any) bool {
	t, ok := target.(**router.ApiError)
	if ok {
		*t = e.API()
	}
	return ok
}

// API is the error as an HTTP answer, built directly: PocketBase's constructors keep
// only validation errors in data, and the answer needs data.code and the details as
// they are.
func (e *Error) API() *router.ApiError {
	return &router.ApiError{Status: e.Status(), Message: e.Message, Data: e.Data()}
}

// Invalid reports bad input in one field.
func Invalid(field, code, message string) *Error {
	return &Error{Kind: KindInvalid, Field: field, Code: code, Message: message}
}

// Forbidden reports an action the caller may not perform.
func Forbidden(code, message string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: message}
}

// NotFound reports a target that does not exist for the caller.
func NotFound(message string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: message}
}

// Conflict reports an unmet precondition with the details needed to resolve it.
func Conflict(code, message string, details map[string]any) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: message, Details: details}
}

// Unauthenticated reports a missing or invalid sign-in.
func Unauthenticated(message string) *Error {
	return &Error{Kind: KindUnauthenticated, Code: "unauthenticated", Message: message}
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the given code.
func Is(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

var statuses = map[Kind]int{
	KindInvalid: 400, KindUnauthenticated: 401, KindForbidden: 403, KindNotFound: 404, KindConflict: 409,
}

// Status is the HTTP status of the error's kind.
func (e *Error) Status() int {
	if s, ok := statuses[e.Kind]; ok {
		return s
	}
	return 500
}

// Data is the error's response data: data.<field>.code and message for bad input,
// otherwise data.code and the details.
func (e *Error) Data() map[string]any {
	if e.Kind == KindInvalid {
		return map[string]any{e.Field: map[string]any{"code": e.Code, "message": e.Message}}
	}
	data := map[string]any{"code": e.Code}
	for k, v := range e.Details {
		if k != "code" {
			data[k] = v
		}
	}
	return data
}
