package core

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxImportRows bounds the data rows of one import.
const MaxImportRows = 20000

// ImportError is the problem with one row of an import. Row is the line of
// a CSV file where the record starts (the header is line 1, so it is the
// spreadsheet row unless a cell spans lines), or the 1-based position in a
// JSON array. Field names the CSV column or JSON field, when known.
type ImportError struct {
	Row     int    `json:"row"`
	File    string `json:"file,omitempty" doc:"The file the row is in, when an import takes several files (knowledge-base Markdown)."`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportReport says what an import did: rows read, created, updated, and
// the failed ones with why (one error per failed row: the first found).
type ImportReport struct {
	Total   int `json:"total"`
	Created int `json:"created"`
	Updated int `json:"updated"`
	// Unchanged counts the rows that matched what is stored already
	// (imports that tell them apart: knowledge-base articles).
	Unchanged int           `json:"unchanged,omitempty" doc:"Rows that matched what is stored already and changed nothing."`
	Failed    int           `json:"failed"`
	Errors    []ImportError `json:"errors"`
}

// Fail records err against row, taking the field from a single-field
// *Error.
func (r *ImportReport) Fail(row int, err error) {
	var ce *Error
	if errors.As(err, &ce) && len(ce.Fields) == 1 {
		for f, m := range ce.Fields {
			r.Errors = append(r.Errors, ImportError{Row: row, Field: f, Message: m})
		}
		return
	}
	r.Errors = append(r.Errors, ImportError{Row: row, Message: ErrorMessage(err)})
}

// Failf records a formatted error against row.
func (r *ImportReport) Failf(row int, field, format string, args ...any) {
	r.Errors = append(r.Errors, ImportError{Row: row, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Merge adds o's counts and errors to r.
func (r *ImportReport) Merge(o *ImportReport) {
	r.Total += o.Total
	r.Created += o.Created
	r.Updated += o.Updated
	r.Errors = append(r.Errors, o.Errors...)
}

// RenameFields rewrites the field of every error, e.g. from JSON field
// names to CSV columns.
func (r *ImportReport) RenameFields(rename func(string) string) {
	for i := range r.Errors {
		r.Errors[i].Field = rename(r.Errors[i].Field)
	}
}

// Finish sorts the errors by row and counts the failed rows.
func (r *ImportReport) Finish() {
	sort.SliceStable(r.Errors, func(i, j int) bool { return r.Errors[i].Row < r.Errors[j].Row })
	rows := map[int]bool{}
	for _, e := range r.Errors {
		rows[e.Row] = true
	}
	r.Failed = len(rows)
	if r.Errors == nil {
		r.Errors = []ImportError{}
	}
}

// DedupeRows keeps the first row of each key and fails the later ones: a
// file that names a code twice is a mistake the caller should see. Rows
// with an empty key are kept, for validation to report.
func DedupeRows[T any](rows []T, key func(T) string, row func(T) int, field string, rep *ImportReport) []T {
	first := make(map[string]int, len(rows))
	out := rows[:0:0]
	for _, r := range rows {
		k := key(r)
		if k == "" {
			out = append(out, r)
			continue
		}
		if at, dup := first[k]; dup {
			rep.Failf(row(r), field, "%q appears again (first at row %d); each row must have its own %s", truncate(k, 40), at, field)
			continue
		}
		first[k] = row(r)
		out = append(out, r)
	}
	return out
}

// SiteImportRow is one parsed row of a site import. The region is given by
// ID (Site.RegionID) or by code (RegionCode), which the store resolves.
type SiteImportRow struct {
	Row        int
	RegionCode string
	Site       NewSite
	// Districts are the CSV's districts column as written: division codes
	// or names (南山区, 深圳南山区…), resolved by the import, which adds
	// them to the site's coverage as primary.
	Districts []string
}

// TechnicianImportRow is one parsed row of a technician import. The site
// is given by ID or by code, the linked user by ID or by username.
type TechnicianImportRow struct {
	Row        int
	SiteCode   string
	Username   string
	Technician NewTechnician
}

// SiteCSVColumns are the columns of a site CSV, in the documented order;
// the first six are required, and radius_km, polygon or districts (codes
// or names separated by ; or |, added to the site's coverage as primary;
// a site with neither radius nor polygon covers only its districts).
var SiteCSVColumns = []string{"code", "name", "kind", "region", "lat", "lon", "radius_km", "polygon", "address", "phone",
	"product_lines", "skills", "tags", "daily_capacity", "working_hours", "status", "reputation", "auto_assign",
	"districts"}

// TechnicianCSVColumns are the columns of a technician CSV; the first four
// are required.
var TechnicianCSVColumns = []string{"code", "name", "phone", "site", "user", "skills", "tags", "status"}

// SiteCSVColumn maps a site field name (as validation reports it) to its
// CSV column.
func SiteCSVColumn(field string) string {
	switch field {
	case "location.lat":
		return "lat"
	case "location.lon":
		return "lon"
	case "area", "area.radius_km":
		return "radius_km"
	case "area.polygon":
		return "polygon"
	case "region_id", "region_code":
		return "region"
	}
	return tagsColumn(field)
}

// TechnicianCSVColumn maps a technician field name to its CSV column.
func TechnicianCSVColumn(field string) string {
	switch field {
	case "site_id", "site_code":
		return "site"
	case "user_id", "username":
		return "user"
	}
	return tagsColumn(field)
}

// tagsColumn maps a tag's field ("tags[2]") to the tags column.
func tagsColumn(field string) string {
	if strings.HasPrefix(field, "tags[") {
		return "tags"
	}
	return field
}

// ParseSiteCSV reads a site import file: a header row naming the columns
// (any order, see SiteCSVColumns), then one site per row; lists are
// separated by '|'. It returns the well-formed rows and a report holding
// the total and the malformed rows; a bad header or too many rows is an
// EINVALID error and nothing else.
func ParseSiteCSV(data []byte) ([]SiteImportRow, *ImportReport, error) {
	var rows []SiteImportRow
	rep, err := readCSV(data, SiteCSVColumns, []string{"code", "name", "kind", "region", "lat", "lon"},
		func(line int, v map[string]string) error {
			row, err := parseSiteRecord(line, v)
			if err == nil {
				rows = append(rows, row)
			}
			return err
		})
	if err != nil {
		return nil, nil, err
	}
	return rows, rep, nil
}

// ParseTechnicianCSV reads a technician import file (see
// TechnicianCSVColumns); the site is named by its code and the linked user
// by username. Results as for ParseSiteCSV.
func ParseTechnicianCSV(data []byte) ([]TechnicianImportRow, *ImportReport, error) {
	var rows []TechnicianImportRow
	rep, err := readCSV(data, TechnicianCSVColumns, []string{"code", "name", "phone", "site"},
		func(line int, v map[string]string) error {
			row, err := parseTechnicianRecord(line, v)
			if err == nil {
				rows = append(rows, row)
			}
			return err
		})
	if err != nil {
		return nil, nil, err
	}
	return rows, rep, nil
}

// readCSV parses the header and calls each for every non-blank record with
// its values by column (trimmed; absent columns are ""). Malformed records
// and each's errors go to the report.
func readCSV(data []byte, columns, required []string, each func(line int, v map[string]string) error) (*ImportReport, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // spreadsheets' "CSV UTF-8" starts with a BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, Errorf(EINVALID, "the file is empty: the first row must name the columns (%s)", strings.Join(columns, ", "))
	}
	if err != nil {
		return nil, Errorf(EINVALID, "the header row cannot be read: %s", csvMessage(err))
	}
	header, err = checkHeader(header, columns, required)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rep.Total++
			rep.Failf(pe.StartLine, "", "cannot be read: %s", csvMessage(err))
		} else if err != nil {
			return nil, Errorf(EINVALID, "the file cannot be read: %s", csvMessage(err))
		} else if !blankRecord(rec) {
			rep.Total++
			line, _ := r.FieldPos(0)
			if err := checkRecord(rec, header); err != nil {
				rep.Fail(line, err)
			} else {
				v := make(map[string]string, len(header))
				for i, col := range header {
					v[col] = strings.TrimSpace(rec[i])
				}
				if err := each(line, v); err != nil {
					rep.Fail(line, err)
				}
			}
		}
		if rep.Total > MaxImportRows {
			return nil, Errorf(EINVALID, "the file has more than %d rows; split it", MaxImportRows)
		}
	}
	return rep, nil
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v (line %d, column %d)", pe.Err, pe.Line, pe.Column)
	}
	return err.Error()
}

func checkHeader(header, columns, required []string) ([]string, error) {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !utf8.ValidString(h) || !containsStr(columns, h) {
			return nil, Errorf(EINVALID, "unknown column %q in the header; the columns are %s",
				truncate(strings.ToValidUTF8(h, "?"), 40), strings.Join(columns, ", "))
		}
		if seen[h] {
			return nil, Errorf(EINVALID, "column %q appears twice in the header", h)
		}
		seen[h] = true
		out[i] = h
	}
	for _, c := range required {
		if !seen[c] {
			return nil, Errorf(EINVALID, "the header lacks the required column %q", c)
		}
	}
	return out, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func checkRecord(rec, header []string) error {
	if len(rec) != len(header) {
		return Errorf(EINVALID, "has %d columns; the header has %d", len(rec), len(header))
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return FieldError(header[i], "is not valid UTF-8 (save the file as CSV UTF-8)")
		}
	}
	return nil
}

func parseSiteRecord(line int, v map[string]string) (SiteImportRow, error) {
	row := SiteImportRow{Row: line, RegionCode: v["region"]}
	n := &row.Site
	n.Code, n.Name, n.Kind = v["code"], v["name"], v["kind"]
	if row.RegionCode == "" {
		return row, FieldError("region", "is required (a region code)")
	}
	var err error
	if n.Location.Lat, err = csvFloat(v, "lat", true); err != nil {
		return row, err
	}
	if n.Location.Lon, err = csvFloat(v, "lon", true); err != nil {
		return row, err
	}
	if n.Area.RadiusKm, err = csvFloat(v, "radius_km", false); err != nil {
		return row, err
	}
	if n.Area.Polygon, err = csvPolygon(v["polygon"]); err != nil {
		return row, err
	}
	row.Districts = csvDivisions(v["districts"])
	if v["radius_km"] == "" && v["polygon"] == "" && len(row.Districts) == 0 {
		if v["districts"] != "" {
			return row, FieldError("districts", "lists no division: separate codes or names with ; or |")
		}
		return row, FieldError("radius_km", "give radius_km or polygon, or the districts the site covers")
	}
	n.Address, n.Phone, n.Status = optString(v["address"]), optString(v["phone"]), optString(v["status"])
	n.ProductLines, n.Skills, n.Tags = csvList(v["product_lines"]), csvList(v["skills"]), csvList(v["tags"])
	if s := v["daily_capacity"]; s != "" {
		c, err := strconv.Atoi(s)
		if err != nil {
			return row, FieldError("daily_capacity", "is not a whole number")
		}
		n.DailyCapacity = &c
	}
	if v["reputation"] != "" {
		rep, err := csvFloat(v, "reputation", true)
		if err != nil {
			return row, err
		}
		n.Reputation = &rep
	}
	if s := v["auto_assign"]; s != "" {
		b, ok := csvBool(s)
		if !ok {
			return row, FieldError("auto_assign", "must be true or false")
		}
		n.AutoAssign = &b
	}
	if n.WorkingHours, err = csvWorkingHours(v["working_hours"]); err != nil {
		return row, err
	}
	return row, nil
}

func parseTechnicianRecord(line int, v map[string]string) (TechnicianImportRow, error) {
	row := TechnicianImportRow{Row: line, SiteCode: v["site"], Username: v["user"]}
	n := &row.Technician
	n.Code, n.Name, n.Phone = v["code"], v["name"], v["phone"]
	if row.SiteCode == "" {
		return row, FieldError("site", "is required (a site code)")
	}
	n.Skills, n.Tags, n.Status = csvList(v["skills"]), csvList(v["tags"]), optString(v["status"])
	return row, nil
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// csvList splits "a|b|c"; an empty cell is nil (not given).
func csvList(s string) []string {
	if s == "" {
		return nil
	}
	out := []string{}
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var decimalPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// parseDecimal accepts plain decimal numbers only: no NaN, infinities, hex
// or underscores, which strconv.ParseFloat would let through.
func parseDecimal(s string) (float64, bool) {
	if !decimalPattern.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

func csvFloat(v map[string]string, col string, required bool) (float64, error) {
	s := v[col]
	if s == "" {
		if required {
			return 0, FieldError(col, "is required")
		}
		return 0, nil
	}
	f, ok := parseDecimal(s)
	if !ok {
		return 0, FieldError(col, "%q is not a decimal number", truncate(s, 30))
	}
	return f, nil
}

// csvPolygon parses "lat lon|lat lon|…" (a comma may separate lat and lon).
func csvPolygon(s string) ([]GeoPoint, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, "|")
	if len(parts) > MaxPolygonPoints+1 {
		return nil, FieldError("polygon", "must have at most %d points", MaxPolygonPoints)
	}
	pts := make([]GeoPoint, 0, len(parts))
	for i, p := range parts {
		xy := strings.FieldsFunc(p, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
		if len(xy) != 2 {
			return nil, FieldError("polygon", "point %d: write each point as \"lat lon\", points separated by '|'", i+1)
		}
		lat, ok1 := parseDecimal(xy[0])
		lon, ok2 := parseDecimal(xy[1])
		if !ok1 || !ok2 {
			return nil, FieldError("polygon", "point %d: %q is not two decimal numbers", i+1, truncate(strings.TrimSpace(p), 40))
		}
		pts = append(pts, GeoPoint{Lat: lat, Lon: lon})
	}
	return pts, nil
}

func csvBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return true, true
	case "false", "no", "n", "0":
		return false, true
	}
	return false, false
}

// csvWorkingHours parses "mon-fri=08:30-12:00;13:30-18:00|sat=09:00-12:00|sun=":
// days or day ranges, each with its intervals separated by ';' (or ',', in
// a quoted cell). The intervals are checked by WorkingHours.Validate.
func csvWorkingHours(s string) (WorkingHours, error) {
	if s == "" {
		return nil, nil
	}
	w := WorkingHours{}
	for _, p := range strings.Split(s, "|") {
		days, spans, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return nil, FieldError("working_hours", "write days as mon-fri=08:30-12:00;13:30-18:00, separated by '|'")
		}
		list, err := dayRange(strings.ToLower(strings.TrimSpace(days)))
		if err != nil {
			return nil, err
		}
		intervals := []string{}
		for _, iv := range strings.FieldsFunc(spans, func(r rune) bool { return r == ';' || r == ',' }) {
			if iv = strings.TrimSpace(iv); iv != "" {
				intervals = append(intervals, iv)
			}
		}
		for _, d := range list {
			if _, dup := w[d]; dup {
				return nil, FieldError("working_hours", "%s is given twice", d)
			}
			w[d] = intervals
		}
	}
	return w, nil
}

// dayRange expands "mon" or "mon-fri" into weekdays.
func dayRange(s string) ([]string, error) {
	from, to, isRange := strings.Cut(s, "-")
	i, j := indexOf(Weekdays, from), indexOf(Weekdays, to)
	switch {
	case !isRange && i >= 0:
		return Weekdays[i : i+1], nil
	case isRange && i >= 0 && j >= i:
		return Weekdays[i : j+1], nil
	}
	return nil, FieldError("working_hours", "%q is not a day (mon … sun) or a range of days such as mon-fri", truncate(s, 20))
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// csvDivisions splits a districts cell: codes or names separated by ;, ；,
// | or 、 (a comma would split the CSV cell for careless writers).
func csvDivisions(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '|' || r == '、' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
