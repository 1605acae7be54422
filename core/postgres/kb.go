package postgres

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/kb"
)

// kbRepo implements kb.Repository on a unit of work.
type kbRepo struct{ u *unit }

// KB implements kb.Store.
func (s *Store) KB(u core.UnitOfWork) kb.Repository { return kbRepo{unitOf(u)} }

const kbArticleColumns = `id, category_id, status, audience, title, body, html, tags, product_lines, models, fault_codes,
	regions, version, edited_by, edited_by_name, review_by, published_at, created_at, updated_at, views, helpful, not_helpful`

func scanKBArticle(row pgx.Row) (*kb.Article, error) {
	a := &kb.Article{}
	return a, row.Scan(&a.ID, &a.CategoryID, &a.Status, &a.Audience, &a.Title, &a.Body, &a.HTML, &a.Tags, &a.ProductLines,
		&a.Models, &a.FaultCodes, &a.Regions, &a.Version, &a.EditedBy, &a.EditedByName, &a.ReviewBy, &a.PublishedAt,
		&a.CreatedAt, &a.UpdatedAt, &a.Views, &a.Helpful, &a.NotHelpful)
}

func (r kbRepo) InsertArticle(ctx context.Context, a *kb.Article, terms *kb.Terms) error {
	r.u.write(`INSERT INTO kb_articles (tenant_id, `+kbArticleColumns+`, search)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
			$24::tsvector)`,
		r.u.tenantID, a.ID, a.CategoryID, a.Status, a.Audience, a.Title, a.Body, a.HTML, a.Tags, a.ProductLines, a.Models,
		a.FaultCodes, a.Regions, a.Version, a.EditedBy, a.EditedByName, a.ReviewBy, a.PublishedAt, a.CreatedAt, a.UpdatedAt,
		a.Views, a.Helpful, a.NotHelpful, terms.Vector())
	return nil
}

func (r kbRepo) UpdateArticle(ctx context.Context, a *kb.Article, terms *kb.Terms) error {
	r.u.write(`UPDATE kb_articles SET category_id = $3, status = $4, audience = $5, title = $6, body = $7, html = $8,
			tags = $9, product_lines = $10, models = $11, fault_codes = $12, regions = $13, version = $14, edited_by = $15,
			edited_by_name = $16, review_by = $17, published_at = $18, updated_at = $19, search = $20::tsvector
		WHERE tenant_id = $1 AND id = $2`,
		r.u.tenantID, a.ID, a.CategoryID, a.Status, a.Audience, a.Title, a.Body, a.HTML, a.Tags, a.ProductLines, a.Models,
		a.FaultCodes, a.Regions, a.Version, a.EditedBy, a.EditedByName, a.ReviewBy, a.PublishedAt, a.UpdatedAt, terms.Vector())
	return nil
}

func (r kbRepo) FindArticle(ctx context.Context, id uuid.UUID, lock bool) (*kb.Article, error) {
	return r.findArticle(ctx, `id = $1`, id, lock)
}

// FindArticleByKey implements kb.Repository.
func (r kbRepo) FindArticleByKey(ctx context.Context, key string, lock bool) (*kb.Article, error) {
	return r.findArticle(ctx, `external_key = $1`, key, lock)
}

func (r kbRepo) findArticle(ctx context.Context, where string, arg any, lock bool) (*kb.Article, error) {
	sql := `SELECT ` + kbArticleColumns + `, pending, coalesce(external_key, '') FROM kb_articles WHERE ` + where
	if lock {
		sql += ` FOR UPDATE`
	}
	a, err := readOne(ctx, r.u, func(row pgx.Row) (*kb.Article, error) {
		a := &kb.Article{}
		var pending []byte
		err := row.Scan(&a.ID, &a.CategoryID, &a.Status, &a.Audience, &a.Title, &a.Body, &a.HTML, &a.Tags, &a.ProductLines,
			&a.Models, &a.FaultCodes, &a.Regions, &a.Version, &a.EditedBy, &a.EditedByName, &a.ReviewBy, &a.PublishedAt,
			&a.CreatedAt, &a.UpdatedAt, &a.Views, &a.Helpful, &a.NotHelpful, &pending, &a.ExternalKey)
		if err == nil && pending != nil {
			a.Pending = &kb.Pending{}
			err = json.Unmarshal(pending, a.Pending)
		}
		return a, err
	}, sql, arg)
	return a, translate(err, "article")
}

// PutPending implements kb.Repository.
func (r kbRepo) PutPending(ctx context.Context, id uuid.UUID, p *kb.Pending) error {
	var raw []byte
	if p != nil {
		var err error
		if raw, err = json.Marshal(p); err != nil {
			return err
		}
	}
	r.u.write(`UPDATE kb_articles SET pending = $3 WHERE tenant_id = $1 AND id = $2`, r.u.tenantID, id, raw)
	return nil
}

// SetExternalKey implements kb.Repository.
func (r kbRepo) SetExternalKey(ctx context.Context, id uuid.UUID, key string) error {
	r.u.write(`UPDATE kb_articles SET external_key = $3 WHERE tenant_id = $1 AND id = $2`, r.u.tenantID, id, key)
	return nil
}

func (r kbRepo) CountArticle(ctx context.Context, id uuid.UUID, views, helpful, notHelpful int) error {
	// Deferred to the commit: counters are hot rows.
	r.u.deferUntilCommit(`UPDATE kb_articles SET views = views + $2, helpful = helpful + $3, not_helpful = not_helpful + $4
		WHERE id = $1`, id, views, helpful, notHelpful)
	return nil
}

func (r kbRepo) InsertVersion(ctx context.Context, v *kb.Version) error {
	fields, err := json.Marshal(v.Fields)
	if err != nil {
		return err
	}
	r.u.write(`INSERT INTO kb_versions (tenant_id, article_id, version, title, body, fields, edited_by, edited_by_name, note,
		created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, r.u.tenantID, v.ArticleID, v.Version, v.Title, v.Body,
		fields, v.EditedBy, v.EditedByName, v.Note, v.CreatedAt)
	return nil
}

const kbVersionColumns = `article_id, version, title, body, fields, edited_by, edited_by_name, note, created_at`

func scanKBVersion(row pgx.Row) (*kb.Version, error) {
	v := &kb.Version{}
	var fields []byte
	if err := row.Scan(&v.ArticleID, &v.Version, &v.Title, &v.Body, &fields, &v.EditedBy, &v.EditedByName, &v.Note,
		&v.CreatedAt); err != nil {
		return nil, err
	}
	return v, json.Unmarshal(fields, &v.Fields)
}

func (r kbRepo) FindVersions(ctx context.Context, article uuid.UUID) ([]*kb.Version, error) {
	return readAll(ctx, r.u, scanKBVersion, `SELECT `+kbVersionColumns+` FROM kb_versions WHERE article_id = $1
		ORDER BY version DESC`, article)
}

func (r kbRepo) FindVersion(ctx context.Context, article uuid.UUID, n int) (*kb.Version, error) {
	v, err := readOne(ctx, r.u, scanKBVersion, `SELECT `+kbVersionColumns+` FROM kb_versions
		WHERE article_id = $1 AND version = $2`, article, n)
	return v, translate(err, "version")
}

func (r kbRepo) InsertComment(ctx context.Context, c *kb.Comment) error {
	r.u.write(`INSERT INTO kb_comments (tenant_id, id, article_id, version, kind, body, author_id, author_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.u.tenantID, c.ID, c.ArticleID, c.Version, c.Kind, c.Body, c.AuthorID,
		c.AuthorName, c.CreatedAt)
	return nil
}

func (r kbRepo) FindComments(ctx context.Context, article uuid.UUID) ([]*kb.Comment, error) {
	return readAll(ctx, r.u, func(row pgx.Row) (*kb.Comment, error) {
		c := &kb.Comment{}
		return c, row.Scan(&c.ID, &c.ArticleID, &c.Version, &c.Kind, &c.Body, &c.AuthorID, &c.AuthorName, &c.CreatedAt)
	}, `SELECT id, article_id, version, kind, body, author_id, author_name, created_at FROM kb_comments
		WHERE article_id = $1 ORDER BY created_at, id`, article)
}

func (r kbRepo) PutCategory(ctx context.Context, c *kb.Category) error {
	r.u.write(`INSERT INTO kb_categories (tenant_id, id, parent_id, name_zh, name_en, position) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant_id, id) DO UPDATE SET parent_id = EXCLUDED.parent_id, name_zh = EXCLUDED.name_zh,
			name_en = EXCLUDED.name_en, position = EXCLUDED.position`,
		r.u.tenantID, c.ID, c.ParentID, c.NameZh, c.NameEn, c.Position)
	return nil
}

func (r kbRepo) FindCategories(ctx context.Context) ([]*kb.Category, error) {
	return readAll(ctx, r.u, func(row pgx.Row) (*kb.Category, error) {
		c := &kb.Category{}
		return c, row.Scan(&c.ID, &c.ParentID, &c.NameZh, &c.NameEn, &c.Position)
	}, `SELECT id, parent_id, name_zh, name_en, position FROM kb_categories ORDER BY parent_id NULLS FIRST, position, name_zh`)
}

func (r kbRepo) DeleteCategory(ctx context.Context, id uuid.UUID) error {
	var n int64
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) }, `WITH d AS (
			DELETE FROM kb_categories c WHERE id = $1
				AND NOT EXISTS (SELECT FROM kb_articles a WHERE a.tenant_id = c.tenant_id AND a.category_id = c.id)
				AND NOT EXISTS (SELECT FROM kb_categories k WHERE k.tenant_id = c.tenant_id AND k.parent_id = c.id)
			RETURNING 1)
		SELECT (SELECT count(*) FROM d) * 2 + (SELECT count(*) FROM kb_categories WHERE id = $1)`, id)
	switch {
	case err != nil:
		return translate(err, "category")
	case n == 0:
		return core.Errorf(core.ENOTFOUND, "category not found")
	case n == 1:
		return core.Errorf(core.ECONFLICT, "category: articles or other categories are in it; move them first")
	}
	return nil
}

func (r kbRepo) PutSynonyms(ctx context.Context, g *kb.SynonymGroup) error {
	r.u.write(`INSERT INTO kb_synonyms (tenant_id, id, words) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, id) DO UPDATE SET words = EXCLUDED.words`, r.u.tenantID, g.ID, g.Words)
	return nil
}

func (r kbRepo) FindSynonyms(ctx context.Context) ([]*kb.SynonymGroup, error) {
	return readAll(ctx, r.u, func(row pgx.Row) (*kb.SynonymGroup, error) {
		g := &kb.SynonymGroup{}
		return g, row.Scan(&g.ID, &g.Words)
	}, `SELECT id, words FROM kb_synonyms ORDER BY words[1], id`)
}

func (r kbRepo) DeleteSynonyms(ctx context.Context, id uuid.UUID) error {
	var n int64
	err := r.u.queryRow(ctx, func(row pgx.Row) error { return row.Scan(&n) },
		`WITH d AS (DELETE FROM kb_synonyms WHERE id = $1 RETURNING 1) SELECT count(*) FROM d`, id)
	if err == nil && n == 0 {
		return core.Errorf(core.ENOTFOUND, "synonym group not found")
	}
	return translate(err, "synonym group")
}

// DeleteArticle implements kb.Repository; the use case has read (and
// locked) the article, so the deletes are queued.
func (r kbRepo) DeleteArticle(ctx context.Context, id uuid.UUID) error {
	r.u.write(`DELETE FROM kb_comments WHERE tenant_id = $1 AND article_id = $2`, r.u.tenantID, id)
	r.u.write(`DELETE FROM kb_versions WHERE tenant_id = $1 AND article_id = $2`, r.u.tenantID, id)
	r.u.write(`DELETE FROM kb_articles WHERE tenant_id = $1 AND id = $2`, r.u.tenantID, id)
	return nil
}
