package wire

import (
	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/parts"
	"github.com/aftersales/aftersales/core/plugin"
	"github.com/aftersales/aftersales/core/postgres"
)

// newPartsModes is the stock port with its two adapters: the built-in
// ledger and the tenant's ERP, picked per tenant by its parts mode.
func newPartsModes(store *postgres.Store, plugins *plugin.Service, clock core.Clock) parts.Modes {
	stock := parts.NewService(parts.Config{Store: store, Clock: clock})
	return parts.Modes{Store: store, BuiltIn: parts.Ledger{Stock: stock},
		ERP: parts.ERP{Plugins: plugins, Moves: store, Stock: stock}}
}
