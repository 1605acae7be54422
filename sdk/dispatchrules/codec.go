package dispatchrules

import (
	"errors"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/aftersales/aftersales/sdk/internal/wire"
)

// The channel's Call and Reply messages, encoded from and decoded into the
// plain structs directly. The bytes are protocol v1's messages exactly (a
// peer that uses the generated code reads and writes the same), but a
// decision's dozens of candidates no longer go through a generated message
// each, with reflection and an allocation per field: decoded strings are
// substrings of one copy of the frame. The tests hold both codecs to the
// same bytes and values.

// Field numbers of the messages in dispatchrules.proto.
const (
	callID, callDeadline, callRank, callTechnician       = 1, 2, 3, 4
	replyID, replyRank, replyTechnician, replyFailure    = 1, 2, 3, 4
	answerCandidates, answerExcluded, answerReasons      = 1, 2, 3 // RankResponse and TechnicianResponse
	rankedID, rankedScore, rankedReasons, rankedAppended = 1, 2, 3, 4
)

// enc appends protobuf fields to b, leaving out zero scalars as proto3 does.
type enc struct{ b []byte }

func (e *enc) str(n protowire.Number, s string) {
	if s != "" {
		e.b = protowire.AppendString(protowire.AppendTag(e.b, n, protowire.BytesType), s)
	}
}

func (e *enc) strs(n protowire.Number, ss []string) {
	for _, s := range ss {
		e.b = protowire.AppendString(protowire.AppendTag(e.b, n, protowire.BytesType), s)
	}
}

func (e *enc) double(n protowire.Number, v float64) {
	if bits := math.Float64bits(v); bits != 0 {
		e.b = protowire.AppendFixed64(protowire.AppendTag(e.b, n, protowire.Fixed64Type), bits)
	}
}

func (e *enc) varint(n protowire.Number, v uint64) {
	if v != 0 {
		e.b = protowire.AppendVarint(protowire.AppendTag(e.b, n, protowire.VarintType), v)
	}
}

func (e *enc) boolean(n protowire.Number, v bool) {
	if v {
		e.varint(n, 1)
	}
}

// msg appends field n as a message whose fields body appends: the body
// first, then its length slid in before it.
func (e *enc) msg(n protowire.Number, body func(*enc)) {
	e.b = protowire.AppendTag(e.b, n, protowire.BytesType)
	start := len(e.b)
	body(e)
	size := len(e.b) - start
	k := protowire.SizeVarint(uint64(size))
	e.b = slices.Grow(e.b, k)[:len(e.b)+k]
	copy(e.b[start+k:], e.b[start:start+size])
	protowire.AppendVarint(e.b[:start], uint64(size))
}

func (e *enc) order(o *Order) {
	e.str(1, o.ID)
	e.str(2, o.ProductLine)
	e.str(3, o.ProductModel)
	e.str(4, o.UnitSerial)
	e.str(5, o.ServiceType)
	e.strs(6, o.Skills)
	e.str(7, o.SellingDealerSiteID)
	e.str(8, o.PreferredSiteID)
	e.boolean(9, o.CustomerVIP)
	e.strs(10, o.CustomerTags)
	e.double(11, o.Location.Lat)
	e.double(12, o.Location.Lon)
	e.varint(13, uint64(wire.UnixNano(o.CreatedAt)))
	e.varint(14, uint64(wire.UnixNano(o.At)))
	e.str(15, o.TimeZone)
}

func (e *enc) candidate(c *Candidate) {
	e.str(1, c.SiteID)
	e.str(2, c.Name)
	e.str(3, string(c.Kind))
	e.double(4, c.DistanceKm)
	e.double(5, c.Score)
	e.double(6, c.Components.Distance)
	e.double(7, c.Components.Load)
	e.double(8, c.Components.Reputation)
	e.double(9, c.Components.SLARisk)
	for _, o := range c.Opening {
		e.msg(10, func(e *enc) {
			e.varint(1, uint64(int64(int32(o.Day))))
			e.str(2, o.From)
			e.str(3, o.To)
		})
	}
	e.strs(11, c.Tags)
	e.strs(12, c.Reasons)
}

func (e *enc) tech(t *TechCandidate) {
	e.str(1, t.TechnicianID)
	e.str(2, t.Name)
	e.str(3, string(t.Status))
	e.strs(4, t.Skills)
	e.strs(5, t.Tags)
	e.double(6, t.DistanceKm)
	e.str(7, t.LocationFrom)
	e.double(8, t.Score)
	e.double(9, t.Components.Skills)
	e.double(10, t.Components.Distance)
	e.double(11, t.Components.Workload)
	e.strs(12, t.Reasons)
}

// rankCall appends a Call carrying a RankRequest.
func (e *enc) rankCall(id uint64, deadline int64, r *RankRequest) {
	e.varint(callID, id)
	e.varint(callDeadline, uint64(deadline))
	e.msg(callRank, func(e *enc) {
		e.msg(1, func(e *enc) { e.order(&r.Order) })
		for k := range r.Candidates {
			e.msg(2, func(e *enc) { e.candidate(&r.Candidates[k]) })
		}
	})
}

// techCall appends a Call carrying a TechnicianRequest.
func (e *enc) techCall(id uint64, deadline int64, r *TechnicianRequest) {
	e.varint(callID, id)
	e.varint(callDeadline, uint64(deadline))
	e.msg(callTechnician, func(e *enc) {
		e.msg(1, func(e *enc) { e.order(&r.Order) })
		e.str(2, r.SiteID)
		for k := range r.Candidates {
			e.msg(3, func(e *enc) { e.tech(&r.Candidates[k]) })
		}
	})
}

// appendAnswer appends a Reply's RankResponse or TechnicianResponse
// (which; the two have the same fields): each kept candidate as a Ranked,
// its reasons cut to those added after the ones sent with it (see added).
func appendAnswer[C any](e *enc, which protowire.Number, cs []C, fields func(*C) (id string, score float64, reasons []string),
	sent map[string][]string, excluded []Exclusion, reasons []string) {
	e.msg(which, func(e *enc) {
		for k := range cs {
			id, score, rs := fields(&cs[k])
			rs, appended := added(rs, sent[id])
			e.msg(answerCandidates, func(e *enc) {
				e.str(rankedID, id)
				e.double(rankedScore, score)
				e.strs(rankedReasons, rs)
				e.boolean(rankedAppended, appended)
			})
		}
		for _, x := range excluded {
			e.msg(answerExcluded, func(e *enc) {
				e.str(1, x.ID)
				e.str(2, x.Reason)
			})
		}
		e.strs(answerReasons, reasons)
	})
}

// failure appends a Reply's Failure.
func (e *enc) failure(code int32, message string) {
	e.msg(replyFailure, func(e *enc) {
		e.varint(1, uint64(int64(code)))
		e.str(2, message)
	})
}

// dec decodes the messages of one frame. s is the frame as one string, of
// which every decoded string is a substring.
type dec struct {
	data []byte
	s    string
}

func newDec(frame []byte) *dec { return &dec{data: frame, s: string(frame)} }

var (
	errUTF8      = errors.New("a string field is not valid UTF-8")
	errTruncated = errors.New("a field runs past the end of its message")
)

// str returns v, a subslice of the frame that keeps the frame's capacity
// (see each), as a substring of d.s. Strings must be UTF-8, as proto3's
// are.
func (d *dec) str(v []byte) (string, error) {
	off := cap(d.data) - cap(v)
	s := d.s[off : off+len(v)]
	if !utf8.ValidString(s) {
		return "", errUTF8
	}
	return s, nil
}

// field is one decoded field: v for a length-delimited one, x for the
// others.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   []byte
	x   uint64
}

// each calls f for every field of message m, in order. Fields f does not
// know it skips, as protobuf does with unknown fields.
func each(m []byte, f func(field) error) error {
	for len(m) > 0 {
		num, typ, n := protowire.ConsumeTag(m)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m = m[n:]
		fd := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			fd.x, n = protowire.ConsumeVarint(m)
		case protowire.Fixed64Type:
			fd.x, n = protowire.ConsumeFixed64(m)
		case protowire.BytesType:
			// Sliced here rather than by protowire.ConsumeBytes: dec.str
			// relies on v keeping the frame's capacity.
			var size uint64
			if size, n = protowire.ConsumeVarint(m); n >= 0 {
				if size > uint64(len(m)-n) {
					return errTruncated
				}
				fd.v, n = m[n:n+int(size)], n+int(size)
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, m)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		m = m[n:]
		if err := f(fd); err != nil {
			return err
		}
	}
	return nil
}

// count returns how many length-delimited fields num message m has (0 if
// it does not parse: the decoding that follows says why).
func count(m []byte, num protowire.Number) int {
	n := 0
	_ = each(m, func(f field) error {
		if f.num == num && f.typ == protowire.BytesType {
			n++
		}
		return nil
	})
	return n
}

// capped returns an empty slice with room for n, nil for none (as the
// generated code leaves a field that is absent).
func capped[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

// setStr decodes a string field into *p; addStr appends one to *p.
func (d *dec) setStr(f field, p *string) (err error) {
	if f.typ == protowire.BytesType {
		*p, err = d.str(f.v)
	}
	return err
}

func (d *dec) addStr(f field, p *[]string) error {
	if f.typ != protowire.BytesType {
		return nil
	}
	s, err := d.str(f.v)
	*p = append(*p, s)
	return err
}

func setDouble(f field, p *float64) {
	if f.typ == protowire.Fixed64Type {
		*p = math.Float64frombits(f.x)
	}
}

func setVarint(f field, p *uint64) {
	if isVarint(f) {
		*p = f.x
	}
}

func isVarint(f field) bool { return f.typ == protowire.VarintType }

func (d *dec) order(m []byte, o *Order) error {
	return each(m, func(f field) error {
		switch f.num {
		case 1:
			return d.setStr(f, &o.ID)
		case 2:
			return d.setStr(f, &o.ProductLine)
		case 3:
			return d.setStr(f, &o.ProductModel)
		case 4:
			return d.setStr(f, &o.UnitSerial)
		case 5:
			return d.setStr(f, &o.ServiceType)
		case 6:
			return d.addStr(f, &o.Skills)
		case 7:
			return d.setStr(f, &o.SellingDealerSiteID)
		case 8:
			return d.setStr(f, &o.PreferredSiteID)
		case 9:
			if isVarint(f) {
				o.CustomerVIP = f.x != 0
			}
		case 10:
			return d.addStr(f, &o.CustomerTags)
		case 11:
			setDouble(f, &o.Location.Lat)
		case 12:
			setDouble(f, &o.Location.Lon)
		case 13:
			if isVarint(f) {
				o.CreatedAt = wire.Time(int64(f.x))
			}
		case 14:
			if isVarint(f) {
				o.At = wire.Time(int64(f.x))
			}
		case 15:
			return d.setStr(f, &o.TimeZone)
		}
		return nil
	})
}

func (d *dec) candidate(m []byte, c *Candidate) error {
	return each(m, func(f field) error {
		switch f.num {
		case 1:
			return d.setStr(f, &c.SiteID)
		case 2:
			return d.setStr(f, &c.Name)
		case 3:
			var s string
			err := d.setStr(f, &s)
			c.Kind = SiteKind(s)
			return err
		case 4:
			setDouble(f, &c.DistanceKm)
		case 5:
			setDouble(f, &c.Score)
		case 6:
			setDouble(f, &c.Components.Distance)
		case 7:
			setDouble(f, &c.Components.Load)
		case 8:
			setDouble(f, &c.Components.Reputation)
		case 9:
			setDouble(f, &c.Components.SLARisk)
		case 10:
			if f.typ != protowire.BytesType {
				return nil
			}
			var o Opening
			err := each(f.v, func(g field) error {
				switch g.num {
				case 1:
					if isVarint(g) {
						o.Day = time.Weekday(int32(g.x))
					}
				case 2:
					return d.setStr(g, &o.From)
				case 3:
					return d.setStr(g, &o.To)
				}
				return nil
			})
			c.Opening = append(c.Opening, o)
			return err
		case 11:
			return d.addStr(f, &c.Tags)
		case 12:
			return d.addStr(f, &c.Reasons)
		}
		return nil
	})
}

func (d *dec) tech(m []byte, t *TechCandidate) error {
	return each(m, func(f field) error {
		switch f.num {
		case 1:
			return d.setStr(f, &t.TechnicianID)
		case 2:
			return d.setStr(f, &t.Name)
		case 3:
			var s string
			err := d.setStr(f, &s)
			t.Status = TechStatus(s)
			return err
		case 4:
			return d.addStr(f, &t.Skills)
		case 5:
			return d.addStr(f, &t.Tags)
		case 6:
			setDouble(f, &t.DistanceKm)
		case 7:
			return d.setStr(f, &t.LocationFrom)
		case 8:
			setDouble(f, &t.Score)
		case 9:
			setDouble(f, &t.Components.Skills)
		case 10:
			setDouble(f, &t.Components.Distance)
		case 11:
			setDouble(f, &t.Components.Workload)
		case 12:
			return d.addStr(f, &t.Reasons)
		}
		return nil
	})
}

// call is a decoded Call: one of rank and tech is set, unless the request
// is one this SDK does not know.
type call struct {
	id       uint64
	deadline int64
	rank     *RankRequest
	tech     *TechnicianRequest
}

func (d *dec) call() (call, error) {
	var c call
	err := each(d.data, func(f field) error {
		switch {
		case f.num == callID:
			setVarint(f, &c.id)
		case f.num == callDeadline && isVarint(f):
			c.deadline = int64(f.x)
		case f.num == callRank && f.typ == protowire.BytesType:
			c.rank, c.tech = &RankRequest{Candidates: capped[Candidate](count(f.v, 2))}, nil
			return each(f.v, func(g field) error {
				switch {
				case g.num == 1 && g.typ == protowire.BytesType:
					return d.order(g.v, &c.rank.Order)
				case g.num == 2 && g.typ == protowire.BytesType:
					c.rank.Candidates = append(c.rank.Candidates, Candidate{})
					return d.candidate(g.v, &c.rank.Candidates[len(c.rank.Candidates)-1])
				}
				return nil
			})
		case f.num == callTechnician && f.typ == protowire.BytesType:
			c.rank, c.tech = nil, &TechnicianRequest{Candidates: capped[TechCandidate](count(f.v, 3))}
			return each(f.v, func(g field) error {
				switch {
				case g.num == 1 && g.typ == protowire.BytesType:
					return d.order(g.v, &c.tech.Order)
				case g.num == 2:
					return d.setStr(g, &c.tech.SiteID)
				case g.num == 3 && g.typ == protowire.BytesType:
					c.tech.Candidates = append(c.tech.Candidates, TechCandidate{})
					return d.tech(g.v, &c.tech.Candidates[len(c.tech.Candidates)-1])
				}
				return nil
			})
		}
		return nil
	})
	return c, err
}

// ranked is a kept candidate of an answer, as it crossed back.
type ranked struct {
	id       string
	score    float64
	reasons  []string
	appended bool
}

// answer is a decoded RankResponse or TechnicianResponse.
type answer struct {
	candidates []ranked
	excluded   []Exclusion
	reasons    []string
}

// reply is a decoded Reply: which says which response it carries
// (replyRank, replyTechnician or replyFailure; 0 for none).
type reply struct {
	id      uint64
	which   protowire.Number
	answer  answer
	code    int32
	message string
}

func (d *dec) reply() (reply, error) {
	var r reply
	err := each(d.data, func(f field) error {
		switch {
		case f.num == replyID:
			setVarint(f, &r.id)
		case (f.num == replyRank || f.num == replyTechnician) && f.typ == protowire.BytesType:
			r.which, r.answer = f.num, answer{candidates: capped[ranked](count(f.v, answerCandidates))}
			return d.answer(f.v, &r.answer)
		case f.num == replyFailure && f.typ == protowire.BytesType:
			r.which, r.code, r.message = f.num, 0, ""
			return each(f.v, func(g field) error {
				switch g.num {
				case 1:
					if isVarint(g) {
						r.code = int32(g.x)
					}
				case 2:
					return d.setStr(g, &r.message)
				}
				return nil
			})
		}
		return nil
	})
	return r, err
}

func (d *dec) answer(m []byte, a *answer) error {
	return each(m, func(f field) error {
		switch {
		case f.num == answerCandidates && f.typ == protowire.BytesType:
			var r ranked
			err := each(f.v, func(g field) error {
				switch g.num {
				case rankedID:
					return d.setStr(g, &r.id)
				case rankedScore:
					setDouble(g, &r.score)
				case rankedReasons:
					return d.addStr(g, &r.reasons)
				case rankedAppended:
					if isVarint(g) {
						r.appended = g.x != 0
					}
				}
				return nil
			})
			a.candidates = append(a.candidates, r)
			return err
		case f.num == answerExcluded && f.typ == protowire.BytesType:
			var x Exclusion
			err := each(f.v, func(g field) error {
				switch g.num {
				case 1:
					return d.setStr(g, &x.ID)
				case 2:
					return d.setStr(g, &x.Reason)
				}
				return nil
			})
			a.excluded = append(a.excluded, x)
			return err
		case f.num == answerReasons:
			return d.addStr(f, &a.reasons)
		}
		return nil
	})
}
