package core

import (
	"strings"

	"github.com/google/uuid"
)

// District coverage kinds: a site's own territory, or a backup one that
// ranks after the sites covering the address as their primary territory
// or by their area.
const (
	CoveragePrimary   = "primary"
	CoverageSecondary = "secondary"
)

// MaxSiteDistricts bounds the divisions one site covers (a province or
// city code covers all its districts, so real lists are short).
const MaxSiteDistricts = 1000

// SiteDistrict is one administrative division (GB/T 2260 code) a site
// covers: a district's code, or a city's or province's for the whole
// city or province.
type SiteDistrict struct {
	Code     string `json:"code"`
	Coverage string `json:"coverage"`
}

// SiteDistrictRow is one site's coverage of one division, as exported.
type SiteDistrictRow struct {
	SiteID   uuid.UUID
	SiteCode string
	SiteDistrict
}

// SiteDistrictImportRow is one parsed row of a coverage import: the site
// by code, the division by code or by name (Division: as written), the
// coverage ("" is primary).
type SiteDistrictImportRow struct {
	Row      int
	SiteCode string
	Division string
	Coverage string
}

// SiteDistrictCSVColumns are the columns of a coverage CSV; site and
// district are required.
var SiteDistrictCSVColumns = []string{"site", "district", "coverage", "district_name"}

// ParseSiteDistrictCSV reads a coverage import file: a header naming the
// columns (any order, see SiteDistrictCSVColumns), then one site and
// division per row. district holds a six-digit code or a name
// (广东省深圳市南山区, 深圳南山区, 南山区…); district_name is informative
// (the export writes it) and ignored. Results as for ParseSiteCSV.
func ParseSiteDistrictCSV(data []byte) ([]SiteDistrictImportRow, *ImportReport, error) {
	var rows []SiteDistrictImportRow
	rep, err := readCSV(data, SiteDistrictCSVColumns, []string{"site", "district"},
		func(line int, v map[string]string) error {
			row := SiteDistrictImportRow{Row: line, SiteCode: v["site"], Division: v["district"],
				Coverage: strings.ToLower(v["coverage"])}
			switch {
			case row.SiteCode == "":
				return FieldError("site", "is required (a site code)")
			case row.Division == "":
				return FieldError("district", "is required (a six-digit division code or a name)")
			}
			rows = append(rows, row)
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	return rows, rep, nil
}
