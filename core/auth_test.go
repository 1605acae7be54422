package core_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/core"
)

func TestTokensRoundTrip(t *testing.T) {
	t.Parallel()
	tenant := uuid.New()
	for i := 0; i < 200; i++ { // the secret is random: many draws cover '_' and '-' in it
		s, h := core.NewSessionToken(tenant)
		tok, err := core.ParseToken(s)
		require.NoError(t, err)
		require.Equal(t, core.PrincipalUser, tok.Kind)
		require.Equal(t, tenant, tok.TenantID)
		require.Equal(t, h, tok.Hash)

		k, kh := core.NewAPIKeyToken(tenant)
		tok, err = core.ParseToken(k)
		require.NoError(t, err)
		require.Equal(t, core.PrincipalAPIKey, tok.Kind)
		require.Equal(t, kh, tok.Hash)

		p, ph := core.NewPlatformToken()
		tok, err = core.ParseToken(p)
		require.NoError(t, err)
		require.Equal(t, core.PrincipalPlatform, tok.Kind)
		require.Equal(t, ph, tok.Hash)
	}
	for _, bad := range []string{"", "ast_", "asp_short", "xyz_" + strings.Repeat("a", 76), "ast_" + strings.Repeat("z", 32) + "_" + strings.Repeat("a", 43)} {
		_, err := core.ParseToken(bad)
		require.Equal(t, core.EUNAUTHORIZED, core.ErrorCode(err), bad)
	}
}

func FuzzParseToken(f *testing.F) {
	s, _ := core.NewSessionToken(uuid.New())
	k, _ := core.NewAPIKeyToken(uuid.New())
	p, _ := core.NewPlatformToken()
	for _, seed := range []string{s, k, p, "", "ast__", "asp_" + strings.Repeat("_", 43), "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tok, err := core.ParseToken(in)
		if err != nil {
			require.Equal(t, core.EUNAUTHORIZED, core.ErrorCode(err))
			return
		}
		require.Len(t, tok.Hash, 32)
		if tok.Kind != core.PrincipalPlatform {
			require.NotEqual(t, uuid.Nil.String()+"x", tok.TenantID.String())
		}
	})
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h := core.HashPassword("s3cret-password")
	require.True(t, strings.HasPrefix(h, "$argon2id$"))
	require.True(t, core.CheckPassword(h, "s3cret-password"))
	require.False(t, core.CheckPassword(h, "s3cret-passwore"))
	require.NotEqual(t, h, core.HashPassword("s3cret-password"), "salted")
	require.False(t, core.CheckPasswordOrDummy("", "anything"))
}

func FuzzCheckPassword(f *testing.F) {
	f.Add(core.HashPassword("pw-123456789"), "pw-123456789")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "x")
	f.Add("$argon2id$v=19$m=99999999999,t=1,p=1$AAAA$AAAA", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=0$AAAA$AAAAAAAAAAAAAAAAAAAAAA", "x") // zero threads once panicked argon2
	f.Fuzz(func(t *testing.T, hash, pw string) {
		// Must never panic, and bounds its own cost on attacker-shaped hashes.
		if core.CheckPassword(hash, pw) {
			require.True(t, strings.HasPrefix(hash, "$argon2id$"))
		}
	})
}
