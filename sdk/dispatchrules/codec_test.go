package dispatchrules

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/aftersales/aftersales/sdk/internal/proto/dispatchrules/v1"
)

// gen makes random messages with every field in play: empty and
// non-ASCII strings, zero and negative numbers, empty and long lists.
type gen struct{ r *rand.Rand }

func (g gen) str() string {
	switch g.r.IntN(5) {
	case 0:
		return ""
	case 1:
		return "南山服务站 " + strconv.Itoa(g.r.IntN(1000))
	}
	return strconv.FormatUint(g.r.Uint64(), 36)
}

func (g gen) strs() []string {
	var out []string
	for range g.r.IntN(4) {
		out = append(out, g.str())
	}
	return out
}

func (g gen) num() float64 {
	switch g.r.IntN(4) {
	case 0:
		return 0
	case 1:
		return -g.r.Float64() * 1e3
	}
	return g.r.Float64()
}

func (g gen) time() time.Time {
	if g.r.IntN(3) == 0 {
		return time.Time{}
	}
	return time.Unix(0, g.r.Int64N(4e18)-1e18).UTC()
}

func (g gen) order() Order {
	return Order{ID: g.str(), ProductLine: g.str(), ProductModel: g.str(), UnitSerial: g.str(), ServiceType: g.str(),
		Skills: g.strs(), SellingDealerSiteID: g.str(), PreferredSiteID: g.str(), CustomerVIP: g.r.IntN(2) == 0,
		CustomerTags: g.strs(), Location: Point{Lat: g.num(), Lon: g.num()}, CreatedAt: g.time(), At: g.time(), TimeZone: g.str()}
}

func (g gen) candidates() []Candidate {
	var out []Candidate
	for range g.r.IntN(40) {
		c := Candidate{SiteID: g.str(), Name: g.str(), Kind: SiteKind(g.str()), DistanceKm: g.num(), Score: g.num(),
			Components: Components{g.num(), g.num(), g.num(), g.num()}, Tags: g.strs(), Reasons: g.strs()}
		for range g.r.IntN(3) {
			c.Opening = append(c.Opening, Opening{Day: time.Weekday(g.r.IntN(7)), From: g.str(), To: g.str()})
		}
		out = append(out, c)
	}
	return out
}

func (g gen) techs() []TechCandidate {
	var out []TechCandidate
	for range g.r.IntN(8) {
		out = append(out, TechCandidate{TechnicianID: g.str(), Name: g.str(), Status: TechStatus(g.str()), Skills: g.strs(),
			Tags: g.strs(), DistanceKm: g.num(), LocationFrom: g.str(), Score: g.num(),
			Components: TechComponents{g.num(), g.num(), g.num()}, Reasons: g.strs()})
	}
	return out
}

func (g gen) exclusions() []Exclusion {
	var out []Exclusion
	for range g.r.IntN(3) {
		out = append(out, Exclusion{ID: g.str(), Reason: g.str()})
	}
	return out
}

// A call encoded by hand is the message the generated code makes of the
// same request, and the generated code's bytes decode by hand to the same
// request: the two codecs are interchangeable on the wire.
func TestCallCodecMatchesTheGeneratedCode(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(7, 11))}
	for k := range 300 {
		id, deadline := g.r.Uint64(), g.r.Int64()
		var want *pb.Call
		var e enc
		rank := RankRequest{Order: g.order(), Candidates: g.candidates()}
		tech := TechnicianRequest{Order: g.order(), SiteID: g.str(), Candidates: g.techs()}
		if k%2 == 0 {
			e.rankCall(id, deadline, &rank)
			want = &pb.Call{Id: id, DeadlineUnixNano: deadline, Request: &pb.Call_Rank{Rank: &pb.RankRequest{
				Order: orderTo(rank.Order), Candidates: candidatesTo(rank.Candidates)}}}
		} else {
			e.techCall(id, deadline, &tech)
			want = &pb.Call{Id: id, DeadlineUnixNano: deadline, Request: &pb.Call_Technician{Technician: &pb.TechnicianRequest{
				Order: orderTo(tech.Order), SiteId: tech.SiteID, Candidates: mapSlice(tech.Candidates, techTo)}}}
		}
		var got pb.Call
		require.NoError(t, proto.Unmarshal(e.b, &got))
		require.True(t, proto.Equal(want, &got), "call %d:\nwant %v\ngot  %v", k, want, &got)

		generated, err := proto.Marshal(want)
		require.NoError(t, err)
		c, err := newDec(generated).call()
		require.NoError(t, err)
		require.Equal(t, id, c.id)
		require.Equal(t, deadline, c.deadline)
		if k%2 == 0 {
			require.Nil(t, c.tech)
			require.Equal(t, rank, *c.rank, "call %d", k)
		} else {
			require.Nil(t, c.rank)
			require.Equal(t, tech, *c.tech, "call %d", k)
		}
	}
}

// The same for replies: answers (with the reasons the request sent cut
// from the kept candidates) and failures.
func TestReplyCodecMatchesTheGeneratedCode(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(3, 5))}
	for k := range 300 {
		id := g.r.Uint64()
		var e enc
		e.varint(replyID, id)
		want := &pb.Reply{Id: id}
		switch k % 3 {
		case 0, 1:
			cs := g.candidates()
			sent := sentReasons(cs, siteID, candidateReasons)
			for i := range cs { // some rules append reasons, some rewrite them
				if g.r.IntN(2) == 0 {
					cs[i].Reasons = append(cs[i].Reasons, g.str())
				}
			}
			excluded, reasons := g.exclusions(), g.strs()
			var which protowire.Number = replyRank
			if k%3 == 1 {
				which = replyTechnician
			}
			appendAnswer(&e, which, cs, rankedSite, sent, excluded, reasons)
			ranked := rankedAll(cs, rankedSite, sent)
			if which == replyRank {
				want.Response = &pb.Reply_Rank{Rank: &pb.RankResponse{Candidates: ranked,
					Excluded: mapSlice(excluded, exclusionTo), Reasons: reasons}}
			} else {
				want.Response = &pb.Reply_Technician{Technician: &pb.TechnicianResponse{Candidates: ranked,
					Excluded: mapSlice(excluded, exclusionTo), Reasons: reasons}}
			}
		case 2:
			code, msg := int32(g.r.IntN(17)), g.str()
			e.failure(code, msg)
			want.Response = &pb.Reply_Failure{Failure: &pb.Failure{Code: code, Message: msg}}
		}
		var got pb.Reply
		require.NoError(t, proto.Unmarshal(e.b, &got))
		require.True(t, proto.Equal(want, &got), "reply %d:\nwant %v\ngot  %v", k, want, &got)

		generated, err := proto.Marshal(want)
		require.NoError(t, err)
		r, err := newDec(generated).reply()
		require.NoError(t, err)
		require.Equal(t, id, r.id)
		switch res := got.Response.(type) { // as the generated code decodes it
		case *pb.Reply_Rank:
			require.Equal(t, protowire.Number(replyRank), r.which)
			require.Equal(t, answer{rankedOf(res.Rank.Candidates), mapSlice(res.Rank.Excluded, exclusionFrom), res.Rank.Reasons}, r.answer)
		case *pb.Reply_Technician:
			require.Equal(t, protowire.Number(replyTechnician), r.which)
			require.Equal(t, answer{rankedOf(res.Technician.Candidates), mapSlice(res.Technician.Excluded, exclusionFrom),
				res.Technician.Reasons}, r.answer)
		case *pb.Reply_Failure:
			require.Equal(t, protowire.Number(replyFailure), r.which)
			require.Equal(t, res.Failure.Code, r.code)
			require.Equal(t, res.Failure.Message, r.message)
		}
	}
}

// What the generated code refuses, the hand decoder refuses: cut frames,
// strings that are not UTF-8. Fields it does not know it skips.
func TestCodecRefusesWhatTheGeneratedCodeRefuses(t *testing.T) {
	var e enc
	e.rankCall(9, 0, &RankRequest{Order: Order{ID: "o"}, Candidates: []Candidate{{SiteID: "s", Score: 0.5}}})
	for n := 1; n < len(e.b); n++ {
		cut := e.b[:n]
		_, mine := newDec(cut).call()
		theirs := proto.Unmarshal(cut, &pb.Call{})
		require.Equal(t, theirs != nil, mine != nil, "cut at %d: generated %v, hand %v", n, theirs, mine)
	}

	var bad enc
	bad.rankCall(1, 0, &RankRequest{Candidates: []Candidate{{SiteID: "\xff\xfe"}}})
	require.Error(t, proto.Unmarshal(bad.b, &pb.Call{}))
	_, err := newDec(bad.b).call()
	require.ErrorIs(t, err, errUTF8)

	// An unknown field (from a later protocol) between known ones.
	var later enc
	later.varint(callID, 4)
	later.str(99, "from v1.1")
	later.double(98, math.Pi)
	later.msg(callRank, func(e *enc) { e.msg(1, func(e *enc) { e.str(1, "o"); e.varint(77, 1) }) })
	c, err := newDec(later.b).call()
	require.NoError(t, err)
	require.Equal(t, uint64(4), c.id)
	require.Equal(t, "o", c.rank.Order.ID)
}

// Arbitrary bytes never panic the hand decoder, and it accepts what the
// generated code accepts.
func FuzzCallDecoder(f *testing.F) {
	var e enc
	e.rankCall(1, 2, &RankRequest{Order: Order{ID: "o", Skills: []string{"a"}}, Candidates: []Candidate{{SiteID: "s",
		Opening: []Opening{{Day: 1, From: "08:00"}}}}})
	f.Add(e.b)
	var t enc
	t.techCall(3, 0, &TechnicianRequest{SiteID: "x", Candidates: []TechCandidate{{TechnicianID: "t"}}})
	f.Add(t.b)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, mine := newDec(data).call()
		_, _ = newDec(data).reply()
		if proto.Unmarshal(data, &pb.Call{}) == nil && mine != nil {
			t.Fatalf("the generated code accepts what the hand decoder refuses: %v", mine)
		}
	})
}

// The messages gen makes set every field of every struct the channel
// carries at least once: a field added to a struct is then compared by
// the codec tests above (and fails them until the hand codec has it).
func TestGenSetsEveryField(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 1))}
	set := map[string]bool{}
	mark := func(v any) {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if !rv.Field(i).IsZero() {
				set[rv.Type().Name()+"."+rv.Type().Field(i).Name] = true
			}
		}
	}
	for range 50 {
		mark(g.order())
		for _, c := range g.candidates() {
			mark(c)
			for _, o := range c.Opening {
				mark(o)
			}
		}
		for _, tc := range g.techs() {
			mark(tc)
		}
		for _, x := range g.exclusions() {
			mark(x)
		}
	}
	for _, v := range []any{Order{}, Candidate{}, Opening{}, TechCandidate{}, Exclusion{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			require.True(t, set[typ.Name()+"."+typ.Field(i).Name], "gen never sets %s.%s", typ.Name(), typ.Field(i).Name)
		}
	}
}
