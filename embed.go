// Package stratpub holds the default look of a publication: the templates
// and assets embedded in the binary. A publication's own templates/ and
// assets/ folders override them file by file.
package stratpub

import "embed"

// Theme holds templates/ and assets/.
//
//go:embed templates assets
var Theme embed.FS
