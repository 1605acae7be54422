package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
)

const customerColumns = `id, kind, name, tags, vip, version, created_at, updated_at`

func scanCustomer(row pgx.Row) (*core.Customer, error) {
	c := &core.Customer{}
	err := row.Scan(&c.ID, &c.Kind, &c.Name, &c.Tags, &c.VIP, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// CreateCustomer implements core.CustomerService.
func (s *Store) CreateCustomer(ctx context.Context, nc core.NewCustomer) (*core.Customer, []core.CustomerWarning, error) {
	if err := nc.Normalize(); err != nil {
		return nil, nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, nil, err
	}
	regions, err := resolveAddressRegions(ctx, q, [][]core.NewCustomerAddress{nc.Addresses})
	if err != nil {
		return nil, nil, err
	}
	addrs, err := regions.apply(nc.Addresses)
	if err != nil {
		return nil, nil, err
	}
	var b customerBatch
	id := uuid.New()
	b.add(id, &nc, addrs)
	if err := b.insert(ctx, q, tenantOf(ctx), s.now()); err != nil {
		return nil, nil, err
	}
	warnings, err := duplicatePhones(ctx, q, id, nc.Phones)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.FindCustomerByID(ctx, id)
	return c, warnings, err
}

// FindCustomerByID implements core.CustomerService.
func (s *Store) FindCustomerByID(ctx context.Context, id uuid.UUID) (*core.Customer, error) {
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanCustomer(q.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id))
	if err != nil {
		return nil, translate(err, "customer")
	}
	return c, loadCustomerDetails(ctx, q, []*core.Customer{c})
}

// FindCustomers implements core.CustomerService. The SQL is assembled from
// the filters that are set, so each shape gets a plan of its own.
func (s *Store) FindCustomers(ctx context.Context, f core.CustomerFilter) ([]*core.Customer, string, error) {
	after, err := parseUUIDCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	if len([]rune(f.Query)) > 100 {
		return nil, "", core.FieldError("q", "must be at most 100 characters")
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, "", err
	}
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Phone != "" {
		country := f.PhoneCountry
		if country == "" {
			country = core.DefaultPhoneCountry
		}
		phone, err := core.NormalizePhone(f.Phone, country)
		if err != nil {
			return nil, "", err
		}
		conds = append(conds, `id IN (SELECT customer_id FROM customer_phones WHERE phone = `+arg(phone)+`)`)
	}
	if f.Query != "" {
		conds = append(conds, `name ILIKE `+arg("%"+escapeLike(f.Query)+"%"))
	}
	if f.Tag != "" {
		conds = append(conds, `tags @> ARRAY[`+arg(f.Tag)+`::text]`)
	}
	if after != nil {
		// The cursor is the last customer's ID; its name is its position.
		conds = append(conds, `(name, id) > (SELECT name, id FROM customers WHERE id = `+arg(*after)+`)`)
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	limit := clampLimit(f.Limit)
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers `+where+
		` ORDER BY name, id LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, "", err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*core.Customer, error) { return scanCustomer(r) })
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(r *core.Customer) string { return r.ID.String() })
	return out, next, loadCustomerDetails(ctx, q, out)
}

// UpdateCustomer implements core.CustomerService.
func (s *Store) UpdateCustomer(ctx context.Context, id uuid.UUID, u core.CustomerUpdate) (*core.Customer, []core.CustomerWarning, error) {
	if err := u.Normalize(); err != nil {
		return nil, nil, err
	}
	q, err := s.q(ctx)
	if err != nil {
		return nil, nil, err
	}
	cur, err := scanCustomer(q.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return nil, nil, translate(err, "customer")
	}
	if u.Version != 0 && u.Version != cur.Version {
		return nil, nil, staleVersion("customer", cur.Version, u.Version)
	}
	if u.Kind != nil {
		cur.Kind = *u.Kind
	}
	if u.Name != nil {
		cur.Name = *u.Name
	}
	if u.Tags != nil {
		cur.Tags = *u.Tags
	}
	if u.VIP != nil {
		cur.VIP = *u.VIP
	}
	if _, err := q.Exec(ctx, `UPDATE customers SET kind = $2, name = $3, tags = $4, vip = $5, version = version + 1,
		updated_at = $6 WHERE id = $1`, id, cur.Kind, cur.Name, cur.Tags, cur.VIP, s.now()); err != nil {
		return nil, nil, translate(err, "customer")
	}
	var b customerBatch // phones and addresses only
	var warnings []core.CustomerWarning
	if u.Phones != nil {
		if _, err := q.Exec(ctx, `DELETE FROM customer_phones WHERE customer_id = $1`, id); err != nil {
			return nil, nil, err
		}
		b.addPhones(id, *u.Phones)
		if warnings, err = duplicatePhones(ctx, q, id, *u.Phones); err != nil {
			return nil, nil, err
		}
	}
	if u.Addresses != nil {
		regions, err := resolveAddressRegions(ctx, q, [][]core.NewCustomerAddress{*u.Addresses})
		if err != nil {
			return nil, nil, err
		}
		addrs, err := regions.apply(*u.Addresses)
		if err != nil {
			return nil, nil, err
		}
		if _, err := q.Exec(ctx, `DELETE FROM customer_addresses WHERE customer_id = $1`, id); err != nil {
			return nil, nil, err
		}
		b.addAddresses(id, addrs)
	}
	if err := b.insertDetails(ctx, q, tenantOf(ctx)); err != nil {
		return nil, nil, err
	}
	c, err := s.FindCustomerByID(ctx, id)
	return c, warnings, err
}

// customerImportChunk bounds the rows of one bulk statement.
const customerImportChunk = 5000

// ImportCustomers implements core.CustomerService: every row is validated
// in memory, the regions of all rows are resolved in one query, and the
// valid rows are inserted a chunk at a time with three set-based
// statements (customers, phones, addresses) sent in one round trip.
func (s *Store) ImportCustomers(ctx context.Context, rows []core.CustomerImportRow) (*core.ImportReport, error) {
	rep := &core.ImportReport{Total: len(rows)}
	q, err := s.q(ctx)
	if err != nil {
		return nil, err
	}
	valid := make([]core.CustomerImportRow, 0, len(rows))
	var addrs [][]core.NewCustomerAddress
	for _, r := range rows {
		if err := r.Customer.Normalize(); err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		valid = append(valid, r)
		addrs = append(addrs, r.Customer.Addresses)
	}
	regions, err := resolveAddressRegions(ctx, q, addrs)
	if err != nil {
		return nil, err
	}
	tenant, now := tenantOf(ctx), s.now()
	var b customerBatch
	flush := func() error {
		if len(b.customerIDs) == 0 {
			return nil
		}
		if err := b.insert(ctx, q, tenant, now); err != nil {
			return err
		}
		rep.Created += len(b.customerIDs)
		b = customerBatch{}
		return nil
	}
	for i, r := range valid {
		resolved, err := regions.apply(r.Customer.Addresses)
		if err != nil {
			rep.Fail(r.Row, err)
			continue
		}
		b.add(uuid.New(), &valid[i].Customer, resolved)
		if len(b.customerIDs) == customerImportChunk {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	rep.Finish()
	return rep, nil
}

// customerBatch collects customers, phones and addresses as column arrays
// for set-based inserts (unnest): the same code path for one customer or
// thousands. COPY cannot be used: tables with row-level security refuse it.
type customerBatch struct {
	customerIDs []uuid.UUID
	kinds       []string
	names       []string
	tags        []string // joined with \x1f (validText forbids control characters)
	vips        []bool

	phoneCustomers []uuid.UUID
	phones         []string
	phoneLabels    []string

	addrIDs       []uuid.UUID
	addrCustomers []uuid.UUID
	addrLabels    []string
	addrRegions   []*uuid.UUID
	addrTexts     []string
	addrLats      []*float64
	addrLons      []*float64
}

const tagSep = "\x1f"

func (b *customerBatch) add(id uuid.UUID, c *core.NewCustomer, addrs []core.CustomerAddress) {
	b.customerIDs = append(b.customerIDs, id)
	b.kinds = append(b.kinds, c.Kind)
	b.names = append(b.names, c.Name)
	b.tags = append(b.tags, strings.Join(c.Tags, tagSep))
	b.vips = append(b.vips, c.VIP)
	b.addPhones(id, c.Phones)
	b.addAddresses(id, addrs)
}

func (b *customerBatch) addPhones(id uuid.UUID, phones []core.CustomerPhone) {
	for _, p := range phones {
		b.phoneCustomers = append(b.phoneCustomers, id)
		b.phones = append(b.phones, p.Phone)
		b.phoneLabels = append(b.phoneLabels, p.Label)
	}
}

func (b *customerBatch) addAddresses(id uuid.UUID, addrs []core.CustomerAddress) {
	for _, a := range addrs {
		b.addrIDs = append(b.addrIDs, a.ID)
		b.addrCustomers = append(b.addrCustomers, id)
		b.addrLabels = append(b.addrLabels, a.Label)
		b.addrRegions = append(b.addrRegions, a.RegionID)
		b.addrTexts = append(b.addrTexts, a.Address)
		b.addrLats = append(b.addrLats, a.Lat)
		b.addrLons = append(b.addrLons, a.Lon)
	}
}

// insert writes the customers and their details in one round trip.
func (b *customerBatch) insert(ctx context.Context, q querier, tenant uuid.UUID, now time.Time) error {
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO customers (tenant_id, id, kind, name, tags, vip, created_at, updated_at)
		SELECT $1, id, kind, name, string_to_array(tags, E'\x1f'), vip, $7, $7
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[]) AS x(id, kind, name, tags, vip)`,
		tenant, b.customerIDs, b.kinds, b.names, b.tags, b.vips, now)
	b.queueDetails(batch, tenant)
	return sendBatch(ctx, q, batch)
}

// insertDetails writes phones and addresses only.
func (b *customerBatch) insertDetails(ctx context.Context, q querier, tenant uuid.UUID) error {
	batch := &pgx.Batch{}
	b.queueDetails(batch, tenant)
	return sendBatch(ctx, q, batch)
}

func (b *customerBatch) queueDetails(batch *pgx.Batch, tenant uuid.UUID) {
	if len(b.phones) > 0 {
		batch.Queue(`INSERT INTO customer_phones (tenant_id, customer_id, phone, label)
			SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[])`, tenant, b.phoneCustomers, b.phones, b.phoneLabels)
	}
	if len(b.addrIDs) > 0 {
		batch.Queue(`INSERT INTO customer_addresses (tenant_id, id, customer_id, label, region_id, address, lat, lon)
			SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::float8[], $8::float8[])`,
			tenant, b.addrIDs, b.addrCustomers, b.addrLabels, b.addrRegions, b.addrTexts, b.addrLats, b.addrLons)
	}
}

func sendBatch(ctx context.Context, q querier, batch *pgx.Batch) error {
	if batch.Len() == 0 {
		return nil
	}
	res := q.SendBatch(ctx, batch)
	for i := 0; i < batch.Len(); i++ {
		if _, err := res.Exec(); err != nil {
			res.Close()
			return translate(err, "customer")
		}
	}
	return res.Close()
}

// addressRegions knows which of the regions named by a set of addresses
// exist in the tenant.
type addressRegions struct {
	byID   map[uuid.UUID]bool
	byCode map[string]uuid.UUID
}

// resolveAddressRegions looks up every region the addresses name, by ID or
// code, in one query.
func resolveAddressRegions(ctx context.Context, q querier, lists [][]core.NewCustomerAddress) (*addressRegions, error) {
	r := &addressRegions{byID: map[uuid.UUID]bool{}, byCode: map[string]uuid.UUID{}}
	var ids []uuid.UUID
	var codes []string
	for _, l := range lists {
		for _, a := range l {
			if a.RegionID != nil {
				ids = append(ids, *a.RegionID)
			}
			if a.RegionCode != "" {
				codes = append(codes, a.RegionCode)
			}
		}
	}
	if len(ids) == 0 && len(codes) == 0 {
		return r, nil
	}
	rows, err := q.Query(ctx, `SELECT id, code FROM regions WHERE id = ANY($1) OR code = ANY($2)`, ids, codes)
	if err != nil {
		return nil, err
	}
	var id uuid.UUID
	var code string
	_, err = pgx.ForEachRow(rows, []any{&id, &code}, func() error {
		r.byID[id], r.byCode[code] = true, id
		return nil
	})
	return r, err
}

// apply gives the addresses IDs and region IDs; EINVALID for a region that
// does not exist in the tenant.
func (r *addressRegions) apply(addrs []core.NewCustomerAddress) ([]core.CustomerAddress, error) {
	out := make([]core.CustomerAddress, 0, len(addrs))
	for i, a := range addrs {
		ca := core.CustomerAddress{ID: newAddressID(), Label: a.Label, RegionID: a.RegionID, Address: a.Address, Lat: a.Lat, Lon: a.Lon}
		switch {
		case a.RegionID != nil && !r.byID[*a.RegionID]:
			return nil, core.FieldError(fmt.Sprintf("addresses[%d].region_id", i), "no such region")
		case a.RegionCode != "":
			id, ok := r.byCode[a.RegionCode]
			if !ok {
				return nil, core.FieldError(fmt.Sprintf("addresses[%d].region_code", i), "no region with code %q", a.RegionCode)
			}
			ca.RegionID = &id
		}
		out = append(out, ca)
	}
	return out, nil
}

// newAddressID returns a time-ordered ID, so addresses list in the order
// they were given.
func newAddressID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New()
	}
	return id
}

// duplicatePhones names the other customers that have one of the phones.
func duplicatePhones(ctx context.Context, q querier, id uuid.UUID, phones []core.CustomerPhone) ([]core.CustomerWarning, error) {
	if len(phones) == 0 {
		return []core.CustomerWarning{}, nil
	}
	list := make([]string, len(phones))
	for i, p := range phones {
		list[i] = p.Phone
	}
	rows, err := q.Query(ctx, `SELECT customer_id, phone FROM customer_phones
		WHERE phone = ANY($1) AND customer_id <> $2 ORDER BY phone, customer_id LIMIT 50`, list, id)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.CustomerWarning, error) {
		w := core.CustomerWarning{Code: core.WarnDuplicatePhone}
		return w, r.Scan(&w.CustomerID, &w.Phone)
	})
	if out == nil {
		out = []core.CustomerWarning{}
	}
	return out, err
}

// loadCustomerDetails fills the phones and addresses of customers in one
// round trip.
func loadCustomerDetails(ctx context.Context, q querier, cs []*core.Customer) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(cs))
	byID := make(map[uuid.UUID]*core.Customer, len(cs))
	for i, c := range cs {
		ids[i], byID[c.ID] = c.ID, c
		c.Phones, c.Addresses = []core.CustomerPhone{}, []core.CustomerAddress{}
	}
	batch := &pgx.Batch{}
	batch.Queue(`SELECT customer_id, phone, label FROM customer_phones WHERE customer_id = ANY($1) ORDER BY customer_id, phone`, ids).
		Query(func(rows pgx.Rows) error {
			var cid uuid.UUID
			var p core.CustomerPhone
			_, err := pgx.ForEachRow(rows, []any{&cid, &p.Phone, &p.Label}, func() error {
				byID[cid].Phones = append(byID[cid].Phones, p)
				return nil
			})
			return err
		})
	// Address IDs are time-ordered (UUIDv7): ordering by ID keeps the
	// order they were given in.
	batch.Queue(`SELECT customer_id, id, label, region_id, address, lat, lon FROM customer_addresses
		WHERE customer_id = ANY($1) ORDER BY customer_id, id`, ids).
		Query(func(rows pgx.Rows) error {
			defer rows.Close()
			for rows.Next() {
				var cid uuid.UUID
				var a core.CustomerAddress
				if err := rows.Scan(&cid, &a.ID, &a.Label, &a.RegionID, &a.Address, &a.Lat, &a.Lon); err != nil {
					return err
				}
				byID[cid].Addresses = append(byID[cid].Addresses, a)
			}
			return rows.Err()
		})
	return q.SendBatch(ctx, batch).Close()
}
