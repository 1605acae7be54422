package callback_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/callback"
)

func TestSMSSurveyAnswers(t *testing.T) {
	t.Parallel()
	q := &callback.Questionnaire{Version: 2, Questions: []callback.Question{
		{Key: "score", Kind: callback.KindRating, Scale: 5, Text: "Rate us", Required: true},
		{Key: "what", Kind: callback.KindMultiple, Text: "What went well?", Options: []callback.Option{
			{Value: "fast", Label: "Fast"}, {Value: "clean", Label: "Clean"}, {Value: "polite", Label: "Polite"}}},
		{Key: "model", Kind: callback.KindFill, Text: "Your model?", Required: true},
	}}
	require.Equal(t, "(1/3) Rate us 请回复1-5分（5分最满意）。", q.SurveyPrompt(0, "zh-CN"))
	require.Equal(t, "(2/3) What went well? Reply the digits of all that apply (e.g. 13): 1 Fast, 2 Clean, 3 Polite; 0 to skip.",
		q.SurveyPrompt(1, "en"))
	require.Equal(t, "(3/3) Your model? Reply in words.", q.SurveyPrompt(2, "en"))

	for _, c := range []struct {
		i      int
		text   string
		want   []string // choices; or the score or text as one item
		skip   bool
		reason string
	}{
		{0, " 4 ", []string{"4"}, false, ""},
		{0, "０", nil, false, "reply one digit 1-5"}, // required: no skip
		{0, "6", nil, false, "reply one digit 1-5"},
		{0, "45", nil, false, "reply one digit 1-5"},
		{1, "13", []string{"fast", "polite"}, false, ""},
		{1, "3, 1 3", []string{"polite", "fast"}, false, ""},
		{1, "１３", []string{"fast", "polite"}, false, ""},
		{1, "0", nil, true, ""},
		{1, "14", nil, false, "reply one or more digits 1-3, e.g. 13"},
		{1, "fast", nil, false, "reply one or more digits 1-3"},
		{2, "KFR-35GW", []string{"KFR-35GW"}, false, ""},
		{2, "0", []string{"0"}, false, ""}, // required: 0 is the answer
	} {
		a, skip, err := q.ParseSMSAnswer(c.i, c.text, "en")
		if c.reason != "" {
			require.Equal(t, core.EINVALID, core.ErrorCode(err), "%q", c.text)
			require.Contains(t, core.ErrorMessage(err), c.reason)
			continue
		}
		require.NoError(t, err, c.text)
		require.Equal(t, c.skip, skip, c.text)
		if skip {
			continue
		}
		switch {
		case a.Score != nil:
			require.Equal(t, c.want[0], string(rune('0'+*a.Score)))
		case a.Choices != nil:
			require.Equal(t, c.want, a.Choices, c.text)
		default:
			require.Equal(t, c.want[0], *a.Text)
		}
		one := &callback.Questionnaire{Questions: q.Questions[c.i : c.i+1]}
		require.NoError(t, one.CheckAnswers([]callback.Answer{a}), c.text)
	}
	_, _, err := q.ParseSMSAnswer(0, "x", "zh-CN")
	require.Equal(t, "回访问卷第1题请回复1-5的一位数字", core.ErrorMessage(err))
}
