package plugin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// newCTIToken returns a CTI event token and its hash. The token carries its
// tenant, so the endpoint can open that tenant's unit without looking
// across tenants.
func newCTIToken(tenant uuid.UUID) (string, []byte) {
	raw := make([]byte, 16+24)
	copy(raw, tenant[:])
	if _, err := rand.Read(raw[16:]); err != nil {
		panic(err)
	}
	tok := "ctk_" + base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(tok))
	return tok, h[:]
}

// ctiTokenTenant returns the tenant a CTI token claims, or false.
func ctiTokenTenant(tok string) (uuid.UUID, bool) {
	rest, ok := strings.CutPrefix(tok, "ctk_")
	// The length check first: the decoder skips line breaks, and a token
	// should have exactly one spelling.
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(40) {
		return uuid.Nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) != 40 {
		return uuid.Nil, false
	}
	return uuid.UUID(raw[:16]), true
}

// AuthenticateCTI resolves a CTI event token for binding id, outside any
// unit (it opens its own). It returns the binding (secrets decrypted,
// Plugin filled in) only when the token is the binding's, the binding is
// an enabled CTI binding of an enabled plugin and the tenant is active;
// EUNAUTHORIZED otherwise, whatever the reason.
func (s *Service) AuthenticateCTI(ctx context.Context, id uuid.UUID, token string) (*core.PluginBinding, error) {
	denied := core.Errorf(core.EUNAUTHORIZED, "unknown CTI binding or wrong token")
	tenant, ok := ctiTokenTenant(token)
	if !ok {
		return nil, denied
	}
	status, err := s.store.FindTenantStatus(ctx, tenant)
	if err != nil || status != core.TenantActive {
		return nil, denied
	}
	var b *core.PluginBinding
	err = core.InUnitOfWork(ctx, s.units, tenant, func(u core.UnitOfWork) error {
		var hash []byte
		var err error
		b, hash, err = s.runnableBinding(ctx, u, id)
		want := sha256.Sum256([]byte(token))
		if err == nil && subtle.ConstantTimeCompare(hash, want[:]) != 1 {
			return denied
		}
		return err
	})
	if err != nil {
		if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EUNAUTHORIZED {
			return nil, denied
		}
		return nil, err
	}
	if b.Kind != core.PluginCTI || !b.Enabled {
		return nil, core.Errorf(core.EUNAUTHORIZED, "the CTI binding is disabled")
	}
	return b, nil
}

// CallEvents are what a vendor's payload held, and how many agent
// notifications they gave.
type CallEvents struct {
	Events    []core.CallEvent
	Delivered int
}

// ReceiveCallEvents takes a telephony vendor's payload for binding id,
// authenticated by token (AuthenticateCTI): the tenant's CTI plugin
// translates it into call events (EINVALID for a payload it cannot read;
// then nothing else happens, and EUNPROCESSABLE for an answer that is no
// call event), and each event goes to the agents with its extension, as a
// screen pop when the call rings, in a unit of the tenant (sent when it
// commits).
func (s *Service) ReceiveCallEvents(ctx context.Context, id uuid.UUID, token string, p core.CTIPayload) (*CallEvents, error) {
	b, err := s.AuthenticateCTI(ctx, id, token)
	if err != nil {
		return nil, err
	}
	if s.runtime == nil {
		return nil, ErrNoRuntime
	}
	cti, err := s.runtime.CTI(ctx, b)
	if err != nil {
		return nil, err
	}
	events, err := cti.TranslateEvents(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if err := checkCallEvent(e); err != nil {
			return nil, err
		}
	}
	out := &CallEvents{Events: events}
	err = core.InUnitOfWork(ctx, s.units, b.TenantID, func(u core.UnitOfWork) error {
		out.Delivered = 0
		if s.calls != nil {
			if err := s.calls.RecordCallEvents(ctx, u, events); err != nil {
				return err
			}
		}
		for _, e := range events {
			n, err := s.notifyAgents(ctx, u, e)
			if err != nil {
				return err
			}
			out.Delivered += n
		}
		return nil
	})
	return out, err
}

// checkCallEvent refuses an answer from the plugin that is not a call event
// (the plugin's fault, not the vendor's).
func checkCallEvent(e core.CallEvent) error {
	switch e.Type {
	case core.CallRinging, core.CallAnswered, core.CallEnded, core.CallQueued:
	default:
		return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered an unknown event type %q", e.Type)
	}
	if e.Direction != "" && e.Direction != "inbound" && e.Direction != "outbound" {
		return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered an unknown call direction %q", e.Direction)
	}
	for _, f := range []string{e.CallID, e.Caller, e.Called, e.AgentExtension, e.Queue} {
		if len(f) > 256 {
			return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered a call event field over 256 characters")
		}
	}
	if len(e.RecordingURL) > 2048 {
		return core.Errorf(core.EUNPROCESSABLE, "the CTI plugin answered a recording URL over 2048 characters")
	}
	return nil
}

// notifyAgents publishes a call event to the agents with its extension in
// u (sent when it commits) and returns how many there were.
func (s *Service) notifyAgents(ctx context.Context, u core.UnitOfWork, e core.CallEvent) (int, error) {
	if e.AgentExtension == "" {
		return 0, nil
	}
	repo := s.store.Plugins(u)
	users, err := repo.FindUsersByCTIExtension(ctx, e.AgentExtension)
	if err != nil {
		return 0, err
	}
	typ := core.AgentEventCall
	if e.Type == core.CallRinging {
		typ = core.AgentEventScreenPop
	}
	for _, user := range users {
		if err := repo.PublishAgentEvent(user, core.AgentEvent{Type: typ, Call: e}); err != nil {
			return 0, err
		}
	}
	return len(users), nil
}

// SubscribeAgentEvents returns the user's agent events until ctx ends,
// when the channel is closed; ErrNoRuntime when this server streams none.
func (s *Service) SubscribeAgentEvents(ctx context.Context, tenantID, userID uuid.UUID) (<-chan core.AgentEvent, error) {
	if s.events == nil {
		return nil, ErrNoRuntime
	}
	return s.events.SubscribeAgentEvents(ctx, tenantID, userID)
}

// Dial rings the user's extension and connects it to number through the
// tenant's CTI plugin (click-to-dial). ECONFLICT when the user has no
// extension or the tenant no CTI binding; EINVALID for a number the switch
// refuses.
func (s *Service) Dial(ctx context.Context, u core.UnitOfWork, user uuid.UUID, number string) (*core.DialResult, error) {
	ext, err := s.store.Plugins(u).FindCTIExtension(ctx, user)
	if err != nil {
		return nil, err
	}
	if ext == "" {
		return nil, core.Errorf(core.ECONFLICT, "you have no CTI extension; a tenant admin sets it (PUT /v1/users/{id}/cti-extension)")
	}
	cti, err := pluginOf(ctx, s, u, core.PluginCTI, s.runtimeCTI)
	if err != nil {
		return nil, err
	}
	res, err := cti.Dial(ctx, core.DialRequest{AgentExtension: ext, Number: number, Reference: user.String()})
	if err != nil || s.calls == nil || res == nil {
		return res, err
	}
	return res, s.calls.RecordDial(ctx, u, user, ext, number, res.CallID)
}

func (s *Service) runtimeCTI(ctx context.Context, b *core.PluginBinding) (core.CTIPlugin, error) {
	return s.runtime.CTI(ctx, b)
}

var extensionPattern = regexp.MustCompile(`^[0-9A-Za-z*#+._-]{1,32}$`)

// SetCTIExtension sets (or with "" clears) a user's extension, at which
// call events reach them. EINVALID for a malformed extension, ENOTFOUND,
// ECONFLICT when another user of the tenant has it.
func (s *Service) SetCTIExtension(ctx context.Context, u core.UnitOfWork, user uuid.UUID, extension string) error {
	if extension != "" && !extensionPattern.MatchString(extension) {
		return core.FieldError("extension", "must be 1-32 digits, letters or * # + . _ -")
	}
	err := s.store.Plugins(u).SetCTIExtension(ctx, user, extension)
	if core.ErrorCode(err) == core.ECONFLICT {
		return &core.Error{Code: core.ECONFLICT, Message: "another user already has extension " + extension,
			Fields: map[string]string{"extension": "another user of the tenant has it"}}
	}
	return err
}

// ErrNoCTIBinding: the tenant binds no CTI plugin (SyncAgents).
var ErrNoCTIBinding = errors.New("no CTI plugin bound for this tenant")

// SyncAgents tells the phone system, through the tenant's CTI plugin, the
// agent groups' state st. ErrNoCTIBinding when the tenant binds none,
// core.ErrAgentSyncNotSupported when its plugin does not sync agents;
// EUNPROCESSABLE when the plugin fails.
func (s *Service) SyncAgents(ctx context.Context, u core.UnitOfWork, st core.AgentSync) error {
	cti, err := pluginOf(ctx, s, u, core.PluginCTI, s.runtimeCTI)
	if err != nil {
		if core.ErrorCode(err) == core.ECONFLICT {
			return ErrNoCTIBinding
		}
		return err
	}
	syncer, ok := cti.(core.AgentSyncer)
	if !ok {
		return core.ErrAgentSyncNotSupported
	}
	return syncer.SyncAgents(ctx, st)
}
