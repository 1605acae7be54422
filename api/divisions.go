package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/district"
	"github.com/aftersales/aftersales/core/network"
)

// Division is one of China's administrative divisions (GB/T 2260).
type Division struct {
	Code   string   `json:"code" example:"440305"`
	Name   string   `json:"name" example:"南山区"`
	Short  string   `json:"short" example:"南山"`
	Level  string   `json:"level" enum:"province,city,district"`
	Parent string   `json:"parent,omitempty" example:"440300"`
	Lat    *float64 `json:"lat,omitempty" doc:"Representative point, WGS-84."`
	Lon    *float64 `json:"lon,omitempty"`
	Label  string   `json:"label,omitempty" example:"广东省深圳市南山区" doc:"With q: the name with its province's and city's."`
}

func divisionOf(d district.Division) Division {
	out := Division{Code: d.Code, Name: d.Name, Short: d.Short, Level: d.Level.String(), Parent: d.Parent}
	if d.HasPoint {
		lat, lon := d.Lat, d.Lon
		out.Lat, out.Lon = &lat, &lon
	}
	return out
}

type ListDivisionsInput struct {
	Parent string `query:"parent" pattern:"^[0-9]{6}$" doc:"The children of this division; the provinces when absent."`
	Q      string `query:"q" maxLength:"40" doc:"Instead of a level of the tree: up to 50 divisions whose name or short form contains q, or whose code starts with it, provinces first, each with its label."`
}

type ListDivisionsOutput struct {
	Body struct {
		Version string     `json:"version" doc:"The reference data the table was built from."`
		Items   []Division `json:"items"`
	}
}

type ParseAddressInput struct {
	Body struct {
		Text string `json:"text" minLength:"1" maxLength:"1024" example:"深圳南山科苑路15号 13800138000"`
	}
}

// DivisionRef names a division in a parse (the one customer addresses
// name theirs with).
type DivisionRef = core.DivisionRef

type AddressCandidate struct {
	Province DivisionRef `json:"province"`
	City     DivisionRef `json:"city"`
	District DivisionRef `json:"district"`
}

type ParseAddressOutput struct {
	Body struct {
		Province   DivisionRef        `json:"province"`
		City       DivisionRef        `json:"city"`
		District   DivisionRef        `json:"district"`
		Code       string             `json:"code" doc:"The most precise division found; empty when none."`
		Remainder  string             `json:"remainder" doc:"The street, building and room."`
		Confidence float64            `json:"confidence" minimum:"0" maximum:"1"`
		Candidates []AddressCandidate `json:"candidates" doc:"When the text is ambiguous, the readings to pick from."`
		Lat        *float64           `json:"lat,omitempty" doc:"The division's representative point (WGS-84), approximate."`
		Lon        *float64           `json:"lon,omitempty"`
	}
}

func registerDivisionRoutes(api huma.API, s *Server) {
	tags := []string{"Divisions"}
	perm := core.Permission{Resource: core.ResCustomers, Action: core.ActRead}
	register(api, huma.Operation{OperationID: "list-divisions", Method: http.MethodGet, Path: "/v1/divisions",
		Summary: "List China's administrative divisions", Tags: tags, Errors: []int{http.StatusNotFound},
		Description: "The platform's reference table (GB/T 2260), shared by tenants: the provinces, or the children of one division."},
		access{Who: accessTenant, Perm: perm},
		func(ctx context.Context, in *ListDivisionsInput) (*ListDivisionsOutput, error) {
			t := district.Default()
			var ds []district.Division
			if in.Q != "" {
				out := &ListDivisionsOutput{}
				out.Body.Version = t.Version
				out.Body.Items = []Division{}
				for _, d := range t.Search(in.Q, 50) {
					div := divisionOf(d)
					div.Label = network.Label(d.Code)
					out.Body.Items = append(out.Body.Items, div)
				}
				return out, nil
			}
			if in.Parent == "" {
				ds = t.Provinces()
			} else {
				if _, ok := t.Lookup(in.Parent); !ok {
					return nil, huma.Error404NotFound("no division " + in.Parent)
				}
				ds = t.Children(in.Parent)
			}
			out := &ListDivisionsOutput{}
			out.Body.Version = t.Version
			out.Body.Items = make([]Division, len(ds))
			for i, d := range ds {
				out.Body.Items[i] = divisionOf(d)
			}
			return out, nil
		})
	register(api, huma.Operation{OperationID: "parse-address", Method: http.MethodPost, Path: "/v1/addresses/parse",
		Summary: "Find the province, city and district in a free-text address", Tags: tags,
		Description: "Handles missing provinces or cities, municipalities, short forms, spaces, full-width characters, phone numbers and postcodes. Ambiguous text returns candidates instead of a guess."},
		access{Who: accessTenant, Perm: perm},
		func(ctx context.Context, in *ParseAddressInput) (*ParseAddressOutput, error) {
			t := district.Default()
			p := t.Parse(in.Body.Text)
			out := &ParseAddressOutput{}
			b := &out.Body
			b.Province, b.City, b.District = DivisionRef(p.Province), DivisionRef(p.City), DivisionRef(p.District)
			b.Code, b.Remainder, b.Confidence = p.Code(), p.Remainder, p.Confidence
			b.Candidates = make([]AddressCandidate, len(p.Candidates))
			for i, c := range p.Candidates {
				b.Candidates[i] = AddressCandidate{DivisionRef(c.Province), DivisionRef(c.City), DivisionRef(c.District)}
			}
			if d, ok := t.Lookup(p.Code()); ok && d.HasPoint {
				lat, lon := d.Lat, d.Lon
				b.Lat, b.Lon = &lat, &lon
			}
			return out, nil
		})
}
