package core_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestNewTenantValidate(t *testing.T) {
	t.Parallel()
	ok := core.NewTenant{Slug: "acme-cn", Name: "ACME 家电", Locale: "zh-CN", TimeZone: "Asia/Shanghai"}
	require.NoError(t, ok.Validate())
	cases := map[string]func(*core.NewTenant){
		"slug":     func(n *core.NewTenant) { n.Slug = "Acme" },
		"slug2":    func(n *core.NewTenant) { n.Slug = "a" },
		"name":     func(n *core.NewTenant) { n.Name = "" },
		"name2":    func(n *core.NewTenant) { n.Name = "bad\x00name" },
		"locale":   func(n *core.NewTenant) { n.Locale = "fr" },
		"timezone": func(n *core.NewTenant) { n.TimeZone = "Local" },
		"tz2":      func(n *core.NewTenant) { n.TimeZone = "../../etc/passwd" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			n := ok
			mutate(&n)
			err := n.Validate()
			require.Equal(t, core.EINVALID, core.ErrorCode(err), "%+v", n)
		})
	}
}

func FuzzNewTenantValidate(f *testing.F) {
	f.Add("acme", "ACME", "zh-CN", "Asia/Shanghai")
	f.Add("a-b", "\xff", "en", "UTC")
	f.Fuzz(func(t *testing.T, slug, name, locale, tz string) {
		n := core.NewTenant{Slug: slug, Name: name, Locale: locale, TimeZone: tz}
		if err := n.Validate(); err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			require.NotEmpty(t, core.ErrorMessage(err))
			return
		}
		require.True(t, utf8.ValidString(name))
		require.False(t, strings.ContainsAny(name, "\x00\n\r"))
		require.Contains(t, []string{"zh-CN", "en"}, locale)
	})
}

func FuzzNewUserValidate(f *testing.F) {
	f.Add("zhang.wei", "password-123", "张伟", "+8613800138000", "z@example.com")
	f.Add("x", "", "", "abc", "not-an-email")
	f.Fuzz(func(t *testing.T, username, password, display, phone, email string) {
		u := core.NewUser{Username: username, Password: password, DisplayName: display, Phone: phone, Email: email}
		if err := u.Validate(); err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		require.True(t, utf8.ValidString(display))
		require.LessOrEqual(t, len(username), 64)
		require.GreaterOrEqual(t, utf8.RuneCountInString(password), 10)
	})
}

func FuzzNewRegionValidate(f *testing.F) {
	f.Add("country", "CN", "中国", false)
	f.Add("city", "GD-SZ", "深圳", true)
	f.Fuzz(func(t *testing.T, level, code, name string, hasParent bool) {
		r := core.NewRegion{Level: level, Code: code, Name: name}
		if hasParent {
			parent := uuid.New()
			r.ParentID = &parent
		}
		if err := r.Validate(); err != nil {
			require.Equal(t, core.EINVALID, core.ErrorCode(err))
			return
		}
		require.Contains(t, []string{"country", "region", "province", "city"}, level)
		require.Equal(t, level == "country", !hasParent)
	})
}
