// Package parts is the built-in parts and stock area: the catalogue, the
// warehouses, the stock ledger and the documents and reservations that
// post to it. In built-in mode the ledger is the truth: every balance is
// the sum of the ledger's movements.
package parts

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/warranty"
)

// Part is an entry of the tenant's parts catalogue.
type Part struct {
	ID     uuid.UUID `json:"id"`
	Number string    `json:"number" example:"P-COMP-35" doc:"The part number, unique in the tenant."`
	NameZh string    `json:"name_zh" example:"压缩机"`
	NameEn string    `json:"name_en" example:"Compressor"`
	// Models are the codes of the product models the part fits.
	Models         []string `json:"models" nullable:"false" doc:"Codes of the product models the part fits."`
	Unit           string   `json:"unit" example:"pcs"`
	CostMinor      int64    `json:"cost_minor" doc:"Cost in the currency's minor unit (fen for CNY)."`
	SaleMinor      int64    `json:"sale_minor" doc:"Sale price in the currency's minor unit."`
	Currency       string   `json:"currency" example:"CNY"`
	WarrantyMonths int      `json:"warranty_months" doc:"The part's own warranty in months from the unit's purchase (0: none). Pricing a part under warranty takes, after the unit's refund and replacement windows, the term of its component when the unit's 三包 policy lists that component; else these months when set; else the unit's repair term."`
	// Component is the major component (三包 主要部件) the part belongs to,
	// by the code warranty policies list it under; "" for none.
	Component  string    `json:"component" example:"compressor" doc:"The major component (主要部件) the part belongs to, by the code the 三包 policies list it under (1-32 letters, digits, '.', '_' or '-'); empty: none. Its term in the unit's policy wins over warranty_months."`
	MustReturn bool      `json:"must_return" doc:"Whether the defective part must be returned."`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// PartInput is what creating or replacing a part takes.
type PartInput struct {
	Number         string
	NameZh, NameEn string
	Models         []string
	Unit           string
	CostMinor      int64
	SaleMinor      int64
	Currency       string
	WarrantyMonths int
	Component      string // the major component's code; "": none
	MustReturn     bool
	Version        int // on update: the version read; 0: any
}

var (
	numberPattern   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks and normalises the input; EINVALID names the field.
func (in *PartInput) Validate() error {
	in.Number = strings.TrimSpace(in.Number)
	in.NameZh, in.NameEn = strings.TrimSpace(in.NameZh), strings.TrimSpace(in.NameEn)
	in.Component = strings.TrimSpace(in.Component)
	if in.Unit == "" {
		in.Unit = "pcs"
	}
	if in.Currency == "" {
		in.Currency = "CNY"
	}
	switch {
	case !numberPattern.MatchString(in.Number):
		return core.FieldError("number", "must be 1-64 letters, digits, '.', '_', '/' or '-'")
	case in.NameZh == "" && in.NameEn == "":
		return core.FieldError("name_zh", "a name in zh-CN or en is required")
	case utf8.RuneCountInString(in.NameZh) > 200:
		return core.FieldError("name_zh", "at most 200 characters")
	case utf8.RuneCountInString(in.NameEn) > 200:
		return core.FieldError("name_en", "at most 200 characters")
	case utf8.RuneCountInString(in.Unit) > 16:
		return core.FieldError("unit", "at most 16 characters")
	case in.CostMinor < 0:
		return core.FieldError("cost_minor", "must not be negative")
	case in.SaleMinor < 0:
		return core.FieldError("sale_minor", "must not be negative")
	case !currencyPattern.MatchString(in.Currency):
		return core.FieldError("currency", "must be an ISO 4217 code such as CNY")
	case in.WarrantyMonths < 0 || in.WarrantyMonths > 240:
		return core.FieldError("warranty_months", "must be between 0 and 240")
	case in.Component != "" && !warranty.ValidCode(in.Component):
		return core.FieldError("component", "must be 1-32 letters, digits, '.', '_' or '-'")
	case len(in.Models) > 500:
		return core.FieldError("models", "at most 500 models")
	}
	seen := map[string]bool{}
	models := make([]string, 0, len(in.Models))
	for _, m := range in.Models {
		m = strings.TrimSpace(m)
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		models = append(models, m)
	}
	in.Models = models
	return nil
}

// PartFilter selects catalogue entries, in part-number order.
type PartFilter struct {
	Query string // part number prefix or a name fragment
	Model string // only parts that fit this model code
	After string // cursor: the last part number of the previous page
	Limit int
}
