package blob

import (
	"bytes"
)

// sniffLen is how much of the content Sniff needs.
const sniffLen = 512

// Sniff names the content type of a file by its first bytes: one of
// DefaultTypes, or application/octet-stream for anything else. What the
// uploader claims is never trusted.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return "image/webp"
	case isHEIC(head):
		return "image/heic"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf"
	}
	return "application/octet-stream"
}

// isHEIC: an ISO base media file whose ftyp box names a HEIF brand, as
// iPhones and many Android phones save photos.
func isHEIC(head []byte) bool {
	if len(head) < 16 || !bytes.Equal(head[4:8], []byte("ftyp")) {
		return false
	}
	size := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if size < 16 || size > len(head) {
		size = min(len(head), 64)
	}
	brands := map[string]bool{"heic": true, "heix": true, "hevc": true, "hevx": true, "heim": true, "heis": true,
		"mif1": true, "msf1": true}
	if brands[string(head[8:12])] {
		return true
	}
	for i := 16; i+4 <= size; i += 4 { // compatible brands
		if brands[string(head[i:i+4])] {
			return true
		}
	}
	return false
}
