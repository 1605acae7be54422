package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
)

// SMSKindInfo tells a settings screen what a notification kind is and may say.
type SMSKindInfo struct {
	Kind      string            `json:"kind"`
	Audience  string            `json:"audience" enum:"technician,customer,site,dispatcher,sender,manager" doc:"Who gets it; customer texts wait out the quiet hours."`
	Variables []string          `json:"variables" doc:"Variables its texts may use, in braces."`
	Defaults  map[string]string `json:"defaults" doc:"Built-in text per locale."`
}

// SMSSettingsView is the tenant's SMS settings with the kinds' catalogue.
type SMSSettingsView struct {
	core.SMSSettings
	Kinds []SMSKindInfo `json:"kinds" readOnly:"true" doc:"Every notification kind, its variables and built-in texts."`
}

type SMSSettingsOutput struct{ Body *SMSSettingsView }

// PutSMSSettingsInput replaces the settings; what is omitted takes its default.
type PutSMSSettingsInput struct {
	Body struct {
		Signature         string                          `json:"signature,omitempty" maxLength:"14" doc:"Sender signature, e.g. 【海尔服务】 (brackets added when missing); omitted: unsigned."`
		SignatureAtEnd    bool                            `json:"signature_at_end,omitempty" doc:"Put the signature after the text."`
		Number            string                          `json:"number,omitempty" maxLength:"32" doc:"Long number or short code replies arrive on; unique across tenants; omitted: none."`
		Notifications     map[string]core.SMSNotification `json:"notifications,omitempty" doc:"Per kind; an omitted kind is on with the built-in texts."`
		QuietHours        *core.QuietHours                `json:"quiet_hours,omitempty" doc:"Omitted: 21:00-08:00."`
		RatePerMinute     int                             `json:"rate_per_minute,omitempty" minimum:"1" maximum:"6000" doc:"Omitted: 120."`
		LowScoreThreshold int                             `json:"low_score_threshold,omitempty" minimum:"1" maximum:"4" doc:"Omitted: 2."`
		ReplyKeywords     map[string]string               `json:"reply_keywords,omitempty" doc:"Reply words mapped to accept, arrived or done; omitted: the defaults."`
	}
}

type SMSPreviewInput struct {
	Body struct {
		Kind     string            `json:"kind" enum:"technician_assigned,customer_assigned,customer_satisfaction,help_reply,site_urge,sla_breached,complaint_escalated,complaint_confirm,callback_survey"`
		Locale   string            `json:"locale,omitempty" enum:"zh-CN,en" default:"zh-CN"`
		Template *string           `json:"template,omitempty" maxLength:"2000" doc:"Text to try instead of the saved one; omitted: the tenant's text (or the built-in one)."`
		Facts    map[string]string `json:"facts,omitempty" doc:"Variable values to render with, e.g. {\"order_number\": \"WO-2611-000001\"}; omitted ones use sample values."`
		// A settings screen previews the signature being edited, before it is saved.
		Signature      *string `json:"signature,omitempty" maxLength:"14" doc:"Signature to try instead of the saved one (brackets added when missing; empty: unsigned); omitted: the tenant's."`
		SignatureAtEnd *bool   `json:"signature_at_end,omitempty" doc:"Signature position to try; omitted: the tenant's."`
	}
}

type SMSPreview struct {
	Body       string `json:"body" doc:"The text as sent, signature included."`
	Encoding   string `json:"encoding" enum:"GSM-7,UCS-2"`
	Segments   int    `json:"segments" doc:"Messages the carrier bills: 160/153 GSM-7 septets or 70/67 UCS-2 units each."`
	Characters int    `json:"characters"`
	Enabled    bool   `json:"enabled" doc:"Whether the tenant sends this kind."`
}

type SMSPreviewOutput struct{ Body *SMSPreview }

func registerSMSSettingsRoutes(api huma.API, s *Server, m MessagingServices) {
	tags := []string{"Settings"}
	read := access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActRead}}
	register(api, huma.Operation{OperationID: "get-sms-settings", Method: http.MethodGet, Path: "/v1/settings/sms",
		Summary: "The tenant's SMS settings: signature, number, notifications and their texts, quiet hours, limits", Tags: tags},
		read, func(ctx context.Context, _ *struct{}) (*SMSSettingsOutput, error) {
			out, err := m.SMS.SMSSettings(ctx, unitOfWork(ctx))
			return smsSettingsView(out), err
		})
	register(api, huma.Operation{OperationID: "put-sms-settings", Method: http.MethodPut, Path: "/v1/settings/sms",
		Summary: "Replace the tenant's SMS settings", Tags: tags, Errors: []int{http.StatusConflict},
		Description: "Texts are checked on save: unknown variables or bad braces are refused with 422 naming the " +
			"notification and locale. 409 when another tenant receives texts on the number."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResTenant, Action: core.ActUpdate}},
		func(ctx context.Context, in *PutSMSSettingsInput) (*SMSSettingsOutput, error) {
			b := in.Body
			set := core.SMSSettings{Signature: b.Signature, SignatureAtEnd: b.SignatureAtEnd, Number: b.Number,
				Notifications: b.Notifications, RatePerMinute: b.RatePerMinute, LowScoreThreshold: b.LowScoreThreshold,
				ReplyKeywords: b.ReplyKeywords, QuietHours: core.DefaultSMSSettings().QuietHours}
			if b.QuietHours != nil {
				set.QuietHours = *b.QuietHours
			}
			out, err := m.SMS.UpdateSMSSettings(ctx, unitOfWork(ctx), set)
			return smsSettingsView(out), err
		})
	register(api, huma.Operation{OperationID: "preview-sms", Method: http.MethodPost, Path: "/v1/settings/sms/preview",
		Summary: "Render a notification text with the tenant's signature, and count its segments", Tags: tags,
		Description: "Tries a text before saving it: the same checks as saving, sample values for omitted variables."},
		read, func(ctx context.Context, in *SMSPreviewInput) (*SMSPreviewOutput, error) {
			set, err := m.SMS.SMSSettings(ctx, unitOfWork(ctx))
			if err != nil {
				return nil, err
			}
			return previewSMS(set, in)
		})
}

func previewSMS(saved *core.SMSSettings, in *SMSPreviewInput) (*SMSPreviewOutput, error) {
	b := in.Body
	set := saved
	if b.Signature != nil || b.SignatureAtEnd != nil {
		try := *saved
		if b.Signature != nil {
			try.Signature = *b.Signature
		}
		if b.SignatureAtEnd != nil {
			try.SignatureAtEnd = *b.SignatureAtEnd
		}
		if err := try.Validate(); err != nil {
			return nil, err
		}
		set = &try
	}
	text := set.Template(b.Kind, b.Locale)
	if b.Template != nil {
		text = *b.Template
	}
	vars := core.SampleSMSVars(b.Locale)
	allowed := core.SMSKindVariables(b.Kind)
	for _, name := range slices.Sorted(maps.Keys(b.Facts)) {
		if !slices.Contains(allowed, name) {
			return nil, core.FieldError("facts."+name, "%s texts have no variable {%s}", b.Kind, name)
		}
		vars[name] = b.Facts[name]
	}
	rendered, err := core.RenderSMSTemplate(b.Kind, text, vars)
	if err != nil {
		return nil, core.FieldError("template", "%s", core.ErrorMessage(err))
	}
	body := set.Sign(rendered)
	enc, n := core.SMSSegments(body)
	return &SMSPreviewOutput{Body: &SMSPreview{Body: body, Encoding: enc, Segments: n,
		Characters: utf8.RuneCountInString(body), Enabled: set.Enabled(b.Kind)}}, nil
}

func smsSettingsView(s *core.SMSSettings) *SMSSettingsOutput {
	if s == nil {
		return nil
	}
	v := &SMSSettingsView{SMSSettings: *s}
	for _, k := range core.SMSKinds() {
		v.Kinds = append(v.Kinds, SMSKindInfo{Kind: k, Audience: core.SMSAudience(k), Variables: core.SMSKindVariables(k),
			Defaults: map[string]string{core.LocaleZhCN: core.DefaultSMSTemplate(k, core.LocaleZhCN),
				core.LocaleEn: core.DefaultSMSTemplate(k, core.LocaleEn)}})
	}
	return &SMSSettingsOutput{Body: v}
}
