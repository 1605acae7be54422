package host

import (
	"context"
	"errors"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/sdk"
)

// CheckConfig implements core.PluginRuntime: it starts b's plugin in a
// process of its own, as a call would (checksum, handshake, Configure with
// the configuration and secrets), and stops it. The binding's running
// process, if any, is left alone: the configuration is not saved yet.
func (h *Host) CheckConfig(ctx context.Context, b *core.PluginBinding) error {
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed || b == nil || b.Plugin == nil {
		return nil
	}
	i := &instance{h: h, id: b.ID, tenant: b.TenantID, plugin: b.Plugin.Name, log: h.bindingLog(b).With("config_check", true)}
	done := make(chan error, 1)
	h.kills.Add(1) // Close waits for the check's process too
	go func() {
		defer h.kills.Done()
		p, _, err := h.launch(i, b)
		if p != nil {
			p.stop(false)
		}
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		i.log.Warn("plugin configuration check ran out of time: saved unchecked")
		return nil
	}
	var refused *sdk.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused) && refused.Code == sdk.CodeBadRequest:
		return core.FieldError("config", "refused by plugin %s: %s", b.Plugin.Name, refused.Message)
	}
	i.log.Warn("plugin configuration could not be checked: saved unchecked", "err", err)
	return nil
}
