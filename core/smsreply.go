package core

import (
	"regexp"
	"strings"
	"unicode"
)

// SMS reply kinds: what a technician or customer answered by SMS.
const (
	ReplyAccept       = "accept"
	ReplyArrived      = "arrived"
	ReplyDone         = "done"
	ReplySatisfaction = "satisfaction"
)

// ReplyKeywords map words a tenant accepts to reply kinds; DefaultReplyKeywords
// has the Chinese and English defaults.
type ReplyKeywords map[string]string

// DefaultReplyKeywords are the keywords every tenant starts with.
func DefaultReplyKeywords() ReplyKeywords {
	return ReplyKeywords{
		"接单": ReplyAccept, "接": ReplyAccept, "accept": ReplyAccept, "ok": ReplyAccept,
		"到达": ReplyArrived, "已到": ReplyArrived, "arrived": ReplyArrived, "arrive": ReplyArrived,
		"完工": ReplyDone, "完成": ReplyDone, "done": ReplyDone, "finished": ReplyDone,
	}
}

// SMSReply is a parsed inbound message.
type SMSReply struct {
	Kind        string
	OrderNumber string // e.g. WO-2611-000123; "" when the sender gave none
	Score       int    // 1-5 for a satisfaction answer
}

var orderNumberPattern = regexp.MustCompile(`(?i)\bWO-?(\d{4})-?(\d{1,6})\b`)

// ParseSMSReply reads a technician command ("接单 WO-2611-000123", "done
// wo2611000123") or a customer's one-digit satisfaction answer ("5").
// Full-width characters are folded. EINVALID says what was not understood,
// for the help reply.
func ParseSMSReply(text string, kw ReplyKeywords) (SMSReply, error) {
	s := strings.TrimSpace(foldWidth(text))
	if s == "" {
		return SMSReply{}, Errorf(EINVALID, "empty message")
	}
	if len([]rune(s)) == 1 && s[0] >= '1' && s[0] <= '5' {
		return SMSReply{Kind: ReplySatisfaction, Score: int(s[0] - '0')}, nil
	}
	if len(s) > 200 {
		return SMSReply{}, Errorf(EINVALID, "message too long to be a command")
	}
	var r SMSReply
	if m := orderNumberPattern.FindStringSubmatch(s); m != nil {
		r.OrderNumber = "WO-" + m[1] + "-" + strings.Repeat("0", 6-len(m[2])) + m[2]
		s = strings.Replace(s, m[0], " ", 1)
	}
	for _, word := range strings.FieldsFunc(strings.ToLower(s), func(c rune) bool {
		return unicode.IsSpace(c) || unicode.IsPunct(c) && c != '-'
	}) {
		if kind, ok := kw[word]; ok {
			if r.Kind != "" && r.Kind != kind {
				return SMSReply{}, Errorf(EINVALID, "two different commands in one message")
			}
			r.Kind = kind
		}
	}
	if r.Kind == "" {
		return SMSReply{}, Errorf(EINVALID, "no command found; reply with 接单, 到达 or 完工 and the order number")
	}
	return r, nil
}

// foldWidth turns full-width ASCII (common on Chinese phones) into ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '　':
			return ' '
		}
		return r
	}, s)
}

// FoldSMSWidth turns full-width ASCII in a text (common on Chinese phones)
// into ASCII, as ParseSMSReply reads it.
func FoldSMSWidth(s string) string { return foldWidth(s) }
