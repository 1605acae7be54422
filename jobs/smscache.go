package jobs

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// settingsTTL is how long a tenant's SMS settings are reused by the send
// tasks of this process: a change applies within it.
const settingsTTL = 5 * time.Second

// settingsCache keeps each tenant's SMS settings for settingsTTL, so a
// burst of texts does not read them once per text.
type settingsCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]cachedSettings
}

type cachedSettings struct {
	s  *core.SMSSettings
	at time.Time
}

func (c *settingsCache) get(tenant uuid.UUID, now time.Time) *core.SMSSettings {
	if tenant == uuid.Nil { // unknown tenant: never share
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[tenant]; ok && now.Sub(e.at) < settingsTTL {
		return e.s
	}
	return nil
}

func (c *settingsCache) put(tenant uuid.UUID, s *core.SMSSettings, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[uuid.UUID]cachedSettings{}
	}
	c.m[tenant] = cachedSettings{s, now}
}
