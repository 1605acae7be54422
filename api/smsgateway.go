package api

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// The SMS gateway's callbacks (Kannel's dlr-url and sms-service get-url).
// They carry no user token: the delivery-report URL is signed with the
// platform's gateway secret (core.SMSReportSignature), the inbound URL
// carries the secret itself (query or X-Gateway-Secret header), as
// Kannel's configuration can only hold a fixed URL.

type SMSDeliveryReportInput struct {
	Tenant uuid.UUID `query:"tenant" required:"true" doc:"The message's tenant."`
	ID     uuid.UUID `query:"id" required:"true" doc:"The message."`
	Sig    string    `query:"sig" required:"true" maxLength:"128" doc:"The signature we put in the URL."`
	Type   int       `query:"type" required:"true" doc:"Kannel's report type: 1 delivered, 2 failed, 4 buffered, 8 SMSC submit, 16 SMSC reject."`
	Detail string    `query:"detail" maxLength:"1000" doc:"The SMSC's answer (Kannel's %A)."`
}

type SMSInboundInput struct {
	From         string `query:"from" required:"true" maxLength:"40" doc:"The sender's phone (Kannel's %p)."`
	To           string `query:"to" required:"true" maxLength:"40" doc:"The number it was sent to, the tenant's (Kannel's %P)."`
	Text         string `query:"text" maxLength:"2000" doc:"The text (Kannel's %a)."`
	Secret       string `query:"secret" maxLength:"200" doc:"The platform's gateway secret (or the X-Gateway-Secret header)."`
	SecretHeader string `header:"X-Gateway-Secret" maxLength:"200"`
}

type SMSGatewayOutput struct {
	Status int
	Body   struct {
		Status string `json:"status" enum:"accepted"`
	}
}

func accepted() *SMSGatewayOutput {
	out := &SMSGatewayOutput{Status: http.StatusAccepted}
	out.Body.Status = "accepted"
	return out
}

// gatewayAllowed compares in constant time; with no secret configured the
// callbacks are closed.
func (m MessagingServices) gatewayAllowed(given string) error {
	want := m.GatewaySecret
	if want == "" || m.SMSGateway == nil {
		return core.Errorf(core.EFORBIDDEN, "the SMS gateway callbacks are not configured (SMS_GATEWAY_SECRET)")
	}
	if subtle.ConstantTimeCompare([]byte(given), []byte(want)) != 1 {
		return core.Errorf(core.EFORBIDDEN, "wrong gateway secret")
	}
	return nil
}

func registerSMSGatewayRoutes(api huma.API, s *Server, m MessagingServices) {
	tags := []string{"SMS gateway"}
	register(api, huma.Operation{OperationID: "sms-kannel-dlr", Method: http.MethodGet, Path: "/v1/sms/kannel/dlr",
		Summary: "Delivery report (Kannel dlr-url)", Tags: tags, Errors: []int{http.StatusForbidden, http.StatusNotFound},
		Description: "Called by Kannel with the URL given when the message was sent. Moves the message to delivered (1) or " +
			"failed (2, 16); 4 and 8 mark a message still being sent as sent (the carrier has it), and change nothing " +
			"after that. Duplicates are harmless. The status appears on the order's timeline."},
		access{Who: accessPublic},
		func(ctx context.Context, in *SMSDeliveryReportInput) (*SMSGatewayOutput, error) {
			if m.GatewaySecret == "" || m.SMSGateway == nil {
				return nil, m.gatewayAllowed("")
			}
			want := core.SMSReportSignature(m.GatewaySecret, in.Tenant, in.ID)
			if subtle.ConstantTimeCompare([]byte(in.Sig), []byte(want)) != 1 {
				return nil, core.Errorf(core.EFORBIDDEN, "wrong signature")
			}
			if err := m.SMSGateway.DeliveryReport(ctx, in.Tenant, in.ID, in.Type, in.Detail); err != nil {
				return nil, err
			}
			return accepted(), nil
		})
	inbound := func(ctx context.Context, in *SMSInboundInput) (*SMSGatewayOutput, error) {
		secret := in.Secret
		if secret == "" {
			secret = in.SecretHeader
		}
		if err := m.gatewayAllowed(secret); err != nil {
			return nil, err
		}
		if err := m.SMSGateway.ReceiveSMS(ctx, in.From, in.To, in.Text); err != nil {
			return nil, err
		}
		return accepted(), nil
	}
	desc := "Called by Kannel's sms-service (get-url or post-url) for each text received: a technician's command " +
		"(接单/到达/完工 or accept/arrived/done with the order number) moves the order; a customer's digit 1-5 scores " +
		"the latest completed order (a low score opens a follow-up); anything else is answered with a help text. " +
		"404 when no tenant has the receiving number."
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		register(api, huma.Operation{OperationID: "sms-kannel-inbound-" + map[string]string{"GET": "get", "POST": "post"}[method],
			Method: method, Path: "/v1/sms/kannel/inbound", Summary: "Inbound text (Kannel sms-service)", Tags: tags,
			Errors: []int{http.StatusForbidden, http.StatusNotFound}, Description: desc},
			access{Who: accessPublic}, inbound)
	}
}
