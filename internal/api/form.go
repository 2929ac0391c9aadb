package api

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"roster/internal/fail"
)

// isMultipart tells a multipart form (a file upload) from a JSON body.
func isMultipart(e *core.RequestEvent) bool {
	return strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data")
}

// multipartFields reads a multipart form's text fields, the first value of each; its
// files stay in e.Request.MultipartForm (e.FindUploadedFiles).
func multipartFields(e *core.RequestEvent) (map[string]string, error) {
	if err := e.Request.ParseMultipartForm(router.DefaultMaxMemory); err != nil {
		return nil, fail.Invalid("body", "invalid_form", "The form could not be read.")
	}
	out := map[string]string{}
	for k, v := range e.Request.MultipartForm.Value {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out, nil
}

// formBool reads a yes/no field of a form in the one spelling every form takes: true,
// 1, on or yes, false, 0, off or no (any case). nil when it is empty or not sent.
func formBool(fields map[string]string, name string) (*bool, error) {
	switch strings.ToLower(strings.TrimSpace(fields[name])) {
	case "":
		return nil, nil
	case "true", "1", "on", "yes":
		return &[]bool{true}[0], nil
	case "false", "0", "off", "no":
		return &[]bool{false}[0], nil
	}
	return nil, fail.Invalid(name, "invalid_type", name+" is true or false.")
}
