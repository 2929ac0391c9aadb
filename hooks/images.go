package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"roster/internal/fail"
	"roster/internal/images"
)

// imageFields are the file fields that hold pictures, by collection.
var imageFields = map[string]string{"users": "avatar", "organizations": "logo"}

// bindImageLimits checks every new avatar and logo (images.Check) before it is stored,
// on every path: Roster's routes, PocketBase's records and batch APIs, the dashboard
// and Go code. Validation refuses it first, with the field named as PocketBase's own
// field errors are; the execute step checks again for a save without validation
// (SaveNoValidate), since the file is written to storage within that step.
func bindImageLimits(app core.App) {
	for collection := range imageFields {
		app.OnRecordValidate(collection).BindFunc(checkImages)
		app.OnRecordCreateExecute(collection).BindFunc(checkImages)
		app.OnRecordUpdateExecute(collection).BindFunc(checkImages)
	}
}

func checkImages(e *core.RecordEvent) error {
	field := imageFields[e.Record.Collection().Name]
	limit := int64(0)
	if f, ok := e.Record.Collection().Fields.GetByName(field).(*core.FileField); ok {
		limit = f.MaxSize // the schema's limit (a logo is at most 2 MB), capped by images.MaxBytes
	}
	for _, f := range e.Record.GetUnsavedFiles(field) {
		if err := images.Check(field, f, limit); err != nil {
			if fe, ok := fail.As(err); ok {
				return validation.Errors{fe.Field: validation.NewError(fe.Code, fe.Message)}
			}
			return err
		}
	}
	return e.Next()
}
