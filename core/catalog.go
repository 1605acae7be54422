package core

// ServiceType is a kind of request a tenant handles (repair 报修,
// consultation 咨询…), named in zh-CN and en, with its SLA targets in
// working minutes (0: no target). Field types are dispatched to a site.
type ServiceType struct {
	Code            string `json:"code" example:"repair"`
	NameZh          string `json:"name_zh" example:"报修"`
	NameEn          string `json:"name_en" example:"Repair"`
	Field           bool   `json:"field" doc:"Needs a technician on site (dispatched)."`
	RespondMinutes  int    `json:"respond_minutes" example:"120"`
	ArriveMinutes   int    `json:"arrive_minutes" example:"1440"`
	CompleteMinutes int    `json:"complete_minutes" example:"4320"`
}

// maxSLAMinutes is a year of minutes; anything longer is a typo.
const maxSLAMinutes = 525600

// Validate checks the fields.
func (t *ServiceType) Validate() error {
	if !codePattern.MatchString(t.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if err := validText("name_zh", t.NameZh, 1, 100); err != nil {
		return err
	}
	if err := validText("name_en", t.NameEn, 1, 100); err != nil {
		return err
	}
	for _, m := range []struct {
		field string
		v     int
	}{{"respond_minutes", t.RespondMinutes}, {"arrive_minutes", t.ArriveMinutes}, {"complete_minutes", t.CompleteMinutes}} {
		if m.v < 0 || m.v > maxSLAMinutes {
			return FieldError(m.field, "must be between 0 and %d", maxSLAMinutes)
		}
	}
	if !t.Field && t.ArriveMinutes != 0 {
		return FieldError("arrive_minutes", "must be 0 for a type that is not dispatched to the field")
	}
	return nil
}

// DefaultServiceTypes are the service types a new tenant starts with.
func DefaultServiceTypes() []ServiceType {
	return []ServiceType{
		{"repair", "报修", "Repair", true, 120, 1440, 4320},
		{"installation", "安装", "Installation", true, 120, 2880, 4320},
		{"maintenance", "保养", "Maintenance", true, 240, 4320, 7200},
		{"consultation", "咨询", "Consultation", false, 60, 0, 1440},
		{"complaint", "投诉", "Complaint", false, 60, 0, 4320},
		{"suggestion", "建议", "Suggestion", false, 1440, 0, 7200},
		{"price_inquiry", "价格咨询", "Price inquiry", false, 60, 0, 480},
		{"parts_inquiry", "配件咨询", "Parts inquiry", false, 60, 0, 1440},
		{"purchase_lead", "购买意向", "Purchase lead", false, 240, 0, 2880},
	}
}

// Fault code kinds: what the customer sees, why it happened, which part,
// what was done (故障现象码、原因码、对象码、维修措施码).
const (
	FaultSymptom = "symptom"
	FaultCause   = "cause"
	FaultObject  = "object"
	FaultAction  = "action"
)

// FaultKinds lists the kinds in the order a technician picks them.
func FaultKinds() []string { return []string{FaultSymptom, FaultCause, FaultObject, FaultAction} }

// IsFaultKind tells whether k is one of FaultKinds.
func IsFaultKind(k string) bool {
	return k == FaultSymptom || k == FaultCause || k == FaultObject || k == FaultAction
}

// FaultCode is an entry of one of the tenant's fault catalogues. Codes form
// a tree within a kind; a code with a product line applies to that line
// only, one without applies to all.
type FaultCode struct {
	Kind        string  `json:"kind" enum:"symptom,cause,object,action"`
	Code        string  `json:"code" example:"E1-01"`
	ParentCode  *string `json:"parent_code" example:"E1"`
	ProductLine *string `json:"product_line" example:"AC"`
	NameZh      string  `json:"name_zh" example:"不制冷"`
	NameEn      string  `json:"name_en" example:"Not cooling"`
}

// Validate checks the fields; the parent and product line are checked by
// core/catalog. Empty parent or product line pointers become nil.
func (f *FaultCode) Validate() error {
	if !IsFaultKind(f.Kind) {
		return FieldError("kind", "must be symptom, cause, object or action")
	}
	if !codePattern.MatchString(f.Code) {
		return FieldError("code", "must be 1-32 letters, digits, '.', '_' or '-'")
	}
	if f.ParentCode != nil && *f.ParentCode == "" {
		f.ParentCode = nil
	}
	if f.ProductLine != nil && *f.ProductLine == "" {
		f.ProductLine = nil
	}
	if f.ParentCode != nil {
		if !codePattern.MatchString(*f.ParentCode) {
			return FieldError("parent_code", "is not a fault code")
		}
		if *f.ParentCode == f.Code {
			return FieldError("parent_code", "a code cannot be its own parent")
		}
	}
	if f.ProductLine != nil && !codePattern.MatchString(*f.ProductLine) {
		return FieldError("product_line", "is not a product line code")
	}
	if err := validText("name_zh", f.NameZh, 1, 100); err != nil {
		return err
	}
	return validText("name_en", f.NameEn, 1, 100)
}

// FitsLine tells whether a code whose product line is codeLine may be used
// on an order of product line orderLine: codes without a line fit all, and
// an order without a line accepts any code.
func FitsLine(codeLine *string, orderLine string) bool {
	return codeLine == nil || orderLine == "" || *codeLine == orderLine
}

// FaultCodeFilter selects fault codes; After is the cursor ("kind:code").
type FaultCodeFilter struct {
	Kind string
	// ProductLine selects the codes usable on that line: its own and
	// those without a line.
	ProductLine string
	Parent      string // children of this code
	RootsOnly   bool   // codes without a parent
	After       string
	Limit       int
}

// FaultCodeImportRow is one row of a fault code import (Row is 1-based).
type FaultCodeImportRow struct {
	Row  int
	Code FaultCode
}
