package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// The search technique, and why (measured in BENCHMARKS.md, "kb search";
// 100,000 generated articles in a tenant):
//
// core/kb/tokens.go writes each article's terms (Han characters and pairs,
// pinyin syllables, pairs and initials of the title and tags, Latin words)
// as a tsvector, title weight A, tags B, body D. EXPLAIN (ANALYZE,
// BUFFERS) of the first design showed the cost was not the ranking: for
// the application role the GIN index was never used. kb_articles has
// row-level security, and PostgreSQL lets a query's condition use an index
// under a policy only if its operator is LEAKPROOF, which tsvector @@
// tsquery is not: every search read and matched all 100,000 rows of the
// tenant (11,500 heap pages plus the TOASTed vectors, 400,000 buffers),
// p99 500-710 ms for every query form, broad or specific. As the migration
// owner (no policy) the same query took 19 ms.
//
// So a search is two stages (migrations 00070, 00074, 00103, 00104):
//
//  1. kb_search_ranked (a SECURITY DEFINER function of the migration
//     owner that keeps the current tenant's rows itself), whose
//     conditions reach the GIN indexes, finds the candidates: first the
//     articles whose title or tags (search_title: the A and B part of the
//     vector, kept in the row) hold the whole query, at most kbCandidates
//     of them; only when they do not fill the page asked for, those whose
//     body holds it too, as many more. It ranks them as it reads them, by
//     ts_rank over search_title (title 1, tags 0.5) times a recency
//     factor that halves the boost of a change a quarter old, and returns
//     the IDs of the page only, best first;
//  2. that page is read back through kb_articles and its policy by key,
//     in the function's order.
//
// Until migration 00103 the function returned the candidates unranked
// and the search read all of them back to rank them: a broad query read
// its 200 candidates' heap pages twice and sorted 200 whole articles.
// And search_title, though small, went out of line with the whole vector
// (a row with both is over 2 kB), so ranking read ~500 TOAST pages for
// 200 candidates; migration 00104 keeps it in the row (storage MAIN).

// Migration 00070 found the candidates through a view without a security
// barrier. Its plans were left to the planner, and with statistics pgx's
// cached statements got generic plans after five runs: the body stage
// became a sequential scan of the tenant (2.1 s by EXPLAIN of the
// prepared statement). The function plans its SQL on every call with the
// query in hand and may only use bitmap scans, so the plan is the GIN
// index whatever the statistics. The view also let a caller's own cheap
// function see every tenant's rows (a pg_temp function saw 100,016 rows of
// another tenant); the function takes values only. The GIN indexes'
// pending lists are kept at 64 kB: after a bulk import every search read
// 300-500 pending pages (10 ms for a query matching nothing).
//
// A broad query (kongtiao: 18,645 matches) ranks an arbitrary
// kbCandidates of its title matches, all equally good on the words; a
// specific one has fewer matches and is ranked in full (every labelled
// query of BenchmarkKBSearch matches one title on 100,000 articles, so
// the cap, 200 until migration 00103, costs them nothing; each candidate
// of a broad query is one heap page read). Snippets are made in Go for the page returned only. Figures in
// BENCHMARKS.md (BenchmarkKBSearch).

// kbCandidates bounds the matches a search ranks, per stage: twice the
// largest page (kb.Service.Search asks for at most 50).
const kbCandidates = 100

// FindArticles lists or, with f.Search, searches articles (see above).
func (r kbRepo) FindArticles(ctx context.Context, f kb.Filter) ([]*kb.Article, string, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	v := f.Viewer
	if !v.Editorial {
		where = append(where, "status = 'published'", "audience = ANY("+arg(v.Audiences)+")")
		if !v.AllRegions {
			where = append(where, "(cardinality(regions) = 0 OR regions && "+arg(nonNilIDs(v.Regions))+"::uuid[])")
		}
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Audience != "" {
		where = append(where, "audience = "+arg(f.Audience))
	}
	if len(f.Categories) > 0 {
		where = append(where, "category_id = ANY("+arg(f.Categories)+")")
	}
	if f.ProductLine != "" {
		where = append(where, "product_lines @> ARRAY["+arg(f.ProductLine)+"::text]")
	}
	if f.Model != "" {
		where = append(where, "models @> ARRAY["+arg(f.Model)+"::text]")
	}
	if len(f.FaultCodes) > 0 {
		where = append(where, "fault_codes && "+arg(f.FaultCodes)+"::text[]")
	}
	if f.StaleOnly {
		where = append(where, "review_by < "+arg(f.Now))
	}
	if f.PendingOnly {
		where = append(where, "pending IS NOT NULL")
	}
	limit := clampLimit(f.Limit)
	if f.Search != nil {
		out, err := r.search(ctx, where, args, f, limit)
		return out, "", err
	}
	if f.After != "" {
		at, id, err := kbCursor(f.After)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(updated_at, id) < ("+arg(at)+", "+arg(id)+")")
	}
	sql := `SELECT ` + kbArticleColumns + `, pending FROM kb_articles`
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, " AND ")
	}
	sql += ` ORDER BY updated_at DESC, id DESC LIMIT ` + arg(limit+1)
	out, err := readAll(ctx, r.u, scanKBArticlePending, sql, args...)
	if err != nil {
		return nil, "", err
	}
	out, next := nextPage(out, limit, func(a *kb.Article) string {
		return a.UpdatedAt.Format(time.RFC3339Nano) + "~" + a.ID.String()
	})
	return out, next, nil
}

// search runs the two stages described at the top of this file; where and
// args are the filter's conditions, applied again to the candidates read
// back through kb_articles and its policy.
func (r kbRepo) search(ctx context.Context, where []string, args []any, f kb.Filter, limit int) ([]*kb.Article, error) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	c := kbCandidateArgs(f)
	cond := strings.Join(append(where, "true"), " AND ")
	sql := `SELECT ` + kbArticleColumns + `, pending
		FROM unnest((SELECT kb_search_ranked(` + arg(f.Search.TSQuery()) + `::tsquery, ` + arg(f.Rank.TSQuery()) +
		`::tsquery, ` + arg(f.Now) + `::timestamptz, ` + arg(kbCandidates) + `, ` + arg(limit) + `, ` + arg(c.statuses) +
		`::text[], ` + arg(c.audiences) + `::text[], ` + arg(c.regions) + `::uuid[], ` + arg(c.categories) + `::uuid[], ` +
		arg(c.productLine) + `::text, ` + arg(c.model) + `::text, ` + arg(c.faultCodes) + `::text[], ` +
		arg(c.reviewBefore) + `::timestamptz, ` + arg(f.PendingOnly) + `))) WITH ORDINALITY AS ranked(rid, ord)
		JOIN kb_articles ON tenant_id = app_current_tenant() AND id = rid
		WHERE ` + cond + `
		ORDER BY ord`
	return readAll(ctx, r.u, scanKBArticlePending, sql, args...)
}

// kbCandidateFilter is a filter as kb_search_candidates takes it: nil for
// no condition.
type kbCandidateFilter struct {
	statuses, audiences, faultCodes []string
	regions, categories             []uuid.UUID
	productLine, model              *string
	reviewBefore                    *time.Time
}

// kbCandidateArgs returns f's conditions as kb_search_candidates' values.
// A status or audience asked for that the viewer may not see becomes an
// empty list: no candidates.
func kbCandidateArgs(f kb.Filter) kbCandidateFilter {
	var c kbCandidateFilter
	v := f.Viewer
	if !v.Editorial {
		c.statuses, c.audiences = []string{"published"}, append([]string{}, v.Audiences...)
		if !v.AllRegions {
			c.regions = nonNilIDs(v.Regions)
		}
	}
	narrow := func(have []string, want string) []string {
		switch {
		case want == "":
			return have
		case have == nil || slices.Contains(have, want):
			return []string{want}
		}
		return []string{}
	}
	c.statuses, c.audiences = narrow(c.statuses, f.Status), narrow(c.audiences, f.Audience)
	if len(f.Categories) > 0 {
		c.categories = f.Categories
	}
	if f.ProductLine != "" {
		c.productLine = &f.ProductLine
	}
	if f.Model != "" {
		c.model = &f.Model
	}
	if len(f.FaultCodes) > 0 {
		c.faultCodes = f.FaultCodes
	}
	if f.StaleOnly {
		c.reviewBefore = &f.Now
	}
	return c
}

// scanKBArticlePending scans kbArticleColumns and pending.
func scanKBArticlePending(row pgx.Row) (*kb.Article, error) {
	a := &kb.Article{}
	var pending []byte
	err := row.Scan(&a.ID, &a.CategoryID, &a.Status, &a.Audience, &a.Title, &a.Body, &a.HTML, &a.Tags, &a.ProductLines,
		&a.Models, &a.FaultCodes, &a.Regions, &a.Version, &a.EditedBy, &a.EditedByName, &a.ReviewBy, &a.PublishedAt,
		&a.CreatedAt, &a.UpdatedAt, &a.Views, &a.Helpful, &a.NotHelpful, &pending)
	if err == nil && pending != nil {
		a.Pending = &kb.Pending{}
		err = json.Unmarshal(pending, a.Pending)
	}
	return a, err
}

func kbCursor(s string) (time.Time, uuid.UUID, error) {
	ts, id, _ := strings.Cut(s, "~")
	at, err := time.Parse(time.RFC3339Nano, ts)
	uid, err2 := uuid.Parse(id)
	if err != nil || err2 != nil {
		return time.Time{}, uuid.Nil, core.FieldError("cursor", "is not a cursor this list returned")
	}
	return at, uid, nil
}

func (r kbRepo) AddTerms(ctx context.Context, terms []string) error {
	if len(terms) > 0 {
		r.u.write(`INSERT INTO kb_terms (tenant_id, term) SELECT $1, unnest($2::text[]) ORDER BY 2 ON CONFLICT DO NOTHING`,
			r.u.tenantID, terms)
	}
	return nil
}

// KnownTerms asks kb_known_terms (migration 00074): with the hundreds of
// terms a typo's edits name, the planner chose the trigram index for each
// term's equality, whether as term = ANY($1) or a join, and took 100 ms
// to 2 s.
func (r kbRepo) KnownTerms(ctx context.Context, terms []string) (map[string]bool, error) {
	known, err := readAll(ctx, r.u, func(row pgx.Row) (string, error) {
		var s string
		return s, row.Scan(&s)
	}, `SELECT kb_known_terms($1::text[])`, terms)
	out := map[string]bool{}
	for _, k := range known {
		out[k] = true
	}
	return out, err
}

func (r kbRepo) SimilarTerms(ctx context.Context, word string, limit int) ([]string, error) {
	return readAll(ctx, r.u, func(row pgx.Row) (string, error) {
		var s string
		return s, row.Scan(&s)
	}, `SELECT term FROM kb_terms WHERE term % $1 AND left(term, 1) <> '~'
		ORDER BY similarity(term, $1) DESC, term LIMIT $2`, word, limit)
}
