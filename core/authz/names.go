package authz

import (
	"strings"

	"github.com/google/uuid"
)

// nameKey is a name of a rule in 17 bytes instead of a string: the kind of
// a UUID-named subject or object and its UUID. Names of other shapes
// (roles, scope:all) have kind kindOther and are kept as strings.
type nameKey struct {
	kind uint8
	id   uuid.UUID
}

const (
	kindOther uint8 = iota
	kindUser
	kindKey
	kindRegion
	kindSite
)

// kindPrefixes are the name prefixes of the UUID kinds, by kind.
var kindPrefixes = [...]string{kindUser: "user:", kindKey: "key:", kindRegion: "region:", kindSite: "site:"}

// keyOf returns the compact key of name when it is "<kind>:<uuid>" with a
// UUID in its canonical form (so that name(keyOf(s)) == s).
func keyOf(name string) (nameKey, bool) {
	for k := kindUser; k <= kindSite; k++ {
		if rest, ok := strings.CutPrefix(name, kindPrefixes[k]); ok {
			id, err := uuid.Parse(rest)
			if err != nil || len(rest) != 36 || strings.ContainsAny(rest, "ABCDEF") {
				return nameKey{}, false
			}
			return nameKey{kind: k, id: id}, true
		}
	}
	return nameKey{}, false
}

// nameTable numbers the names of one graph: UUID names by their compact
// key, others by their string.
type nameTable struct {
	ids    map[nameKey]int32
	others map[string]int32
	keys   []nameKey // id -> key; kindOther keys hold the index in strs
	strs   []string
}

func newNameTable() nameTable {
	return nameTable{ids: map[nameKey]int32{}, others: map[string]int32{}}
}

func (t *nameTable) len() int { return len(t.keys) }

// find returns the id of name.
func (t *nameTable) find(name string) (int32, bool) {
	if k, ok := keyOf(name); ok {
		return t.findKey(k)
	}
	id, ok := t.others[name]
	return id, ok
}

// findKey returns the id of a UUID-named name.
func (t *nameTable) findKey(k nameKey) (int32, bool) {
	id, ok := t.ids[k]
	return id, ok
}

// intern returns the id of name, adding it if new.
func (t *nameTable) intern(name string) int32 {
	if id, ok := t.find(name); ok {
		return id
	}
	id := int32(len(t.keys))
	if k, ok := keyOf(name); ok {
		t.ids[k] = id
		t.keys = append(t.keys, k)
		return id
	}
	t.others[name] = id
	var k nameKey
	k.id[0], k.id[1], k.id[2], k.id[3] = byte(len(t.strs)), byte(len(t.strs)>>8), byte(len(t.strs)>>16), byte(len(t.strs)>>24)
	t.keys = append(t.keys, k)
	t.strs = append(t.strs, name)
	return id
}

// name returns the name of id.
func (t *nameTable) name(id int32) string {
	k := t.keys[id]
	if k.kind == kindOther {
		return t.strs[int(k.id[0])|int(k.id[1])<<8|int(k.id[2])<<16|int(k.id[3])<<24]
	}
	return kindPrefixes[k.kind] + k.id.String()
}

// compact trims the slices to their length once the table is complete.
func (t *nameTable) compact() {
	t.keys = t.keys[:len(t.keys):len(t.keys)]
	t.strs = t.strs[:len(t.strs):len(t.strs)]
}

// bytes estimates the heap the table takes.
func (t *nameTable) bytes() int64 {
	n := int64(len(t.keys)) * (17 + 40)
	for _, s := range t.strs {
		n += int64(len(s)) + 56
	}
	return n
}
