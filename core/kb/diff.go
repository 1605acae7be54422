package kb

import (
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// diffVersions is a unified diff of two versions' titles and bodies.
func diffVersions(a, b *Version) string {
	text := func(v *Version) []string {
		return difflib.SplitLines("# " + v.Title + "\n\n" + strings.TrimRight(v.Body, "\n") + "\n")
	}
	out, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: text(a), B: text(b),
		FromFile: "version " + strconv.Itoa(a.Version), ToFile: "version " + strconv.Itoa(b.Version), Context: 3})
	return out
}
