package messaging

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/audit"
)

// SMSSettings returns the tenant's SMS settings: DefaultSMSSettings when
// it never saved any, kinds added since it saved on; TimeZone is always
// set. Called by the API and by the SMS jobs before composing.
func (s *Service) SMSSettings(ctx context.Context, u core.UnitOfWork) (*core.SMSSettings, error) {
	r, err := s.store.Messaging(u).FindSMSSettings(ctx)
	if err != nil {
		return nil, err
	}
	out := core.DefaultSMSSettings()
	if r.Document != nil {
		// Over the defaults: kinds added since the tenant saved stay on.
		if err := json.Unmarshal(r.Document, &out); err != nil {
			return nil, err
		}
		out.Normalize()
	}
	out.Number, out.TimeZone, out.UpdatedAt = r.Number, r.TimeZone, r.UpdatedAt
	return &out, nil
}

// UpdateSMSSettings validates and replaces the tenant's settings and
// returns them as SMSSettings does. EINVALID for bad settings (templates
// included), ECONFLICT (field number) when another tenant has the number.
// Called by the API.
func (s *Service) UpdateSMSSettings(ctx context.Context, u core.UnitOfWork, in core.SMSSettings) (*core.SMSSettings, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	before, err := s.SMSSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	// The document keeps what the tenant chose; the number has a column of
	// its own (unique across tenants), and the zone is the tenant's.
	number := in.Number
	in.Number, in.TimeZone, in.UpdatedAt = "", "", time.Time{}
	doc, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	err = s.store.Messaging(u).SaveSMSSettings(ctx, SMSSettingsRecord{Document: doc, Number: number, UpdatedAt: s.now()})
	if core.ErrorCode(err) == core.ECONFLICT {
		return nil, &core.Error{Code: core.ECONFLICT, Message: "number: another tenant receives texts on this number",
			Fields: map[string]string{"number": "is taken by another tenant"}}
	} else if err != nil {
		return nil, err
	}
	after, err := s.SMSSettings(ctx, u)
	if err != nil {
		return nil, err
	}
	// Templates are part of the settings: their changes are recorded here.
	audit.Record(ctx, s.store, u, audit.Change{Action: audit.ActUpdate, ResourceType: audit.ResSMSSettings, Before: before, After: after})
	return after, nil
}
