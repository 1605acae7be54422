package core_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

// TestPermissionEnumsMatchTheLists: the spec's enums of Permission (its
// struct tags) name exactly the resources and actions ValidPermission
// accepts, "*" included, so a portal built from the spec offers them all.
func TestPermissionEnumsMatchTheLists(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeOf(core.Permission{})
	enum := func(field string) []string {
		f, ok := typ.FieldByName(field)
		require.True(t, ok)
		return strings.Split(f.Tag.Get("enum"), ",")
	}
	require.ElementsMatch(t, append(core.Resources(), "*"), enum("Resource"))
	require.ElementsMatch(t, core.Actions(), enum("Action"))
	for _, r := range enum("Resource") {
		for _, a := range enum("Action") {
			require.True(t, core.ValidPermission(core.Permission{Resource: r, Action: a}), "%s:%s", r, a)
		}
	}
	require.False(t, core.ValidPermission(core.Permission{Resource: "moon", Action: "read"}))
}
