package report

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// Cadences of a scheduled export: each run exports the period that just
// ended at a tenant-local boundary (yesterday; the ISO week to Sunday; the
// month).
const (
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// OutboxExportReady announces a scheduled export's file (webhooks may
// subscribe); payload schedule_id, name, format, from, to, download_url,
// expires_at.
const OutboxExportReady = "report_export.ready"

// ScheduleFilters narrow a scheduled export like the query filters.
type ScheduleFilters struct {
	RegionID     *uuid.UUID `json:"region_id,omitempty"`
	SiteID       *uuid.UUID `json:"site_id,omitempty"`
	TechnicianID *uuid.UUID `json:"technician_id,omitempty"`
	ProductLine  string     `json:"product_line,omitempty" maxLength:"64"`
	ServiceType  string     `json:"service_type,omitempty" maxLength:"64"`
	Channel      string     `json:"channel,omitempty" maxLength:"32"`
	ModelID      *uuid.UUID `json:"model_id,omitempty"`
}

func (f ScheduleFilters) filter() Filter {
	return Filter{Region: f.RegionID, Site: f.SiteID, Technician: f.TechnicianID, ProductLine: f.ProductLine,
		ServiceType: f.ServiceType, Channel: f.Channel, Model: f.ModelID}
}

// Schedule is a tenant's scheduled totals export.
type Schedule struct {
	ID        uuid.UUID       `json:"id"`
	Name      string          `json:"name"`
	Metrics   []string        `json:"metrics"`
	GroupBy   []string        `json:"group_by" nullable:"false"`
	Filters   ScheduleFilters `json:"filters"`
	Format    string          `json:"format" enum:"csv,xlsx"`
	Cadence   string          `json:"cadence" enum:"daily,weekly,monthly"`
	NextRunAt time.Time       `json:"next_run_at" doc:"The next tenant-local period boundary at which it runs."`
	LastRunAt *time.Time      `json:"last_run_at,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// Query is the report query of a run exporting the days [from, to].
func (s *Schedule) Query(from, to time.Time) Query {
	return Query{Metrics: s.Metrics, From: from, To: to, Filter: s.Filters.filter(), GroupBy: s.GroupBy}
}

// Validate checks the schedule, naming the field at fault.
func (s *Schedule) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" || len([]rune(s.Name)) > 100 {
		return core.FieldError("name", "is required, at most 100 characters")
	}
	switch s.Format {
	case "csv", "xlsx":
	default:
		return core.FieldError("format", "unknown format %q (csv, xlsx)", s.Format)
	}
	switch s.Cadence {
	case Daily, Weekly, Monthly:
	default:
		return core.FieldError("cadence", "unknown cadence %q (daily, weekly, monthly)", s.Cadence)
	}
	if s.GroupBy == nil {
		s.GroupBy = []string{}
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	q := s.Query(day, day)
	_, err := q.Validate(DefaultMaxPeriodDays) // one day: within every tenant's limit
	return err
}

// Boundary is the first tenant-local period boundary of cadence after t.
func Boundary(cadence string, loc *time.Location, t time.Time) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	switch cadence {
	case Weekly:
		wd := (int(l.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, m, d-wd+7, 0, 0, 0, 0, loc)
	case Monthly:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	default:
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
}

// PeriodBefore is the tenant-local days [from, to] of the period that
// ends at the boundary due (as dates at midnight UTC, like Query's).
func PeriodBefore(cadence string, loc *time.Location, due time.Time) (from, to time.Time) {
	l := due.In(loc)
	y, m, d := l.Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	to = end.AddDate(0, 0, -1)
	switch cadence {
	case Weekly:
		return end.AddDate(0, 0, -7), to
	case Monthly:
		return end.AddDate(0, -1, 0), to
	default:
		return to, to
	}
}

// ExportRun is one run of a schedule.
type ExportRun struct {
	Due       time.Time // the boundary it ran for
	Next      time.Time
	File      string // the blob key
	From, To  time.Time
	URL       string
	ExpiresAt time.Time
}

// ScheduleStore keeps the schedules.
type ScheduleStore interface {
	InsertSchedule(ctx context.Context, u core.UnitOfWork, s *Schedule, by string) error
	FindSchedules(ctx context.Context, u core.UnitOfWork) ([]Schedule, error)
	// DeleteSchedule: ENOTFOUND.
	DeleteSchedule(ctx context.Context, u core.UnitOfWork, id uuid.UUID) error
	TenantLocation(ctx context.Context, u core.UnitOfWork) (*time.Location, error)
	// LockDueSchedules locks up to limit schedules due at now, skipping
	// those another transaction holds.
	LockDueSchedules(ctx context.Context, u core.UnitOfWork, now time.Time, limit int) ([]Schedule, error)
	// FinishScheduleRun moves the schedule on and adds the outbox message.
	FinishScheduleRun(ctx context.Context, u core.UnitOfWork, s *Schedule, run ExportRun, payload json.RawMessage) error
	ScheduleTenants(ctx context.Context) ([]uuid.UUID, error)
}

// Objects stores export files (core/blob.Store).
type Objects interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the object; an absent key is no error.
	Delete(ctx context.Context, key string) error
}

// Renderer writes a query's totals as a CSV or XLSX file.
type Renderer func(w io.Writer, format string, q Query, res *Result) error

// ExportService runs the scheduled exports and signs their links.
type ExportService struct {
	Reports *Service
	Store   ScheduleStore
	Units   core.UnitsOfWork
	Objects Objects
	Render  Renderer
	Clock   core.Clock
	Key     []byte        // signs the download links
	BaseURL string        // prefixes the links ("": a path)
	TTL     time.Duration // how long a link works (0: 7 days)
	// Spool holds a rendered file until it is stored (a temporary file in
	// the server; core touches no file system).
	Spool func() (SpoolFile, error)
}

// SpoolFile is where an export is rendered before it is stored; Close
// discards it.
type SpoolFile interface {
	io.ReadWriteSeeker
	io.Closer
}

// CreateSchedule validates and stores a schedule; its first run is the
// next boundary.
func (e *ExportService) CreateSchedule(ctx context.Context, u core.UnitOfWork, s *Schedule, by string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := e.Reports.CheckScope(ctx, u, Reach{All: true}, s.Filters.filter()); err != nil {
		return err
	}
	loc, err := e.Store.TenantLocation(ctx, u)
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	s.ID, s.CreatedAt, s.NextRunAt = uuid.New(), now, Boundary(s.Cadence, loc, now)
	return e.Store.InsertSchedule(ctx, u, s, by)
}

// RunDue runs every due schedule of every tenant once and returns how many ran.
func (e *ExportService) RunDue(ctx context.Context) (int, error) {
	tenants, err := e.Store.ScheduleTenants(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tenants {
		for { // a batch per transaction until none is due
			ran := 0
			var written []string // the files the transaction announces
			err := core.InUnitOfWork(ctx, e.Units, t, func(u core.UnitOfWork) error {
				var err error
				ran, err = e.runTenant(ctx, u, t, &written)
				return err
			})
			if err != nil {
				// Nothing announces the files written: remove them, or
				// they would stay unreachable until the store is swept.
				for _, key := range written {
					if derr := e.Objects.Delete(context.WithoutCancel(ctx), key); derr != nil {
						err = errors.Join(err, fmt.Errorf("remove export file %s: %w", key, derr))
					}
				}
				return n, err
			}
			n += ran
			if ran == 0 {
				break
			}
		}
	}
	return n, nil
}

func (e *ExportService) runTenant(ctx context.Context, u core.UnitOfWork, tenant uuid.UUID, written *[]string) (int, error) {
	now := e.Clock.Now()
	due, err := e.Store.LockDueSchedules(ctx, u, now, 10)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	loc, err := e.Store.TenantLocation(ctx, u)
	if err != nil {
		return 0, err
	}
	for i := range due {
		if err := e.runOne(ctx, u, tenant, loc, &due[i], now, written); err != nil {
			return 0, fmt.Errorf("report schedule %s: %w", due[i].ID, err)
		}
	}
	return len(due), nil
}

func (e *ExportService) runOne(ctx context.Context, u core.UnitOfWork, tenant uuid.UUID, loc *time.Location, s *Schedule, now time.Time,
	written *[]string) error {
	from, to := PeriodBefore(s.Cadence, loc, s.NextRunAt)
	q := s.Query(from, to)
	res, err := e.Reports.Run(ctx, u, Reach{All: true}, q)
	if err != nil {
		return err
	}
	tmp, err := e.Spool()
	if err != nil {
		return err
	}
	defer tmp.Close()
	if err := e.Render(tmp, s.Format, q, res); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	file := fmt.Sprintf("report-%s-%s-%s.%s", from.Format("20060102"), to.Format("20060102"), uuid.NewString()[:8], s.Format)
	ct := "text/csv; charset=utf-8"
	if s.Format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	key := ExportKey(tenant, s.ID, file)
	*written = append(*written, key) // a failed Put may leave a part
	if err := e.Objects.Put(ctx, key, tmp, size, ct); err != nil {
		return err
	}
	ttl := e.TTL
	if ttl == 0 {
		ttl = 7 * 24 * time.Hour
	}
	next := Boundary(s.Cadence, loc, s.NextRunAt)
	for !next.After(now) { // missed runs are not made up: the next boundary to come
		next = Boundary(s.Cadence, loc, next)
	}
	run := ExportRun{Due: s.NextRunAt, Next: next, File: file, From: from, To: to, ExpiresAt: now.Add(ttl).UTC().Truncate(time.Second)}
	run.URL = e.BaseURL + e.SignedPath(tenant, s.ID, file, run.ExpiresAt)
	payload, err := json.Marshal(map[string]any{"schedule_id": s.ID, "name": s.Name, "format": s.Format,
		"from": from.Format(dateLayout), "to": to.Format(dateLayout), "download_url": run.URL, "expires_at": run.ExpiresAt})
	if err != nil {
		return err
	}
	return e.Store.FinishScheduleRun(ctx, u, s, run, payload)
}

// ExportKey is the blob key of an export file.
func ExportKey(tenant, schedule uuid.UUID, file string) string {
	return "report-exports/" + tenant.String() + "/" + schedule.String() + "/" + file
}

// ExportPath is the download path of an export file (without signature).
func ExportPath(tenant, schedule uuid.UUID, file string) string {
	return "/v1/report-exports/" + tenant.String() + "/" + schedule.String() + "/" + url.PathEscape(file)
}

func (e *ExportService) sign(tenant, schedule uuid.UUID, file string, expires int64) string {
	m := hmac.New(sha256.New, e.Key)
	fmt.Fprintf(m, "%s\n%s\n%s\n%d", tenant, schedule, file, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// SignedPath is the path of the file with its expiry and signature.
func (e *ExportService) SignedPath(tenant, schedule uuid.UUID, file string, expires time.Time) string {
	exp := expires.Unix()
	return ExportPath(tenant, schedule, file) + "?expires=" + strconv.FormatInt(exp, 10) + "&signature=" + e.sign(tenant, schedule, file, exp)
}

// OpenExport checks a download link and opens its file: EFORBIDDEN for a
// signature that does not match, *ExpiredError once the link expired.
func (e *ExportService) OpenExport(ctx context.Context, tenant, schedule uuid.UUID, file string, expires int64, signature string) (io.ReadCloser, error) {
	want := e.sign(tenant, schedule, file, expires)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return nil, &core.Error{Code: core.EFORBIDDEN, Message: "signature: the link's signature does not match",
			Fields: map[string]string{"signature": "does not match"}}
	}
	if exp := time.Unix(expires, 0).UTC(); !e.Clock.Now().Before(exp) {
		return nil, &ExpiredError{At: exp}
	}
	return e.Objects.Open(ctx, ExportKey(tenant, schedule, file))
}

// ExpiredError is a download link past its expiry.
type ExpiredError struct{ At time.Time }

func (e *ExpiredError) Error() string {
	return "expires: the link expired at " + e.At.Format(time.RFC3339)
}
