package callback

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/aftersales/aftersales/core"
)

// SurveyPrompt is the text of question i of an SMS survey in locale: its
// number, its text and how to answer it (digits for choices and ratings,
// words for fill-in and free text, 0 to skip an optional question).
func (q *Questionnaire) SurveyPrompt(i int, locale string) string {
	qu := &q.Questions[i]
	zh := core.SMSLocale(locale) == core.LocaleZhCN
	var b strings.Builder
	fmt.Fprintf(&b, "(%d/%d) %s ", i+1, len(q.Questions), qu.Text)
	options := func(sep string) string {
		parts := make([]string, len(qu.Options))
		for j, o := range qu.Options {
			parts[j] = strconv.Itoa(j+1) + " " + o.Label
		}
		return strings.Join(parts, sep)
	}
	switch {
	case qu.Kind == KindSingle && zh:
		b.WriteString("请回复一位数字：" + options("，"))
	case qu.Kind == KindSingle:
		b.WriteString("Reply one digit: " + options(", "))
	case qu.Kind == KindMultiple && zh:
		b.WriteString("可多选，请回复所选数字（如13）：" + options("，"))
	case qu.Kind == KindMultiple:
		b.WriteString("Reply the digits of all that apply (e.g. 13): " + options(", "))
	case qu.Kind == KindRating && zh:
		fmt.Fprintf(&b, "请回复1-%d分（%d分最满意）", qu.Scale, qu.Scale)
	case qu.Kind == KindRating:
		fmt.Fprintf(&b, "Reply a score 1-%d (%d is best)", qu.Scale, qu.Scale)
	case zh:
		b.WriteString("请直接回复文字")
	default:
		b.WriteString("Reply in words")
	}
	if !qu.Required {
		if zh {
			b.WriteString("；回复0跳过")
		} else {
			b.WriteString("; 0 to skip")
		}
	}
	if zh {
		b.WriteString("。")
	} else {
		b.WriteString(".")
	}
	return b.String()
}

// ParseSMSAnswer reads a customer's text as the answer to question i:
// one digit for a single choice or a rating, one or more digits for a
// multiple choice ("13", "1 3", "1,3"), any text for fill-in and free
// text; 0 skips an optional question (skip true, no answer). Full-width
// characters are folded. EINVALID says, in locale, what the question
// accepts: it becomes the help reply's reason.
func (q *Questionnaire) ParseSMSAnswer(i int, text, locale string) (a Answer, skip bool, err error) {
	qu := &q.Questions[i]
	s := strings.TrimSpace(core.FoldSMSWidth(text))
	zh := core.SMSLocale(locale) == core.LocaleZhCN
	refuse := func(zhWant, enWant string) (Answer, bool, error) {
		if zh {
			return Answer{}, false, core.Errorf(core.EINVALID, "回访问卷第%d题%s", i+1, zhWant)
		}
		return Answer{}, false, core.Errorf(core.EINVALID, "survey question %d: %s", i+1, enWant)
	}
	if s == "0" && !qu.Required {
		return Answer{}, true, nil
	}
	a.Question = qu.Key
	switch qu.Kind {
	case KindRating:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > qu.Scale {
			return refuse(fmt.Sprintf("请回复1-%d的一位数字", qu.Scale), fmt.Sprintf("reply one digit 1-%d", qu.Scale))
		}
		a.Score = &n
	case KindSingle:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > len(qu.Options) {
			return refuse(fmt.Sprintf("请回复1-%d中的一位数字", len(qu.Options)),
				fmt.Sprintf("reply one digit 1-%d", len(qu.Options)))
		}
		v := qu.Options[n-1].Value
		a.Choice = &v
	case KindMultiple:
		digits := strings.FieldsFunc(s, func(c rune) bool { return unicode.IsSpace(c) || c == ',' || c == '，' || c == '、' })
		picked := []string{}
		ok := len(digits) > 0
		for _, d := range digits {
			for _, c := range d {
				n := int(c - '0')
				if c < '1' || c > '9' || n > len(qu.Options) {
					ok = false
					break
				}
				if v := qu.Options[n-1].Value; !slices.Contains(picked, v) {
					picked = append(picked, v)
				}
			}
		}
		if !ok {
			return refuse(fmt.Sprintf("可多选，请回复1-%d中的数字，如13", len(qu.Options)),
				fmt.Sprintf("reply one or more digits 1-%d, e.g. 13", len(qu.Options)))
		}
		a.Choices = picked
	default:
		limit := map[string]int{KindFill: 200, KindText: 2000}[qu.Kind]
		if s == "" || len([]rune(s)) > limit {
			return refuse(fmt.Sprintf("请回复不超过%d字的文字", limit), fmt.Sprintf("reply in words, at most %d characters", limit))
		}
		a.Text = &s
	}
	return a, false, nil
}
