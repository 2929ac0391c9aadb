package api

import (
	"database/sql"
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
)

// handle wraps a handler so that every error it returns goes through toAPIError.
func handle(fn func(*core.RequestEvent) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := fn(e); err != nil {
			return toAPIError(e, err)
		}
		return nil
	}
}

// toAPIError is the one mapping from errors to Roster's JSON error answers (docs/architecture.md):
// 400 invalid field (data.<field>.code), 401 not signed in, 403 refused (data.code),
// 404 not found, 409 precondition (data.code + details). Anything else is logged and
// answered 500 without its internals.
func toAPIError(e *core.RequestEvent, err error) error {
	if fe, ok := fail.As(err); ok {
		return fe.API()
	}
	var ve validation.Errors
	if errors.As(err, &ve) {
		return apis.NewBadRequestError("Some fields are invalid.", ve)
	}
	var ae *router.ApiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apis.NewNotFoundError("Not found.", nil)
	}
	e.App.Logger().Error("request failed", "path", e.Request.URL.Path, "error", err)
	return apis.NewInternalServerError("Something went wrong on our side; it has been logged.", nil)
}
