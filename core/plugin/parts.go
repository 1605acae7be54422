package plugin

import (
	"context"
	"fmt"

	"github.com/aftersales/aftersales/core"
)

// pluginOf returns the client of the tenant's enabled binding of a kind,
// with a clear ECONFLICT when there is none.
func pluginOf[T any](ctx context.Context, s *Service, u core.UnitOfWork, kind string, open func(context.Context, *core.PluginBinding) (T, error)) (T, error) {
	var zero T
	if s.runtime == nil {
		return zero, ErrNoRuntime
	}
	b, err := s.EnabledBinding(ctx, u, kind)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return zero, core.Errorf(core.ECONFLICT, "%s", noBindingMessage[kind])
	}
	if err != nil {
		return zero, err
	}
	// Again at each use: the names in the URLs may resolve elsewhere now.
	if err := s.checkEgress(ctx, b.Config); err != nil {
		return zero, core.Errorf(core.EUNPROCESSABLE, "the %s plugin's configuration is refused: %s", kind, core.ErrorMessage(err))
	}
	return open(ctx, b)
}

var noBindingMessage = map[string]string{
	core.PluginParts: "no parts catalogue bound for this tenant: a tenant admin binds the ERP's parts plugin " +
		"(POST /v1/plugin-bindings); the built-in inventory comes later",
	core.PluginCTI: "no CTI plugin bound for this tenant: a tenant admin binds the telephony plugin (POST /v1/plugin-bindings)",
}

// parts returns the tenant's ERP: ECONFLICT when the tenant has bound none.
func (s *Service) parts(ctx context.Context, u core.UnitOfWork) (core.PartsPlugin, error) {
	return pluginOf(ctx, s, u, core.PluginParts, s.runtimeParts)
}

// PartsPlugin returns the tenant's parts plugin, for the stock use cases
// of a tenant in erp mode (parts.ERP): ECONFLICT when the tenant has
// bound none, EUNPROCESSABLE when it cannot be started.
func (s *Service) PartsPlugin(ctx context.Context, u core.UnitOfWork) (core.PartsPlugin, error) {
	return s.parts(ctx, u)
}

func (s *Service) runtimeParts(ctx context.Context, b *core.PluginBinding) (core.PartsPlugin, error) {
	return s.runtime.Parts(ctx, b)
}

// The parts use cases ask the tenant's ERP through its parts plugin:
// ECONFLICT when the tenant has bound none; otherwise the ERP's errors
// (core.PartsPlugin).

// FindParts searches the catalogue; never nil.
func (s *Service) FindParts(ctx context.Context, u core.UnitOfWork, q core.PartQuery) ([]core.Part, error) {
	pp, err := s.parts(ctx, u)
	if err != nil {
		return nil, err
	}
	items, err := pp.FindParts(ctx, q)
	if items == nil {
		items = []core.Part{}
	}
	return items, err
}

// PartStock returns a part's stock per warehouse; never nil. ENOTFOUND
// for an unknown code.
func (s *Service) PartStock(ctx context.Context, u core.UnitOfWork, code string) ([]core.StockLevel, error) {
	pp, err := s.parts(ctx, u)
	if err != nil {
		return nil, err
	}
	levels, err := pp.PartStock(ctx, code)
	if levels == nil {
		levels = []core.StockLevel{}
	}
	return levels, err
}

// ReservePart reserves stock; ECONFLICT too when the ERP refuses (not
// enough stock).
func (s *Service) ReservePart(ctx context.Context, u core.UnitOfWork, r core.PartReservation) (*core.Reservation, error) {
	pp, err := s.parts(ctx, u)
	if err != nil {
		return nil, err
	}
	return pp.ReservePart(ctx, r)
}

// CreateRequisition asks for parts to be sent: EINVALID for a line
// without a part code (1-64 characters) or a quantity of 1-10000.
func (s *Service) CreateRequisition(ctx context.Context, u core.UnitOfWork, r core.PartRequisition) (*core.Requisition, error) {
	for i, l := range r.Lines {
		if l.PartCode == "" || len(l.PartCode) > 64 || l.Quantity < 1 || l.Quantity > 10000 {
			return nil, core.FieldError(fmt.Sprintf("lines[%d]", i), "needs a part_code (1-64 characters) and a quantity of 1-10000")
		}
	}
	pp, err := s.parts(ctx, u)
	if err != nil {
		return nil, err
	}
	return pp.CreateRequisition(ctx, r)
}
