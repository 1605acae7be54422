package core

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Work order states (see DESIGN §3 and §5).
const (
	StateCreated      = "created"       // recorded; a field order waits here for dispatch (with a queue reason if none fits)
	StateDispatched   = "dispatched"    // sent to a service site
	StateAssigned     = "assigned"      // a technician of the site is named
	StateAccepted     = "accepted"      // the technician took it
	StateEnRoute      = "en_route"      // on the way
	StateOnSite       = "on_site"       // arrived
	StateWaitingParts = "waiting_parts" // on hold for spare parts
	StateInWorkshop   = "in_workshop"   // unit taken to the workshop (拖机)
	StateCompleted    = "completed"     // work done, service record filed
	StateConfirmed    = "confirmed"     // the site confirmed the record
	StateClosed       = "closed"
	StateCancelled    = "cancelled"
)

// Work order actions: each moves the state machine and appends an event.
const (
	ActionDispatch       = "dispatch"         // send to a site (engine or dispatcher override)
	ActionReassign       = "reassign"         // 改派: void the site and technician; then dispatched anew
	ActionAssign         = "assign"           // name the technician
	ActionAccept         = "accept"           // technician accepts
	ActionDecline        = "decline"          // the technician declines: back to the site to assign again
	ActionReject         = "reject"           // the site rejects: back to created, then the next candidate
	ActionStartTravel    = "start_travel"     // en route
	ActionArrive         = "arrive"           // on site, with location
	ActionWaitParts      = "wait_parts"       // on hold for parts
	ActionResume         = "resume"           // parts arrived / back on site
	ActionTakeToWorkshop = "take_to_workshop" // 拖机
	ActionComplete       = "complete"         // with the service record
	ActionConfirm        = "confirm"          // the site confirms
	ActionClose          = "close"
	ActionCancel         = "cancel"
)

// transitions is the state machine: action → from-state → to-state.
var transitions = map[string]map[string]string{
	ActionDispatch:       {StateCreated: StateDispatched},
	ActionReassign:       {StateDispatched: StateCreated, StateAssigned: StateCreated, StateAccepted: StateCreated, StateEnRoute: StateCreated},
	ActionAssign:         {StateDispatched: StateAssigned, StateAssigned: StateAssigned},
	ActionAccept:         {StateAssigned: StateAccepted, StateDispatched: StateAccepted},
	ActionDecline:        {StateAssigned: StateDispatched},
	ActionReject:         {StateDispatched: StateCreated, StateAssigned: StateCreated},
	ActionStartTravel:    {StateAccepted: StateEnRoute},
	ActionArrive:         {StateAccepted: StateOnSite, StateEnRoute: StateOnSite},
	ActionWaitParts:      {StateOnSite: StateWaitingParts, StateInWorkshop: StateWaitingParts},
	ActionResume:         {StateWaitingParts: StateOnSite},
	ActionTakeToWorkshop: {StateOnSite: StateInWorkshop},
	ActionComplete:       {StateOnSite: StateCompleted, StateInWorkshop: StateCompleted},
	ActionConfirm:        {StateCompleted: StateConfirmed},
	ActionClose:          {StateConfirmed: StateClosed, StateCreated: StateClosed},
	ActionCancel: {StateCreated: StateCancelled, StateDispatched: StateCancelled, StateAssigned: StateCancelled,
		StateAccepted: StateCancelled, StateEnRoute: StateCancelled, StateOnSite: StateCancelled,
		StateWaitingParts: StateCancelled, StateInWorkshop: StateCancelled},
}

// States lists every state; Actions every action.
func States() []string {
	return []string{StateCreated, StateDispatched, StateAssigned, StateAccepted, StateEnRoute, StateOnSite,
		StateWaitingParts, StateInWorkshop, StateCompleted, StateConfirmed, StateClosed, StateCancelled}
}

// WorkOrderActions lists every action.
func WorkOrderActions() []string {
	return []string{ActionDispatch, ActionReassign, ActionAssign, ActionAccept, ActionDecline, ActionReject, ActionStartTravel,
		ActionArrive, ActionWaitParts, ActionResume, ActionTakeToWorkshop, ActionComplete, ActionConfirm,
		ActionClose, ActionCancel}
}

// NextState returns the state an action leads to from state, or ECONFLICT
// naming the current state (EINVALID for an unknown action).
func NextState(state, action string) (string, error) {
	m, ok := transitions[action]
	if !ok {
		return "", FieldError("action", "unknown action %q", action)
	}
	next, ok := m[state]
	if !ok {
		return "", &Error{Code: ECONFLICT, Message: "cannot " + action + " a work order in state " + state,
			Fields: map[string]string{"state": state}}
	}
	return next, nil
}

// Work order types (DESIGN §1) and whether they go to the field.
var workOrderTypes = map[string]bool{
	"repair": true, "installation": true, "maintenance": true,
	"consultation": false, "complaint": false, "suggestion": false,
	"price_inquiry": false, "parts_inquiry": false, "purchase_lead": false,
}

// IsFieldType reports whether orders of the type are dispatched to a site;
// ok is false for an unknown type.
func IsFieldType(t string) (field, ok bool) {
	field, ok = workOrderTypes[t]
	return
}

// Intake channels.
var channels = map[string]bool{"phone": true, "portal": true, "api": true, "sms": true}

// WorkOrder is a customer's request as it moves from intake to closure.
type WorkOrder struct {
	ID           uuid.UUID  `json:"id"`
	Number       string     `json:"number" doc:"Human order number, unique per tenant, e.g. WO-2611-000123."`
	Type         string     `json:"type"`
	Channel      string     `json:"channel"`
	State        string     `json:"state"`
	CustomerID   uuid.UUID  `json:"customer_id"`
	UnitID       *uuid.UUID `json:"unit_id" nullable:"true"`
	ProductLine  string     `json:"product_line,omitempty"`
	ServiceType  string     `json:"service_type"`
	Skills       []string   `json:"skills" doc:"Skills the technician must have."`
	Description  string     `json:"description"`
	Address      string     `json:"address"`
	Lat          *float64   `json:"lat"`
	Lon          *float64   `json:"lon"`
	DivisionCode string     `json:"division_code,omitempty" doc:"The administrative division (GB/T 2260) of the customer address the order was taken from, as parsed when the address was stored."`
	// LocationApproximate: lat/lon are the division's representative point
	// (the customer address had no coordinate of its own).
	LocationApproximate bool              `json:"location_approximate" doc:"lat/lon are the division's representative point, not the address's own."`
	RegionID            *uuid.UUID        `json:"region_id" nullable:"true"`
	SiteID              *uuid.UUID        `json:"site_id" nullable:"true"`
	TechnicianID        *uuid.UUID        `json:"technician_id" nullable:"true"`
	InWarranty          *bool             `json:"in_warranty"`
	WarrantyExpires     *string           `json:"warranty_expires" doc:"YYYY-MM-DD"`
	RespondBy           *time.Time        `json:"respond_by"`
	ArriveBy            *time.Time        `json:"arrive_by"`
	CompleteBy          *time.Time        `json:"complete_by"`
	RespondedAt         *time.Time        `json:"responded_at"`
	ArrivedAt           *time.Time        `json:"arrived_at"`
	CompletedAt         *time.Time        `json:"completed_at"`
	ClosedAt            *time.Time        `json:"closed_at"`
	SLAStatus           string            `json:"sla_status" enum:"none,on_track,at_risk,breached,met"`
	SLAFlags            []string          `json:"sla_flags" doc:"Deadlines whose breach the SLA timer has recorded (response, arrival), each once."`
	Decision            *DispatchDecision `json:"dispatch_decision" doc:"The latest dispatch decision: the engine's suggestion, its ranking with each candidate's reasons, and the outcome; null before any."`
	ServiceRecord       *json.RawMessage  `json:"service_record"`
	QueueReason         string            `json:"queue_reason,omitempty" doc:"Why the order waits in the dispatcher queue."`
	CreatedBy           string            `json:"created_by"`
	Version             int               `json:"version"`
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
	// ExcludedAtIntake are the sites its intake excluded (NewWorkOrder's
	// ExcludedSiteIDs), for its first dispatch; not stored here.
	ExcludedAtIntake []uuid.UUID `json:"-"`
}

// WorkOrderEvent is one entry of an order's timeline.
type WorkOrderEvent struct {
	Seq       int               `json:"seq"`
	Type      string            `json:"type"`
	FromState string            `json:"from_state,omitempty"`
	ToState   string            `json:"to_state,omitempty"`
	Actor     string            `json:"actor" doc:"Who: user:<id>, key:<id>, sms:<phone> (a reply), system:<part>."`
	ActorName string            `json:"actor_name" doc:"What the actor is called now: the user's display name (or username), the API key's name, the technician whose phone replied; empty for the system."`
	At        time.Time         `json:"at"`
	Lat       *float64          `json:"lat"`
	Lon       *float64          `json:"lon"`
	Payload   json.RawMessage   `json:"payload"`
	Names     map[string]string `json:"names,omitempty" doc:"The names of the sites and technicians the payload refers to, by payload key (site_id, from_site, technician_id, previous), and of whom an SMS went to (to)."`
}

// NewWorkOrder is the input of intake.
type NewWorkOrder struct {
	Type        string
	Channel     string
	CustomerID  uuid.UUID
	UnitID      *uuid.UUID
	ServiceType string // defaults to Type
	ProductLine string // defaults to the unit's line
	Skills      []string
	Description string
	AddressID   *uuid.UUID // one of the customer's addresses, or Address+Lat+Lon
	Address     string
	Lat, Lon    *float64
	// DivisionCode and LocationApproximate come with the customer's
	// address (AddressID): set by intake, not by the caller.
	DivisionCode        string
	LocationApproximate bool
	// CoordSystem is the system Lat/Lon are given in: "" or wgs84, gcj02,
	// bd09; Intake converts them to WGS-84.
	CoordSystem string
	CloseNow    bool // non-field orders answered on the call are recorded closed
	// Links are added to the created event's payload: what the order
	// replaces and why (a complaint's reassignment), shown on its timeline.
	Links map[string]any
	// ExcludedSiteIDs are sites the order must not be dispatched to (a
	// complaint's reassignment away from the old order's site).
	ExcludedSiteIDs []uuid.UUID
}

// Validate checks the fields that need no lookup.
func (n *NewWorkOrder) Validate() error {
	if _, ok := IsFieldType(n.Type); !ok {
		return FieldError("type", "unknown work order type %q", n.Type)
	}
	if !channels[n.Channel] {
		return FieldError("channel", "must be phone, portal, api or sms")
	}
	if err := validText("description", n.Description, 0, 4000); err != nil {
		return err
	}
	if err := validText("address", n.Address, 0, 500); err != nil {
		return err
	}
	if len(n.Skills) > 10 {
		return FieldError("skills", "at most 10")
	}
	for _, sk := range n.Skills {
		if !codePattern.MatchString(sk) {
			return FieldError("skills", "skill %q must be 1-32 letters, digits, '.', '_' or '-'", sk)
		}
	}
	if (n.Lat == nil) != (n.Lon == nil) {
		return FieldError("lat", "lat and lon come together")
	}
	if n.Lat != nil {
		if err := ValidateLatLon(*n.Lat, *n.Lon); err != nil {
			return err
		}
	}
	if field, _ := IsFieldType(n.Type); field && n.CloseNow {
		return FieldError("close_now", "only non-field orders can be closed at intake")
	}
	return nil
}

// ValidateLatLon checks a geo point.
func ValidateLatLon(lat, lon float64) error {
	if !(lat >= -90 && lat <= 90) {
		return FieldError("lat", "must be between -90 and 90")
	}
	if !(lon >= -180 && lon <= 180) {
		return FieldError("lon", "must be between -180 and 180")
	}
	return nil
}

// WorkOrderFilter selects work orders for a list.
type WorkOrderFilter struct {
	State        string
	SiteID       *uuid.UUID
	TechnicianID *uuid.UUID
	RegionID     *uuid.UUID // the subtree
	From, To     *time.Time // created_at range
	SLAStatus    string     // at_risk, breached
	Phone        string     // normalised customer phone
	CustomerID   *uuid.UUID // the orders of this customer
	Number       string
	ProductLine  string
	After        string
	Limit        int
	// Within limits the list to the orders a viewer may see (see
	// Viewer.Orders).
	Within OrderReach
}

// ActionInput is what a transition may carry.
type ActionInput struct {
	Action       string
	Version      int // the version the caller read; 0: no check
	Reason       string
	SiteID       *uuid.UUID // dispatch override / reassign target
	TechnicianID *uuid.UUID // assign
	Lat, Lon     *float64   // arrive
	Record       *ServiceRecord
	// ActorName is the caller's display name (or username, key name),
	// recorded in the dispatch outcome of the acts that change it.
	ActorName string
}

// ServiceRecord is the closing data of a field order (一票到底).
type ServiceRecord struct {
	UnitSerial   string        `json:"unit_serial"`
	SymptomCode  string        `json:"symptom_code"`
	CauseCode    string        `json:"cause_code"`
	ObjectCode   string        `json:"object_code"`
	ActionCode   string        `json:"action_code"`
	Parts        []PartUsed    `json:"parts" required:"false" doc:"Spare parts used; may be omitted when none were."`
	Notes        string        `json:"notes,omitempty"`
	Confirmation *Confirmation `json:"confirmation"`
}

// PartUsed is a spare part consumed, scanned by barcode.
type PartUsed struct {
	Barcode  string `json:"barcode"`
	Quantity int    `json:"quantity"`
}

// Confirmation is the customer's sign-off: a name plus a signature image
// (data URL, PNG or JPEG) or a confirmation code.
// The API's spec requires signature or code (ConfirmationNeedsProof).
type Confirmation struct {
	Name      string `json:"name"`
	Signature string `json:"signature,omitempty" doc:"A data:image/png or data:image/jpeg base64 URL under 512 KiB; required unless code is given."`
	Code      string `json:"code,omitempty" doc:"A confirmation code the customer gives the technician; required unless signature is given."`
}

// Validate checks a service record's shape; codes are checked against the
// catalogue and the serial against the unit by the store.
func (r *ServiceRecord) Validate() error {
	for f, v := range map[string]string{"symptom_code": r.SymptomCode, "cause_code": r.CauseCode,
		"object_code": r.ObjectCode, "action_code": r.ActionCode} {
		if v == "" {
			return FieldError("record."+f, "is required")
		}
	}
	if len(r.Parts) > 100 {
		return FieldError("record.parts", "at most 100 lines")
	}
	for _, p := range r.Parts {
		if !codePattern.MatchString(p.Barcode) {
			return FieldError("record.parts", "barcode %q is not a valid barcode", p.Barcode)
		}
		if p.Quantity < 1 || p.Quantity > 1000 {
			return FieldError("record.parts", "quantity must be 1-1000")
		}
	}
	if err := validText("record.notes", r.Notes, 0, 4000); err != nil {
		return err
	}
	c := r.Confirmation
	if c == nil {
		return FieldError("record.confirmation", "the customer's confirmation is required")
	}
	if err := validText("record.confirmation.name", c.Name, 1, 100); err != nil {
		return err
	}
	if c.Signature == "" && c.Code == "" {
		return FieldError("record.confirmation", "a signature image or a confirmation code is required")
	}
	if c.Signature != "" && !validSignature(c.Signature) {
		return FieldError("record.confirmation.signature", "must be a data:image/png or data:image/jpeg base64 URL under 512 KiB")
	}
	return nil
}
