package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/identity"
	"github.com/aftersales/aftersales/core/network"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/workorder"
	"github.com/aftersales/aftersales/tenants"
)

const demoSlug = "demo"

// runDemo loads the demo tenant into the configured database.
func runDemo(ctx context.Context, args []string) error {
	return withStore(ctx, "demo", args, "", loadDemo)
}

// offerDemo asks on an empty database whether to load the demo tenant
// (DEMO=1 loads it without asking, DEMO=0 never asks).
func offerDemo(ctx context.Context, store *postgres.Store, log *slog.Logger) error {
	list, _, err := store.FindTenants(ctx, core.TenantFilter{Limit: 1})
	if err != nil || len(list) > 0 || os.Getenv("DEMO") == "0" {
		return err
	}
	if os.Getenv("DEMO") != "1" {
		st, err := os.Stdin.Stat()
		if err != nil || st.Mode()&os.ModeCharDevice == 0 {
			fmt.Fprintln(os.Stderr, "\n  The database is empty. Start with DEMO=1 to load a demo manufacturer.")
			return nil
		}
		fmt.Fprint(os.Stderr, "\n  The database is empty. Load a demo manufacturer with a few hundred sites, "+
			"a thousand technicians and tens of thousands of customers? [y/N] ")
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return nil
		}
	}
	return loadDemo(ctx, store, log)
}

// loadDemo creates the demo tenant: a realistic network, users for each
// role and work orders in every state.
func loadDemo(ctx context.Context, store *postgres.Store, log *slog.Logger) error {
	if _, err := store.FindTenantBySlug(ctx, demoSlug); err == nil {
		fmt.Fprintln(os.Stderr, "  The demo tenant already exists.")
		return nil
	}
	start := time.Now()
	const password = "demo-password-1"
	var t *core.Tenant
	err := core.InUnitOfWork(ctx, store, uuid.Nil, func(u core.UnitOfWork) error {
		var err error
		t, _, err = tenants.New(store, nil).Onboard(ctx, u, core.NewTenant{Slug: demoSlug, Name: "华美家电集团 (demo)", Locale: core.LocaleZhCN,
			TimeZone: "Asia/Shanghai", Admin: core.NewUser{Username: "admin", Password: password, DisplayName: "系统管理员"}})
		return err
	})
	if err != nil {
		return fmt.Errorf("demo tenant: %w", err)
	}
	users := map[string]string{}
	ids := identity.NewService(identity.Config{Store: store, Units: store, Log: log})
	err = core.InUnitOfWork(ctx, store, t.ID, func(u core.UnitOfWork) error {
		if err := store.LoadDemoNetwork(ctx, u, postgres.DemoCounts{SitesPerCity: 9, TechniciansPerSite: 4, Customers: 30000}); err != nil {
			return err
		}
		regions, _, err := network.NewService(network.Config{Store: store}).FindRegions(ctx, u,
			core.RegionFilter{Level: core.LevelRegion}, core.Scope{All: true})
		if err != nil {
			return err
		}
		var south []*core.Region
		for _, r := range regions {
			if r.Code == "SOUTH" {
				south = append(south, r)
			}
		}
		if len(south) == 0 {
			return fmt.Errorf("demo regions: no SOUTH region")
		}
		mk := func(name, display string, roles []string, sc core.Scope) (*core.User, error) {
			users[name] = strings.Join(roles, ",")
			return ids.CreateUser(ctx, u, core.NewUser{Username: name, Password: password, DisplayName: display, Roles: roles, Scope: sc})
		}
		all := core.Scope{All: true}
		for _, u := range []struct{ name, display, role string }{{"agent", "李娜 (座席)", core.RoleAgent},
			{"dispatcher", "王强 (调度)", core.RoleDispatcher}, {"analyst", "陈静 (分析)", core.RoleAnalyst}} {
			if _, err := mk(u.name, u.display, []string{u.role}, all); err != nil {
				return err
			}
		}
		if _, err := mk("south.manager", "黄伟 (华南区经理)", []string{core.RoleRegionManager}, core.Scope{Regions: []uuid.UUID{south[0].ID}}); err != nil {
			return err
		}
		tech, err := mk("tech", "张杰 (维修工)", []string{core.RoleTechnician}, core.Scope{})
		if err != nil {
			return err
		}
		_, site, err := store.LinkDemoTechnician(ctx, u, tech.ID)
		if err != nil {
			return err
		}
		if err := store.AddDemoCaller(ctx, u, site); err != nil {
			return err
		}
		sc := core.Scope{Sites: []uuid.UUID{site}}
		if _, err := ids.UpdateUser(ctx, u, tech.ID, core.UserUpdate{Scope: &sc}); err != nil {
			return err
		}
		_, err = mk("site.manager", "刘涛 (网点经理)", []string{core.RoleSiteManager}, sc)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo network: %w", err)
	}
	n, err := demoOrders(ctx, store, t.ID)
	if err != nil {
		return fmt.Errorf("demo orders: %w", err)
	}
	log.Info("demo tenant loaded", "tenant", demoSlug, "orders", n, "duration", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(os.Stderr, "\n  Demo tenant %q loaded in %s. Log in (POST /v1/auth/login) with tenant %q and password %q as:\n",
		demoSlug, time.Since(start).Round(time.Second), demoSlug, password)
	fmt.Fprintln(os.Stderr, "    admin (tenant_admin)")
	for name, roles := range users {
		fmt.Fprintf(os.Stderr, "    %s (%s)\n", name, roles)
	}
	fmt.Fprintln(os.Stderr)
	return nil
}

// demoOrders takes in orders through the real intake and walks them to
// every state, so the lists and timelines look lived in.
func demoOrders(ctx context.Context, store *postgres.Store, tenant uuid.UUID) (int, error) {
	work := workorder.NewService(workorder.Config{Store: store, Units: store})
	var cands []postgres.DemoOrderCandidate
	if err := core.InUnitOfWork(ctx, store, tenant, func(u core.UnitOfWork) error {
		var err error
		cands, err = store.DemoOrderCandidates(ctx, u, 260)
		return err
	}); err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(7, 11))
	paths := [][]string{nil, {"accept"}, {"accept", "start_travel"}, {"accept", "start_travel", "arrive"},
		{"accept", "arrive", "wait_parts"}, {"accept", "arrive", "take_to_workshop"}, {"accept", "arrive", "complete"},
		{"accept", "arrive", "complete", "confirm"}, {"accept", "arrive", "complete", "confirm", "close"}, {"cancel"}}
	descs := []string{"空调不制冷", "洗衣机漏水", "冰箱噪音大", "空调开机显示E1", "洗衣机不脱水", "冰箱不制冷", "新机安装", "年度保养"}
	created := 0
	for i, c := range cands {
		typ := "repair"
		switch i % 13 {
		case 11:
			typ = "installation"
		case 12:
			typ = "consultation"
		}
		u := store.Begin(ctx, tenant)
		err := func() error {
			n := core.NewWorkOrder{Type: typ, Channel: []string{"phone", "portal", "api"}[i%3],
				CustomerID: c.CustomerID, UnitID: &c.UnitID, Description: descs[r.IntN(len(descs))],
				CloseNow: typ == "consultation"}
			if i%17 == 5 { // Lhasa: no site covers it, so the order waits in the dispatcher queue
				lat, lon := 29.6500, 91.1000
				n.Address, n.Lat, n.Lon = "拉萨市城关区北京中路", &lat, &lon
			} else {
				addr := c.AddressID
				n.AddressID = &addr
			}
			w, err := work.Intake(ctx, u, n, "demo")
			if err != nil || w.SiteID == nil {
				return err
			}
			if w.TechnicianID == nil && i%2 == 0 { // a site that assigns by hand: its staff do it
				tech, err := store.DemoTechnicianOfSite(ctx, u, *w.SiteID)
				if err != nil {
					return nil
				}
				if w, err = work.Act(ctx, u, w.ID, core.ActionInput{Action: core.ActionAssign, TechnicianID: &tech}, "demo"); err != nil {
					return err
				}
			}
			if w.TechnicianID == nil {
				return nil
			}
			for _, a := range paths[i%len(paths)] {
				in := core.ActionInput{Action: a, TechnicianID: w.TechnicianID, Reason: "客户取消"}
				if a == "arrive" {
					in.Lat, in.Lon = w.Lat, w.Lon
				}
				if a == "complete" {
					in.Record = demoRecord(ctx, store, u, w)
					if in.Record == nil {
						break
					}
				}
				if w, err = work.Act(ctx, u, w.ID, in, "demo"); err != nil {
					return err
				}
			}
			return nil
		}()
		if err == nil {
			err = u.Commit(ctx)
		}
		u.Rollback(ctx)
		if err != nil {
			return created, err
		}
		created++
	}
	return created, nil
}

func demoRecord(ctx context.Context, store *postgres.Store, u core.UnitOfWork, w *core.WorkOrder) *core.ServiceRecord {
	serial, err := store.UnitSerial(ctx, u, *w.UnitID)
	if err != nil {
		return nil
	}
	return &core.ServiceRecord{UnitSerial: serial, SymptomCode: "S01", CauseCode: "C01", ObjectCode: "O01", ActionCode: "A01",
		Parts: []core.PartUsed{{Barcode: "P-10086", Quantity: 1}}, Confirmation: &core.Confirmation{Name: "客户", Code: "1234"}}
}
