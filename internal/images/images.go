// Package images checks the pictures Roster stores (a member's avatar, an
// organisation's logo) before they are stored (docs/reliability.md §9): the
// type, the bytes and the pixels, read from the header alone. A picture is decoded
// in full only later, when PocketBase makes its thumbnail, so its header must not
// promise more pixels than a thumbnail may cost.
package images

import (
	"fmt"
	"image"
	_ "image/gif" // the formats image.DecodeConfig recognises
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"

	"github.com/pocketbase/pocketbase/tools/filesystem"
	_ "golang.org/x/image/webp"

	"roster/internal/fail"
)

// Limits of a stored picture.
const (
	MaxBytes = 5 << 20 // the largest file
	MaxSide  = 4096    // the largest width and height, in pixels
)

// extensions are the formats a picture may have (image.DecodeConfig's names) and the
// extension its stored name gets.
var extensions = map[string]string{"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp"}

// Check reports whether f, sent for field, is a picture Roster stores: a PNG, JPEG,
// WebP or GIF image by its content (whatever its name says), of at most maxBytes
// (MaxBytes when that is 0 or more) and at most MaxSide × MaxSide pixels as its header
// declares. The picture is not decoded. It then gives f's stored name the extension
// of its real type ("photo_x1.jpg" holding a PNG is stored as "photo_x1.png").
// Errors: 400 naming field, image_too_large (the message names the limit) or
// invalid_type.
func Check(field string, f *filesystem.File, maxBytes int64) error {
	if maxBytes <= 0 || maxBytes > MaxBytes {
		maxBytes = MaxBytes
	}
	if f.Size > maxBytes {
		return fail.Invalid(field, "image_too_large", fmt.Sprintf("The image must be %d MB or less.", maxBytes>>20))
	}
	r, err := f.Reader.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	// The limit holds even when f.Size (set by whoever made f) is wrong.
	cfg, format, err := image.DecodeConfig(io.LimitReader(r, maxBytes))
	ext, known := extensions[format]
	if err != nil || !known {
		return fail.Invalid(field, "invalid_type", "The image must be a PNG, JPEG, WebP or GIF file.")
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide {
		return fail.Invalid(field, "image_too_large", fmt.Sprintf("The image must be at most %d × %d pixels; this one is %d × %d.",
			MaxSide, MaxSide, cfg.Width, cfg.Height))
	}
	f.Name = withExtension(f.Name, ext)
	return nil
}

// withExtension replaces name's extension (everything from its first dot: the names
// PocketBase makes have dots only there, "photo_x1.tar.gz") with ext.
func withExtension(name, ext string) string {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return name + ext
}
