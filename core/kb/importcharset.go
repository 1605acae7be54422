package kb

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/aftersales/aftersales/core"
)

// Charsets an import's CSV may be in, besides UTF-8: spreadsheets in a
// Chinese locale save CSV in GBK by default. GB18030 decodes GBK and
// GB2312 too.
var gbCharsets = map[string]bool{"gbk": true, "gb2312": true, "gb18030": true}

// ImportCharsets names the charsets an import accepts ("" detects).
var ImportCharsets = []string{"utf-8", "gbk", "gb18030", "gb2312"}

// decodeCSV returns a CSV file's text as UTF-8. With a declared charset
// (f.Charset: the import's charset field or the file's Content-Type) the
// file is read in it; without, UTF-8 when it is valid UTF-8, else GB18030
// when it decodes without a replacement character (a GBK file from
// Excel), else an error naming the file and what to do.
func decodeCSV(f ImportFile) ([]byte, error) {
	cs := strings.ToLower(strings.TrimSpace(f.Charset))
	data := f.Data
	switch {
	case cs == "" || cs == "utf-8" || cs == "utf8":
		if utf8.Valid(data) {
			return data, nil
		}
		if cs == "" {
			if out, ok := fromGB18030(data); ok {
				return out, nil
			}
			return nil, core.FieldError("files", "%s is neither UTF-8 nor GBK text: save it as CSV UTF-8 or CSV (GBK)", f.Name)
		}
		return nil, core.FieldError("files", "%s is not valid UTF-8: save it as CSV UTF-8, or send charset gbk", f.Name)
	case gbCharsets[cs]:
		if out, ok := fromGB18030(data); ok {
			return out, nil
		}
		return nil, core.FieldError("files", "%s is not valid %s text", f.Name, strings.ToUpper(cs))
	}
	return nil, core.FieldError("charset", "must be one of %s, not %q", strings.Join(ImportCharsets, ", "), f.Charset)
}

// fromGB18030 decodes data; false when a byte sequence is not GB18030
// (the decoder writes U+FFFD for it).
func fromGB18030(data []byte) ([]byte, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, false
	}
	return out, true
}
