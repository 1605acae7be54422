package district

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	tb := Default()
	got := tb.Search("南山", 10)
	var codes []string
	for _, d := range got {
		codes = append(codes, d.Code)
	}
	require.Contains(t, codes, "440305")
	require.Equal(t, "440305", tb.Search("440305", 5)[0].Code)
	require.Equal(t, LevelProvince, tb.Search("广西", 5)[0].Level, "provinces come first")
	require.Len(t, tb.Search("区", 7), 7)
	require.Empty(t, tb.Search("  ", 7))
	require.Empty(t, tb.Search("不存在的地方", 7))
}
