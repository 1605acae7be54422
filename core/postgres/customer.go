package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
)

// customerRepo implements customer.Repository on a unit of work:
// customers with their phones and addresses, units and the screen pop.
type customerRepo struct{ u *unit }

// Customers implements customer.Store.
func (s *Store) Customers(u core.UnitOfWork) customer.Repository { return customerRepo{unitOf(u)} }

const customerColumns = `id, kind, name, tags, vip, version, created_at, updated_at`

func scanCustomer(row pgx.Row) (*core.Customer, error) {
	c := &core.Customer{}
	err := row.Scan(&c.ID, &c.Kind, &c.Name, &c.Tags, &c.VIP, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

// customerInsertChunk bounds the rows of one set-based statement.
const customerInsertChunk = 5000

// InsertCustomers writes the customers and their details a chunk at a
// time, three set-based statements (unnest) a chunk: the same path for one
// customer or thousands. COPY cannot be used: tables with row-level
// security refuse it.
func (r customerRepo) InsertCustomers(cs []*core.Customer) {
	for start := 0; start < len(cs); start += customerInsertChunk {
		var b customerBatch
		for _, c := range cs[start:min(start+customerInsertChunk, len(cs))] {
			b.add(c)
		}
		b.queue(r.u)
	}
}

// FindCustomerByID reads the customer and its details in one round trip.
func (r customerRepo) FindCustomerByID(ctx context.Context, id uuid.UUID) (*core.Customer, error) {
	var c *core.Customer
	b := &pgx.Batch{}
	b.Queue(`SELECT `+customerColumns+` FROM customers WHERE id = $1`, id).QueryRow(func(row pgx.Row) (err error) {
		if c, err = scanCustomer(row); err == nil {
			c.Phones, c.Addresses = []core.CustomerPhone{}, []core.CustomerAddress{}
		}
		return err
	})
	// The details' callbacks run after the customer's, and find no rows
	// when there is no such customer.
	queueCustomerDetails(b, []uuid.UUID{id}, func(uuid.UUID) *core.Customer { return c })
	if err := r.u.read(ctx, b); err != nil {
		return nil, translate(err, "customer")
	}
	return c, nil
}

func (r customerRepo) LockCustomer(ctx context.Context, id uuid.UUID) (*core.Customer, error) {
	var c *core.Customer
	err := r.u.queryRow(ctx, func(row pgx.Row) (err error) {
		c, err = scanCustomer(row)
		return err
	}, `SELECT `+customerColumns+` FROM customers WHERE id = $1 FOR UPDATE`, id)
	return c, translate(err, "customer")
}

func (r customerRepo) UpdateCustomer(c *core.Customer) {
	r.u.write(`UPDATE customers SET kind = $2, name = $3, tags = $4, vip = $5, version = version + 1,
		updated_at = $6 WHERE id = $1`, c.ID, c.Kind, c.Name, c.Tags, c.VIP, c.UpdatedAt)
}

func (r customerRepo) ReplacePhones(id uuid.UUID, phones []core.CustomerPhone) {
	r.u.write(`DELETE FROM customer_phones WHERE customer_id = $1`, id)
	var b customerBatch
	b.addPhones(id, phones)
	b.queueDetails(r.u)
}

func (r customerRepo) ReplaceAddresses(id uuid.UUID, addrs []core.CustomerAddress) {
	r.u.write(`DELETE FROM customer_addresses WHERE customer_id = $1`, id)
	var b customerBatch
	b.addAddresses(id, addrs)
	b.queueDetails(r.u)
}

// FindCustomers reads a page, then the page's phones and addresses. The
// SQL is assembled from the filters that are set, so each shape gets a
// plan of its own.
func (r customerRepo) FindCustomers(ctx context.Context, f core.CustomerFilter) ([]*core.Customer, string, error) {
	after, err := parseUUIDCursor(f.After)
	if err != nil {
		return nil, "", err
	}
	q, err := r.u.conn(ctx)
	if err != nil {
		return nil, "", err
	}
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	if f.Phone != "" {
		conds = append(conds, `id IN (SELECT customer_id FROM customer_phones WHERE phone = `+arg(f.Phone)+`)`)
	}
	if f.Query != "" {
		conds = append(conds, `name ILIKE `+arg("%"+escapeLike(f.Query)+"%"))
	}
	if f.Tag != "" {
		conds = append(conds, `tags @> ARRAY[`+arg(f.Tag)+`::text]`)
	}
	if in := customerReachSQL("id", f.Within, arg); in != "true" {
		conds = append(conds, in)
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
	return out, next, r.loadDetails(ctx, out)
}

// CustomerInReach implements customer.Repository.
func (r customerRepo) CustomerInReach(ctx context.Context, id uuid.UUID, within core.CustomerReach) (bool, error) {
	args := []any{id}
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	var ok bool
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&ok) },
		`SELECT EXISTS (SELECT 1 FROM customers WHERE id = $1 AND `+customerReachSQL("id", within, arg)+`)`, args...)
	return ok, err
}

// loadDetails fills the phones and addresses of customers in one round
// trip.
func (r customerRepo) loadDetails(ctx context.Context, cs []*core.Customer) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(cs))
	byID := make(map[uuid.UUID]*core.Customer, len(cs))
	for i, c := range cs {
		ids[i], byID[c.ID] = c.ID, c
		c.Phones, c.Addresses = []core.CustomerPhone{}, []core.CustomerAddress{}
	}
	b := &pgx.Batch{}
	queueCustomerDetails(b, ids, func(id uuid.UUID) *core.Customer { return byID[id] })
	return r.u.read(ctx, b)
}

// queueCustomerDetails queues the reads of the phones (by phone) and
// addresses (by ID: time-ordered, so in the order they were given) of the
// customers ids, each appended to the customer of its ID.
func queueCustomerDetails(b *pgx.Batch, ids []uuid.UUID, of func(uuid.UUID) *core.Customer) {
	b.Queue(`SELECT customer_id, phone, label FROM customer_phones WHERE customer_id = ANY($1) ORDER BY customer_id, phone`, ids).
		Query(func(rows pgx.Rows) error {
			var cid uuid.UUID
			var p core.CustomerPhone
			_, err := pgx.ForEachRow(rows, []any{&cid, &p.Phone, &p.Label}, func() error {
				c := of(cid)
				c.Phones = append(c.Phones, p)
				return nil
			})
			return err
		})
	b.Queue(`SELECT customer_id, id, label, region_id, address, lat, lon, COALESCE(province_code, ''),
		COALESCE(city_code, ''), COALESCE(district_code, ''), parse_confidence, location_approximate FROM customer_addresses
		WHERE customer_id = ANY($1) ORDER BY customer_id, id`, ids).
		Query(func(rows pgx.Rows) error {
			defer rows.Close()
			for rows.Next() {
				var cid uuid.UUID
				var a core.CustomerAddress
				if err := rows.Scan(&cid, &a.ID, &a.Label, &a.RegionID, &a.Address, &a.Lat, &a.Lon, &a.Province.Code,
					&a.City.Code, &a.District.Code, &a.ParseConfidence, &a.LocationApproximate); err != nil {
					return err
				}
				customer.NameDivisions(&a)
				c := of(cid)
				c.Addresses = append(c.Addresses, a)
			}
			return rows.Err()
		})
}

func (r customerRepo) PhoneOwners(ctx context.Context, phones []string, except uuid.UUID, limit int) ([]customer.PhoneOwner, error) {
	return readRows(ctx, r.u, func(row pgx.CollectableRow) (o customer.PhoneOwner, err error) {
		return o, row.Scan(&o.CustomerID, &o.Phone)
	}, `SELECT customer_id, phone FROM customer_phones
		WHERE phone = ANY($1) AND customer_id <> $2 ORDER BY phone, customer_id LIMIT $3`, phones, except, limit)
}

func (r customerRepo) FindRegions(ctx context.Context, ids []uuid.UUID, codes []string) ([]customer.Region, error) {
	return readRows(ctx, r.u, func(row pgx.CollectableRow) (g customer.Region, err error) {
		return g, row.Scan(&g.ID, &g.Code)
	}, `SELECT id, code FROM regions WHERE id = ANY($1) OR code = ANY($2)`, ids, codes)
}

// RegionsWithin implements customer.Repository.
func (r customerRepo) RegionsWithin(ctx context.Context, ids, roots []uuid.UUID) ([]uuid.UUID, error) {
	return readRows(ctx, r.u, pgx.RowTo[uuid.UUID],
		`SELECT DISTINCT id FROM regions WHERE id = ANY($1) AND id IN `+regionSubtreeSQL("$2"), ids, roots)
}

// readRows reads a query's rows after the unit's pending writes, in one
// round trip.
func readRows[T any](ctx context.Context, u *unit, scan pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	var out []T
	b := &pgx.Batch{}
	b.Queue(sql, args...).Query(func(rows pgx.Rows) (err error) {
		out, err = pgx.CollectRows(rows, scan)
		return err
	})
	return out, u.read(ctx, b)
}

// customerBatch collects customers, phones and addresses as column arrays
// for set-based inserts (unnest).
type customerBatch struct {
	customerIDs []uuid.UUID
	kinds       []string
	names       []string
	tags        []string // joined with \x1f (validText forbids control characters)
	vips        []bool
	created     []time.Time

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
	addrProvinces []string
	addrCities    []string
	addrDistricts []string
	addrConf      []float64
	addrApprox    []bool
}

const tagSep = "\x1f"

func (b *customerBatch) add(c *core.Customer) {
	b.customerIDs = append(b.customerIDs, c.ID)
	b.kinds = append(b.kinds, c.Kind)
	b.names = append(b.names, c.Name)
	b.tags = append(b.tags, strings.Join(c.Tags, tagSep))
	b.vips = append(b.vips, c.VIP)
	b.created = append(b.created, c.CreatedAt)
	b.addPhones(c.ID, c.Phones)
	b.addAddresses(c.ID, c.Addresses)
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
		b.addrProvinces = append(b.addrProvinces, a.Province.Code)
		b.addrCities = append(b.addrCities, a.City.Code)
		b.addrDistricts = append(b.addrDistricts, a.District.Code)
		b.addrConf = append(b.addrConf, a.ParseConfidence)
		b.addrApprox = append(b.addrApprox, a.LocationApproximate)
	}
}

// queue queues the customers and their details on the unit.
func (b *customerBatch) queue(u *unit) {
	u.write(`INSERT INTO customers (tenant_id, id, kind, name, tags, vip, created_at, updated_at)
		SELECT $1, id, kind, name, string_to_array(tags, E'\x1f'), vip, created, created
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::timestamptz[])
			AS x(id, kind, name, tags, vip, created)`,
		u.tenantID, b.customerIDs, b.kinds, b.names, b.tags, b.vips, b.created)
	b.queueDetails(u)
}

// queueDetails queues the phones and addresses only.
func (b *customerBatch) queueDetails(u *unit) {
	if len(b.phones) > 0 {
		u.write(`INSERT INTO customer_phones (tenant_id, customer_id, phone, label)
			SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[])`, u.tenantID, b.phoneCustomers, b.phones, b.phoneLabels)
	}
	if len(b.addrIDs) > 0 {
		u.write(`INSERT INTO customer_addresses (tenant_id, id, customer_id, label, region_id, address, lat, lon,
				province_code, city_code, district_code, parse_confidence, location_approximate)
			SELECT $1, id, customer, label, region, address, lat, lon, NULLIF(province, ''), NULLIF(city, ''),
				NULLIF(district, ''), confidence, approximate
			FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::float8[], $8::float8[],
				$9::text[], $10::text[], $11::text[], $12::float8[], $13::bool[])
				AS x(id, customer, label, region, address, lat, lon, province, city, district, confidence, approximate)`,
			u.tenantID, b.addrIDs, b.addrCustomers, b.addrLabels, b.addrRegions, b.addrTexts, b.addrLats, b.addrLons,
			b.addrProvinces, b.addrCities, b.addrDistricts, b.addrConf, b.addrApprox)
	}
}
