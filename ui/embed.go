// Package ui embeds the built single-page app (ui/dist) into the binary.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var files embed.FS

// Dist returns the built app, rooted at dist/.
func Dist() fs.FS {
	d, err := fs.Sub(files, "dist")
	if err != nil {
		panic(err)
	}
	return d
}
