package core_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestParseFaultCodeCSV: columns in any order, optional columns left out
// or empty, a BOM, a short record reported against its line; a bad header
// refuses the file.
func TestParseFaultCodeCSV(t *testing.T) {
	t.Parallel()
	rows, rep, err := core.ParseFaultCodeCSV([]byte("\xef\xbb\xbfname_en,name_zh,code,kind,parent_code,product_line\n" +
		"Not cooling,不制冷,E1,symptom,,AC\n" +
		"\n" +
		"Leak,漏氟,E1-01,symptom,E1,\n" +
		"Broken,坏\n"))
	require.NoError(t, err)
	require.Equal(t, 3, rep.Total)
	require.Len(t, rows, 2)
	require.Equal(t, core.FaultCodeImportRow{Row: 2, Code: core.FaultCode{Kind: "symptom", Code: "E1", ProductLine: ptr("AC"),
		NameZh: "不制冷", NameEn: "Not cooling"}}, rows[0])
	require.Equal(t, 4, rows[1].Row)
	require.Equal(t, "E1", *rows[1].Code.ParentCode)
	require.Nil(t, rows[1].Code.ProductLine)
	require.Equal(t, []core.ImportError{{Row: 5, Message: "has 2 columns; the header has 6"}}, rep.Errors)

	minimal, rep, err := core.ParseFaultCodeCSV([]byte("kind,code,name_zh,name_en\naction,A1,更换,Replace\n"))
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	require.Nil(t, minimal[0].Code.ParentCode)

	for _, bad := range []string{"", "kind,code,name_zh\n", "kind,code,name_zh,name_en,colour\n", "kind,kind,code,name_zh,name_en\n"} {
		_, _, err := core.ParseFaultCodeCSV([]byte(bad))
		require.Equal(t, core.EINVALID, core.ErrorCode(err), "%q", bad)
	}
}

func ptr[T any](v T) *T { return &v }

// FuzzParseFaultCodeCSV: the parser never panics; it either refuses the
// file (EINVALID, nothing else) or accounts for every data row exactly
// once, as a parsed row or as a row error, with row numbers past the
// header; a parsed row validates or fails with EINVALID.
func FuzzParseFaultCodeCSV(f *testing.F) {
	f.Add([]byte("kind,code,parent_code,product_line,name_zh,name_en\nsymptom,E1,,AC,不制冷,Not cooling\ncause,C1,E1,,x,y\n"))
	f.Add([]byte("kind,code,name_zh,name_en\n\"a\nb\",c,\xff,d\n,,,\nx"))
	f.Add([]byte("\xef\xbb\xbfcode,kind,name_en,name_zh\nE1,smell,a,b,c\n"))
	f.Add([]byte("kind"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rep, err := core.ParseFaultCodeCSV(data)
		if err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			require.Nil(t, rows)
			require.Nil(t, rep)
			return
		}
		requireEveryRowOnce(t, rep, rows, func(r core.FaultCodeImportRow) int { return r.Row })
		for _, r := range rows {
			require.True(t, utf8.ValidString(r.Code.Kind+r.Code.Code+r.Code.NameZh+r.Code.NameEn))
			if err := r.Code.Validate(); err != nil {
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
			}
		}
	})
}
