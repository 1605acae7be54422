// Package district is China's administrative divisions (行政区划) as the
// platform's reference data: provinces, prefecture-level cities and
// districts/counties with their GB/T 2260 codes, names, common short forms
// and a representative point each, and a parser that finds them in an
// address typed as a caller says it.
//
// The table is generated (divisions.tsv, see internal/gendistricts for where it
// comes from), embedded in the binary and shared by every tenant; Version
// names the data it was built from.
package district

//go:generate go run ../../internal/gendistricts

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

//go:embed divisions.tsv
var divisionsTSV string

// Level is a division's rank.
type Level uint8

const (
	LevelProvince Level = iota + 1 // 省级: province, autonomous region, municipality
	LevelCity                      // 地级: prefecture-level city, autonomous prefecture, league
	LevelDistrict                  // 县级: district, county, county-level city, banner
)

func (l Level) String() string {
	switch l {
	case LevelProvince:
		return "province"
	case LevelCity:
		return "city"
	case LevelDistrict:
		return "district"
	}
	return ""
}

// Division is one administrative division.
type Division struct {
	Code   string // six-digit GB/T 2260 code
	Name   string // full name, 广西壮族自治区
	Short  string // common short form, 广西; equal to Name when there is none
	Level  Level
	Parent string // the parent's code; "" for a province
	// Lat, Lon is a representative point (WGS-84): the division's centre as
	// the source data gives it, or its parent's when it has none.
	Lat, Lon float64
	HasPoint bool
	// Pseudo marks the "省直辖县级行政区划" groups that GB/T 2260 lists as cities
	// to hold county-level cities directly under a province (仙桃, 济源…).
	Pseudo bool
}

// Table is the set of divisions with the indexes the parser uses. It is
// immutable and safe for concurrent use.
type Table struct {
	Version  string
	all      []Division
	byCode   map[string]int
	children map[string][]int
	names    [4]map[string][]int // per level: full names and short forms → divisions
	maxName  int                 // the longest name in bytes
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default is the table embedded in the binary.
func Default() *Table {
	defaultOnce.Do(func() { defaultTable = load(divisionsTSV) })
	return defaultTable
}

func load(tsv string) *Table {
	t := &Table{byCode: map[string]int{}, children: map[string][]int{}}
	var version []string
	for line := range strings.SplitSeq(tsv, "\n") {
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if strings.Contains(line, "npm ") {
				for _, f := range strings.Fields(line) {
					if strings.Contains(f, "@") {
						version = append(version, strings.TrimRight(f, ".,"))
					}
				}
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 7 {
			continue
		}
		d := Division{Code: f[1], Parent: f[2], Name: f[3]}
		switch f[0] {
		case "province":
			d.Level = LevelProvince
		case "city":
			d.Level = LevelCity
		default:
			d.Level = LevelDistrict
		}
		if f[4] != "" {
			d.Lat, _ = strconv.ParseFloat(f[4], 64)
			d.Lon, _ = strconv.ParseFloat(f[5], 64)
			d.HasPoint = true
		}
		d.Pseudo = strings.Contains(d.Name, "直辖")
		d.Short = shortName(d.Name, d.Level)
		t.byCode[d.Code] = len(t.all)
		t.all = append(t.all, d)
	}
	t.Version = strings.Join(version, "+")
	for l := range t.names {
		t.names[l] = map[string][]int{}
	}
	for i, d := range t.all {
		if d.Parent != "" {
			t.children[d.Parent] = append(t.children[d.Parent], i)
		}
		if d.Pseudo {
			continue
		}
		t.addName(d.Level, d.Name, i)
		if d.Short != d.Name && (d.Level != LevelCity || !t.isMunicipalityCity(d)) {
			t.addName(d.Level, d.Short, i)
		}
		if strings.HasSuffix(d.Name, "自治州") && d.Short != d.Name {
			t.addName(d.Level, d.Short+"州", i) // 恩施州, 延边州
		}
	}
	return t
}

func (t *Table) isMunicipalityCity(d Division) bool {
	p, ok := t.byCode[d.Parent]
	return ok && t.all[p].Name == d.Name
}

func (t *Table) addName(l Level, name string, i int) {
	list := t.names[l][name]
	for _, j := range list {
		if j == i {
			return
		}
	}
	t.names[l][name] = append(list, i)
	t.maxName = max(t.maxName, len(name))
}

// Lookup returns the division with the given code.
func (t *Table) Lookup(code string) (Division, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return Division{}, false
	}
	return t.all[i], true
}

// Children returns the divisions directly under code, in code order.
func (t *Table) Children(code string) []Division {
	idx := t.children[code]
	out := make([]Division, len(idx))
	for k, i := range idx {
		out[k] = t.all[i]
	}
	return out
}

// Provinces returns the provinces in code order.
func (t *Table) Provinces() []Division {
	var out []Division
	for _, d := range t.all {
		if d.Level == LevelProvince {
			out = append(out, d)
		}
	}
	return out
}

// Len is the number of divisions.
func (t *Table) Len() int { return len(t.all) }

// Chain returns the province, city and district of code (those that apply:
// a city's chain has no district).
func (t *Table) Chain(code string) (province, city, district Division) {
	d, ok := t.Lookup(code)
	for ok {
		switch d.Level {
		case LevelProvince:
			province = d
		case LevelCity:
			city = d
		case LevelDistrict:
			district = d
		}
		d, ok = t.Lookup(d.Parent)
	}
	return
}

// FindByName returns the divisions whose full name or short form is name,
// optionally only those within the division code within ("" for all).
func (t *Table) FindByName(name, within string) []Division {
	var out []Division
	for l := LevelProvince; l <= LevelDistrict; l++ {
		for _, i := range t.names[l][name] {
			if within == "" || t.isWithin(i, within) {
				out = append(out, t.all[i])
			}
		}
	}
	return out
}

func (t *Table) isWithin(i int, code string) bool {
	for {
		if t.all[i].Code == code {
			return true
		}
		p, ok := t.byCode[t.all[i].Parent]
		if !ok {
			return false
		}
		i = p
	}
}

// ethnicNames are the ethnic groups in the names of autonomous regions,
// prefectures and counties, stripped (from the end) to make the short form:
// 恩施土家族苗族自治州 → 恩施.
var ethnicNames = []string{
	"土家族", "朝鲜族", "蒙古族", "哈萨克族", "柯尔克孜族", "维吾尔族", "布依族", "傈僳族", "哈尼族",
	"景颇族", "达斡尔族", "鄂温克族", "鄂伦春族", "仡佬族", "仫佬族", "毛南族", "撒拉族", "东乡族",
	"保安族", "裕固族", "纳西族", "普米族", "独龙族", "拉祜族", "布朗族", "阿昌族", "德昂族",
	"塔吉克", "锡伯", "维吾尔", "哈萨克", "柯尔克孜", "蒙古", "藏族", "回族", "苗族", "侗族", "白族",
	"傣族", "彝族", "壮族", "羌族", "瑶族", "黎族", "畲族", "满族", "水族", "土族", "怒族", "佤族",
	"各族", "京族",
}

// shortName is the common short form of a name: without its suffix (省,
// 市, 自治区, 地区, 盟, 自治州, 区, 县, 旗…) and the ethnic groups of an
// autonomous division, as long as two or more characters remain.
func shortName(name string, l Level) string {
	var suffixes []string
	switch l {
	case LevelProvince:
		suffixes = []string{"特别行政区", "自治区", "省", "市"}
	case LevelCity:
		suffixes = []string{"自治州", "地区", "市", "盟"}
	default:
		suffixes = []string{"自治县", "自治旗", "新区", "市", "区", "县", "旗"}
	}
	s := name
	for _, suf := range suffixes {
		if r, ok := strings.CutSuffix(s, suf); ok {
			s = r
			break
		}
	}
	for stripped := true; stripped; {
		stripped = false
		for _, e := range ethnicNames {
			if r, ok := strings.CutSuffix(s, e); ok && runeCount(r) >= 2 {
				s, stripped = r, true
				break
			}
		}
	}
	if runeCount(s) < 2 {
		return name
	}
	return s
}

func runeCount(s string) int { return len([]rune(s)) }

// Label is a division's full name with its parents', e.g. 广东省深圳市南山区
// (a municipality's city level, 北京市 under 北京市, and the 省直辖 groups are
// left out); "" for an unknown code.
func (t *Table) Label(code string) string {
	p, c, d := t.Chain(code)
	var b strings.Builder
	b.WriteString(p.Name)
	if c.Code != "" && c.Name != p.Name && !c.Pseudo {
		b.WriteString(c.Name)
	}
	b.WriteString(d.Name)
	return b.String()
}
