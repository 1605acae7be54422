package core_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestParseSMSReply(t *testing.T) {
	t.Parallel()
	kw := core.DefaultReplyKeywords()
	cases := []struct {
		name, in   string
		kind, num  string
		score      int
		wantErrMsg string
	}{
		{"accept zh", "接单 WO-2611-000123", core.ReplyAccept, "WO-2611-000123", 0, ""},
		{"arrived zh no space", "到达WO-2611-000123", core.ReplyArrived, "WO-2611-000123", 0, ""},
		{"done en lower, compact number", "done wo2611000123", core.ReplyDone, "WO-2611-000123", 0, ""},
		{"short number padded", "完工 WO-2611-42", core.ReplyDone, "WO-2611-000042", 0, ""},
		{"full-width", "接单　ＷＯ－２６１１－０００１２３", core.ReplyAccept, "WO-2611-000123", 0, ""},
		{"no number", "到达", core.ReplyArrived, "", 0, ""},
		{"satisfaction", "5", core.ReplySatisfaction, "", 5, ""},
		{"satisfaction full-width", "４", core.ReplySatisfaction, "", 4, ""},
		{"digit out of range", "9", "", "", 0, "no command"},
		{"two commands", "接单 完工 WO-2611-1", "", "", 0, "two different"},
		{"gibberish", "你好，师傅什么时候来？", "", "", 0, "no command"},
		{"empty", "   ", "", "", 0, "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := core.ParseSMSReply(c.in, kw)
			if c.wantErrMsg != "" {
				require.Equal(t, core.EINVALID, core.ErrorCode(err))
				require.Contains(t, core.ErrorMessage(err), c.wantErrMsg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.kind, r.Kind)
			require.Equal(t, c.num, r.OrderNumber)
			require.Equal(t, c.score, r.Score)
		})
	}
}

func FuzzParseSMSReply(f *testing.F) {
	for _, s := range []string{"接单 WO-2611-000123", "5", "done wo2611000123", "ＷＯ－", "\xff\xfe", strings.Repeat("完工", 300)} {
		f.Add(s)
	}
	kw := core.DefaultReplyKeywords()
	f.Fuzz(func(t *testing.T, in string) {
		r, err := core.ParseSMSReply(in, kw)
		if err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		require.Contains(t, []string{core.ReplyAccept, core.ReplyArrived, core.ReplyDone, core.ReplySatisfaction}, r.Kind)
		if r.Kind == core.ReplySatisfaction {
			require.True(t, r.Score >= 1 && r.Score <= 5)
		}
		if r.OrderNumber != "" {
			require.Regexp(t, `^WO-\d{4}-\d{6}$`, r.OrderNumber)
		}
		require.True(t, utf8.ValidString(r.OrderNumber))
	})
}
