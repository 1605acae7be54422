package kb

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueryForms(t *testing.T) {
	doc := NewTerms()
	doc.Add("空调不制冷的处理方法", WeightTitle, true)
	doc.Add("电冰箱", WeightTags, true)
	doc.Add("室外机 E1 故障，检查 KFR-35 的冷媒。空调 不 能 制冷", WeightBody, false)
	terms := doc.Set()
	syn := Vocabulary{Synonyms: [][]string{{"冰箱", "电冰箱", "bingxiang"}}}
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"空调不制冷", true}, {"空调 制冷", true}, {"kongtiao", true}, {"ktbzl", true}, {"kt bzl", true},
		{"kongtiao 不制冷", true}, {"kt 制冷", true}, {"e1", true}, {"kfr", true}, {"冰箱", true},
		{"洗衣机", false}, {"xiyiji", false}, {"xyj", false}, {"kongtiaobuzhileng", true}, {"zhileng", true},
	} {
		p := ParseQuery(tc.q, syn)
		require.Equal(t, tc.want, p.Match.Matches(terms), "%s: %s", tc.q, p.Match.TSQuery())
	}
	seg, ok := splitPinyin("kongtiao")
	require.True(t, ok)
	require.Equal(t, []string{"kong", "tiao"}, seg)
	_, ok = splitPinyin("ktbzl")
	require.False(t, ok)
}

func TestSnippetMarks(t *testing.T) {
	a := &Article{Body: "用户反映空调不能制冷，检查压缩机 <b>E1</b>"}
	require.Contains(t, Snippet(a, ParseQuery("空调", Vocabulary{}).Highlight), "<mark>空调</mark>")
	require.Contains(t, Snippet(a, ParseQuery("ysj", Vocabulary{}).Highlight), "<mark>压缩机</mark>")
	require.Contains(t, Snippet(a, ParseQuery("kongtiao", Vocabulary{}).Highlight), "<mark>空调</mark>")
	require.Contains(t, Snippet(a, ParseQuery("E1", Vocabulary{}).Highlight), "<mark>E1</mark>")
}
