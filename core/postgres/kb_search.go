package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// kbRankWeights weigh where a term occurs, as ts_rank takes them: {D, C,
// B, A} = {body, -, tags, title}.
const kbRankWeights = `'{0.1, 0.2, 0.5, 1.0}'`

// kbCandidates bounds the matches a search ranks.
const kbCandidates = 300

// FindArticles lists or, with f.Search, searches articles. A search ranks
// by ts_rank over f.Rank (title terms weigh ten times body terms) times a
// recency factor that halves the boost of a change a quarter old; GIN on
// search finds the candidates.
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
	limit := clampLimit(f.Limit)
	order := "updated_at DESC, id DESC"
	if f.Search != nil {
		where = append(where, "search @@ "+arg(f.Search.TSQuery())+"::tsquery")
		order = "ts_rank(" + kbRankWeights + ", search, " + arg(f.Rank.TSQuery()) + "::tsquery) * " +
			"(1 + 1 / (1 + extract(epoch FROM " + arg(f.Now) + "::timestamptz - coalesce(published_at, updated_at)) / 7776000)) DESC, id"
	} else if f.After != "" {
		at, id, err := kbCursor(f.After)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(updated_at, id) < ("+arg(at)+", "+arg(id)+")")
	}
	sql := `SELECT ` + kbArticleColumns + ` FROM kb_articles`
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.Search != nil {
		// Ranking reads every candidate's vector: a broad query (空调)
		// matches tens of thousands of articles, and ranking them all
		// took seconds on 100,000 (BENCHMARKS.md). So at most
		// kbCandidates matches, the most recently changed first (the
		// updated index), are ranked; a specific query has fewer matches
		// than that and is ranked in full.
		sql = `SELECT ` + kbArticleColumns + ` FROM (` + strings.Replace(sql, ` FROM kb_articles`, `, search FROM kb_articles`, 1) +
			` ORDER BY updated_at DESC LIMIT ` + arg(kbCandidates) + `) c`
	}
	sql += ` ORDER BY ` + order + ` LIMIT ` + arg(limit+1)
	out, err := readAll(ctx, r.u, scanKBArticle, sql, args...)
	if err != nil {
		return nil, "", err
	}
	if f.Search != nil {
		return out[:min(len(out), limit)], "", nil
	}
	out, next := nextPage(out, limit, func(a *kb.Article) string {
		return a.UpdatedAt.Format(time.RFC3339Nano) + "~" + a.ID.String()
	})
	return out, next, nil
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

func (r kbRepo) KnownTerms(ctx context.Context, terms []string) (map[string]bool, error) {
	known, err := readAll(ctx, r.u, func(row pgx.Row) (string, error) {
		var s string
		return s, row.Scan(&s)
	}, `SELECT term FROM kb_terms WHERE term = ANY($1)`, terms)
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
