package district

import "strings"

// Search returns up to limit divisions whose full name or short form
// contains q, or whose code starts with it: provinces first, then cities,
// then districts, each in code order. The 省直辖 groups are left out.
func (t *Table) Search(q string, limit int) []Division {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return nil
	}
	var out []Division
	for l := LevelProvince; l <= LevelDistrict && len(out) < limit; l++ {
		for _, d := range t.all {
			if d.Level != l || d.Pseudo {
				continue
			}
			if strings.Contains(d.Name, q) || strings.Contains(d.Short, q) || strings.HasPrefix(d.Code, q) {
				out = append(out, d)
				if len(out) == limit {
					break
				}
			}
		}
	}
	return out
}
