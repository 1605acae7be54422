package core

import (
	"encoding/base64"
	"strings"
)

// validSignature accepts a PNG or JPEG data URL whose content really is one.
func validSignature(s string) bool {
	var prefix, magic string
	switch {
	case strings.HasPrefix(s, "data:image/png;base64,"):
		prefix, magic = "data:image/png;base64,", "\x89PNG\r\n\x1a\n"
	case strings.HasPrefix(s, "data:image/jpeg;base64,"):
		prefix, magic = "data:image/jpeg;base64,", "\xff\xd8\xff"
	default:
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(s[len(prefix):])
	return err == nil && len(raw) <= 512<<10 && strings.HasPrefix(string(raw), magic)
}
