package parts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// WarnPartNotFitting is the code of a FitWarning.
const WarnPartNotFitting = "part_not_fitting"

// FitWarning tells that a part recorded on an order does not fit its
// unit's model by the catalogue. It is a warning, not a refusal: in the
// field a part may fit where the catalogue does not say so.
type FitWarning struct {
	Code    string `json:"code" enum:"part_not_fitting"`
	Part    string `json:"part" example:"P-COMP-35" doc:"The part number (the barcode recorded)."`
	Model   string `json:"model" example:"KFR-35" doc:"The code of the order's unit's model."`
	Message string `json:"message" example:"the catalogue does not list model KFR-35 for part P-COMP-35"`
}

// FitWarnings checks the parts used on an order against the catalogue:
// one warning per barcode whose catalogue entry lists models and not the
// model of the order's unit. A part the catalogue does not know, or that
// lists no models, fits; an order without a unit gets none.
func (s *Service) FitWarnings(ctx context.Context, u core.UnitOfWork, unit *uuid.UUID, used []core.PartUsed) ([]FitWarning, error) {
	if unit == nil || len(used) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	var numbers []string
	for _, p := range used {
		if !seen[p.Barcode] {
			seen[p.Barcode] = true
			numbers = append(numbers, p.Barcode)
		}
	}
	model, unfitting, err := s.store.Parts(u).UnfittingParts(ctx, *unit, numbers)
	if err != nil || len(unfitting) == 0 {
		return nil, err
	}
	out := make([]FitWarning, 0, len(unfitting))
	for _, n := range unfitting {
		out = append(out, FitWarning{Code: WarnPartNotFitting, Part: n, Model: model,
			Message: fmt.Sprintf("the catalogue does not list model %s for part %s", model, n)})
	}
	return out, nil
}
