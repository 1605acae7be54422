package core

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
)

// Principal kinds.
const (
	PrincipalUser     = "user"
	PrincipalAPIKey   = "api_key"
	PrincipalPlatform = "platform_admin"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind         string
	ID           uuid.UUID // user, API key or platform admin ID
	TenantID     uuid.UUID // zero for platform admins
	TenantSlug   string
	TenantStatus string
	TenantReason string
	Locale       string
	TimeZone     string
	Name         string // username, key name or admin name
	DisplayName  string
	CTIExtension string // a user's phone extension, "" when none
	SessionID    uuid.UUID
	LastUsedAt   *time.Time
	// Technician is the user's technician record as the session lookup
	// read it (nil: the user is none), when TechnicianRead: a request
	// then needs no query of its own to learn what the user sees.
	Technician     *FieldTechnician
	TechnicianRead bool
}

// Subject is the principal's name in access rules.
func (p *Principal) Subject() string {
	switch p.Kind {
	case PrincipalAPIKey:
		return APIKeySubject(p.ID)
	case PrincipalPlatform:
		return "platform:" + p.ID.String()
	}
	return UserSubject(p.ID)
}

// Token prefixes. Tenant tokens carry their tenant's ID so the tenant
// transaction can be opened before the token is looked up; the secret part
// is 32 random bytes, and only its SHA-256 is stored.
const (
	prefixSession  = "ast"
	prefixAPIKey   = "ask"
	prefixPlatform = "asp"
)

// Token is a parsed bearer token.
type Token struct {
	Kind     string // PrincipalUser (session), PrincipalAPIKey or PrincipalPlatform
	TenantID uuid.UUID
	Hash     []byte
}

func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// NewSessionToken returns a login token for the tenant and its hash.
func NewSessionToken(tenantID uuid.UUID) (string, []byte) {
	t := prefixSession + "_" + hex.EncodeToString(tenantID[:]) + "_" + randomSecret()
	return t, hashToken(t)
}

// NewAPIKeyToken returns an API key for the tenant and its hash.
func NewAPIKeyToken(tenantID uuid.UUID) (string, []byte) {
	t := prefixAPIKey + "_" + hex.EncodeToString(tenantID[:]) + "_" + randomSecret()
	return t, hashToken(t)
}

// NewPlatformToken returns a platform-admin token and its hash.
func NewPlatformToken() (string, []byte) {
	t := prefixPlatform + "_" + randomSecret()
	return t, hashToken(t)
}

// ParseToken parses a bearer token; EUNAUTHORIZED when it is malformed.
func ParseToken(s string) (Token, error) {
	bad := Errorf(EUNAUTHORIZED, "malformed bearer token")
	if len(s) > 200 {
		return Token{}, bad
	}
	// The secret is base64url and may itself contain '_': parse by position.
	const secretLen = 43
	switch {
	case len(s) == 4+secretLen && strings.HasPrefix(s, prefixPlatform+"_"):
		return Token{Kind: PrincipalPlatform, Hash: hashToken(s)}, nil
	case len(s) == 4+32+1+secretLen && (strings.HasPrefix(s, prefixSession+"_") || strings.HasPrefix(s, prefixAPIKey+"_")) && s[36] == '_':
		raw, err := hex.DecodeString(s[4:36])
		if err != nil || len(raw) != 16 {
			return Token{}, bad
		}
		kind := PrincipalUser
		if strings.HasPrefix(s, prefixAPIKey) {
			kind = PrincipalAPIKey
		}
		return Token{Kind: kind, TenantID: uuid.UUID(raw), Hash: hashToken(s)}, nil
	}
	return Token{}, bad
}

// argon2id parameters (RFC 9106 second recommended option, lighter memory).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// argonBytes is the memory one argon2id computation holds for its whole run.
const argonBytes = argonMemory << 10

// argonSlots bounds the argon2id computations running at once: each holds
// its memory (19 MiB) for its whole run, and more of them at once than
// processors only add memory (the peak RSS of a burst of logins or
// onboardings), not throughput. The others wait their turn. At start the
// server sizes it from its memory budget (SetPasswordHashMemory).
var argonSlots = func() *atomic.Pointer[chan struct{}] {
	p := new(atomic.Pointer[chan struct{}])
	ch := make(chan struct{}, PasswordHashSlots(0))
	p.Store(&ch)
	return p
}()

// argonRunning and argonPeak count the computations running and the most
// that ever ran at once (tests read them).
var argonRunning, argonPeak atomic.Int64

// PasswordHashSlots is how many argon2id computations may run at once
// within budget bytes of memory: one per processor, fewer when budget
// holds fewer (at least one). A budget of 0 means one per processor.
func PasswordHashSlots(budget int64) int {
	n := max(runtime.GOMAXPROCS(0), 1)
	if budget > 0 {
		n = min(n, max(int(budget/argonBytes), 1))
	}
	return n
}

// SetPasswordHashMemory bounds the memory that password hashing (and
// checking) may hold at once to budget bytes (PasswordHashSlots); it
// returns the number of hashes that may run at once. Hashes already
// running finish under the bound they started with.
func SetPasswordHashMemory(budget int64) int {
	n := PasswordHashSlots(budget)
	ch := make(chan struct{}, n)
	argonSlots.Store(&ch)
	return n
}

func idKey(password, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
	slots := *argonSlots.Load()
	slots <- struct{}{}
	defer func() { <-slots }()
	n := argonRunning.Add(1)
	defer argonRunning.Add(-1)
	for p := argonPeak.Load(); n > p && !argonPeak.CompareAndSwap(p, n); p = argonPeak.Load() {
	}
	return argon2.IDKey(password, salt, passes, memory, threads, keyLen)
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches an argon2id PHC hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	// argon2 panics on zero threads; absurd costs would stall the server.
	if p < 1 || p > 16 || t < 1 || t > 16 || m < 8*uint32(p) || m > 256*1024 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := idKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so a login for
// an unknown user costs as much as one for a known user.
var dummyHash = HashPassword("not-a-real-password-0")

// CheckPasswordOrDummy runs the same work whether or not hash is empty.
func CheckPasswordOrDummy(hash, password string) bool {
	if hash == "" {
		CheckPassword(dummyHash, password)
		return false
	}
	return CheckPassword(hash, password)
}

// InvitationTTL is how long an invitation to set one's password is good for.
const InvitationTTL = 72 * time.Hour

// Invitation lets a user without a password set one, once, before it
// expires. Token (32 random bytes, base64url) is handed to the user once;
// only its SHA-256 (Hash) is stored.
type Invitation struct {
	Token     string
	Hash      []byte
	ExpiresAt time.Time
}

// NewInvitation returns a fresh invitation issued at now.
func NewInvitation(now time.Time) Invitation {
	t := randomSecret()
	return Invitation{Token: t, Hash: hashToken(t), ExpiresAt: now.Add(InvitationTTL).Truncate(time.Second)}
}

// InvitationHash is the stored form of an invitation token; nil when the
// token cannot be one (so that nothing is looked up for it).
func InvitationHash(token string) []byte {
	if len(token) != 43 {
		return nil
	}
	return hashToken(token)
}

// SameHash compares two token hashes in constant time.
func SameHash(a, b []byte) bool { return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1 }
