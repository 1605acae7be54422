package core_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// tagged are the objects that carry tags, each as a function that sets the
// tags on a valid object, validates it and returns the stored tags.
var tagged = map[string]func(tags []string) ([]string, error){
	"site": func(tags []string) ([]string, error) {
		s := validSite()
		s.Tags = tags
		err := s.Validate()
		return s.Tags, err
	},
	"technician": func(tags []string) ([]string, error) {
		tech := core.NewTechnicianDefaults(uuid.New())
		n := core.NewTechnician{Code: "T-1", Name: "王师傅", Phone: "+8613800138000", SiteID: uuid.New(), Tags: tags}
		n.Apply(tech)
		err := tech.Validate()
		return tech.Tags, err
	},
	"customer": func(tags []string) ([]string, error) {
		c := core.NewCustomer{Name: "张三", Tags: tags}
		err := c.Normalize()
		return c.Tags, err
	},
}

// TestTagsAreNormalized: sites, technicians and customers store their tags
// alike: trimmed, de-duplicated, sorted, never nil, at most 20 of 1-32
// characters without control characters.
func TestTagsAreNormalized(t *testing.T) {
	t.Parallel()
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = fmt.Sprintf("t%02d", i)
	}
	ok := []struct {
		name     string
		in, want []string
	}{
		{"none", nil, []string{}},
		{"empty list", []string{}, []string{}},
		{"trimmed, de-duplicated and sorted", []string{" senior ", "gas-certified", "senior", "\t24h"},
			[]string{"24h", "gas-certified", "senior"}},
		{"32 characters", []string{strings.Repeat("标", 32)}, []string{strings.Repeat("标", 32)}},
		{"twenty, duplicates not counted", append(append([]string{}, twenty...), "t00", " t01"), twenty},
	}
	bad := []struct {
		name  string
		in    []string
		field string
	}{
		{"blank", []string{"ok", "  "}, "tags[1]"},
		{"33 characters", []string{strings.Repeat("标", 33)}, "tags[0]"},
		{"control character", []string{"a\nb"}, "tags[0]"},
		{"invalid UTF-8", []string{"\xff"}, "tags[0]"},
		{"twenty-one", append(append([]string{}, twenty...), "t20"), "tags"},
	}
	for kind, set := range tagged {
		for _, c := range ok {
			t.Run(kind+"/"+c.name, func(t *testing.T) {
				got, err := set(c.in)
				require.NoError(t, err)
				require.NotNil(t, got)
				require.Equal(t, c.want, got)
			})
		}
		for _, c := range bad {
			t.Run(kind+"/"+c.name, func(t *testing.T) {
				_, err := set(c.in)
				require.Equal(t, core.EINVALID, core.ErrorCode(err), "%v", err)
				require.Contains(t, err.(*core.Error).Fields, c.field, "%v", err)
			})
		}
	}
}

// TestTagsApply: create and import take the tags given (nil: keep), an
// update replaces them when set and keeps them when not.
func TestTagsApply(t *testing.T) {
	t.Parallel()
	site := validSite()
	require.Equal(t, []string{}, site.Tags, "the default")
	(&core.NewSite{Code: site.Code, Name: site.Name, Kind: site.Kind, RegionID: site.RegionID, Location: site.Location,
		Area: site.Area, Tags: []string{"24h"}}).Apply(site)
	require.Equal(t, []string{"24h"}, site.Tags)
	(&core.NewSite{Code: site.Code, Name: "renamed", Kind: site.Kind, RegionID: site.RegionID, Location: site.Location,
		Area: site.Area}).Apply(site)
	require.Equal(t, []string{"24h"}, site.Tags, "an import row without tags keeps them")
	(&core.SiteUpdate{Name: &site.Name}).Apply(site)
	require.Equal(t, []string{"24h"}, site.Tags)
	(&core.SiteUpdate{Tags: &[]string{"flagship", " 24h"}}).Apply(site)
	require.NoError(t, site.Validate())
	require.Equal(t, []string{"24h", "flagship"}, site.Tags)
	(&core.SiteUpdate{Tags: &[]string{}}).Apply(site)
	require.Equal(t, []string{}, site.Tags)
	var none []string
	(&core.SiteUpdate{Tags: &none}).Apply(site)
	require.Equal(t, []string{}, site.Tags, "never nil")

	tech := core.NewTechnicianDefaults(uuid.New())
	require.Equal(t, []string{}, tech.Tags, "the default")
	n := core.NewTechnician{Code: "T-1", Name: "王师傅", Phone: "+8613800138000", SiteID: uuid.New(), Tags: []string{"senior"}}
	n.Apply(tech)
	require.Equal(t, []string{"senior"}, tech.Tags)
	n.Tags = nil
	n.Apply(tech)
	require.Equal(t, []string{"senior"}, tech.Tags, "an import row without tags keeps them")
	require.NoError(t, (&core.TechnicianUpdate{Name: &tech.Name}).Apply(tech))
	require.Equal(t, []string{"senior"}, tech.Tags)
	require.NoError(t, (&core.TechnicianUpdate{Tags: &[]string{"gas-certified", "senior"}}).Apply(tech))
	require.Equal(t, []string{"gas-certified", "senior"}, tech.Tags)
	require.NoError(t, (&core.TechnicianUpdate{Tags: &none}).Apply(tech))
	require.Equal(t, []string{}, tech.Tags, "never nil")
}
