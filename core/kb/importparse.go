package kb

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aftersales/aftersales/core"
)

// ImportFile is one uploaded file of an import: Markdown (.md,
// .markdown), a zip of Markdown files, or CSV (.csv).
type ImportFile struct {
	Name string
	Data []byte
	// Charset is a CSV file's declared charset (utf-8, gbk, gb18030,
	// gb2312); "": detected (see decodeCSV).
	Charset string
}

// Limits of an import.
const (
	MaxImportFiles = 2000     // Markdown files in one import
	MaxZipBytes    = 50 << 20 // what a zip may expand to
)

// CSVColumns are the columns of an article CSV; key, title and body are
// required. Lists are separated by '|'.
var CSVColumns = []string{"key", "title", "body", "category", "tags", "product_lines", "models", "fault_codes", "audience"}

// frontMatterKeys are the keys a Markdown file's front matter may have.
var frontMatterKeys = []string{"key", "title", "category", "tags", "product_lines", "models", "fault_codes", "audience"}

// ParseImport reads the articles of an import's files: each Markdown file
// (alone or in a zip) is one row, numbered by its position among the
// Markdown files; each CSV record is one row, numbered by its line. It
// returns the rows (those malformed carry their problem, reported when
// imported) and the count of rows read; a file-level problem (an unknown
// kind of file, an unreadable zip or CSV header, too many rows) is an
// EINVALID error naming the file, and nothing is imported.
func ParseImport(files []ImportFile) ([]ImportRow, *core.ImportReport, error) {
	var rows []ImportRow
	rep := &core.ImportReport{}
	md := 0
	addMD := func(file, key string, data []byte) error {
		md++
		if md > MaxImportFiles {
			return core.FieldError("files", "hold more than %d Markdown files; split the import", MaxImportFiles)
		}
		rows = append(rows, parseMarkdown(md, file, key, data))
		return nil
	}
	for _, f := range files {
		ext := strings.ToLower(path.Ext(f.Name))
		switch ext {
		case ".md", ".markdown":
			if err := addMD(f.Name, strings.TrimSuffix(path.Base(f.Name), path.Ext(f.Name)), f.Data); err != nil {
				return nil, nil, err
			}
		case ".zip":
			zr, err := zip.NewReader(bytes.NewReader(f.Data), int64(len(f.Data)))
			if err != nil {
				return nil, nil, core.FieldError("files", "%s is not a readable zip file", f.Name)
			}
			total := int64(0)
			for _, e := range zr.File {
				name := e.Name
				if e.FileInfo().IsDir() || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), ".") {
					continue
				}
				if x := strings.ToLower(path.Ext(name)); x != ".md" && x != ".markdown" {
					continue
				}
				total += int64(e.UncompressedSize64)
				if total > MaxZipBytes {
					return nil, nil, core.FieldError("files", "%s expands to more than 50 MiB", f.Name)
				}
				data, err := readZipEntry(e)
				if err != nil {
					return nil, nil, core.FieldError("files", "%s: %s cannot be read", f.Name, name)
				}
				if err := addMD(f.Name+"/"+name, strings.TrimSuffix(name, path.Ext(name)), data); err != nil {
					return nil, nil, err
				}
			}
		case ".csv":
			csvRows, err := parseCSV(f)
			if err != nil {
				return nil, nil, err
			}
			rows = append(rows, csvRows...)
		default:
			return nil, nil, core.FieldError("files", "%s is not a Markdown (.md), zip or CSV file", f.Name)
		}
	}
	rep.Total = len(rows)
	if rep.Total > core.MaxImportRows {
		return nil, nil, core.FieldError("files", "hold more than %d articles; split the import", core.MaxImportRows)
	}
	dedupe(rows)
	return rows, rep, nil
}

func readZipEntry(e *zip.File) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, MaxBody*2))
}

// dedupe fails the later rows of a key that appears more than once.
func dedupe(rows []ImportRow) {
	first := map[string]ImportRow{}
	for i, r := range rows {
		k := strings.TrimSpace(r.Key)
		if r.err != nil || k == "" {
			continue
		}
		if at, dup := first[k]; dup {
			rows[i].err = core.FieldError("key", "%q appears again (first at row %d of %s); each article must have its own key",
				k, at.Row, at.File)
			continue
		}
		first[k] = r
	}
}

func parseCSV(f ImportFile) ([]ImportRow, error) {
	data, err := decodeCSV(f)
	if err != nil {
		return nil, err
	}
	var rows []ImportRow
	rep, err := core.ReadCSV(data, CSVColumns, []string{"key", "title", "body"}, func(line int, v map[string]string) error {
		rows = append(rows, ImportRow{Row: line, File: f.Name, Key: v["key"], Category: v["category"], Fields: Fields{
			Title: v["title"], Body: v["body"], Audience: v["audience"], Tags: splitList(v["tags"], "|"),
			ProductLines: splitList(v["product_lines"], "|"), Models: splitList(v["models"], "|"),
			FaultCodes: splitList(v["fault_codes"], "|")}})
		return nil
	})
	if err != nil {
		return nil, core.FieldError("files", "%s: %s", f.Name, core.ErrorMessage(err))
	}
	for _, e := range rep.Errors { // malformed records: rows that fail
		rows = append(rows, ImportRow{Row: e.Row, File: f.Name, err: core.Errorf(core.EINVALID, "%s", e.Message)})
	}
	return rows, nil
}

func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseMarkdown reads a Markdown file: optional front matter between
// "---" lines (key: value; lists as [a, b], a, b, or "- a" lines), then
// the body. Without a title in the front matter the first "# " heading is
// the title; without a key, the file's name (its path in a zip) without
// the extension.
func parseMarkdown(row int, file, defaultKey string, data []byte) ImportRow {
	r := ImportRow{Row: row, File: file, Key: defaultKey}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		r.err = core.FieldError("body", "is not UTF-8 text")
		return r
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	meta, body, err := splitFrontMatter(text)
	if err != nil {
		r.err = err
		return r
	}
	r.Fields.Body = strings.TrimSpace(body)
	for k, v := range meta {
		switch k {
		case "key":
			r.Key = scalar(v)
		case "title":
			r.Fields.Title = scalar(v)
		case "category":
			r.Category = scalar(v)
		case "audience":
			r.Fields.Audience = scalar(v)
		case "tags":
			r.Fields.Tags = v
		case "product_lines":
			r.Fields.ProductLines = v
		case "models":
			r.Fields.Models = v
		case "fault_codes":
			r.Fields.FaultCodes = v
		}
	}
	if r.Fields.Title == "" {
		for _, line := range strings.Split(r.Fields.Body, "\n") {
			if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
				r.Fields.Title = strings.TrimSpace(t)
				break
			}
		}
	}
	return r
}

func scalar(v []string) string { return strings.Join(v, ", ") }

// splitFrontMatter separates the front matter from the body and reads
// its keys; EINVALID naming an unknown key or a malformed line.
func splitFrontMatter(text string) (map[string][]string, string, error) {
	meta := map[string][]string{}
	if !strings.HasPrefix(text, "---\n") {
		return meta, text, nil
	}
	head, body, ok := strings.Cut(text[4:], "\n---")
	if !ok {
		return nil, "", core.FieldError("front_matter", "is not closed by a line of ---")
	}
	if i := strings.IndexByte(body, '\n'); i >= 0 {
		body = body[i+1:]
	} else {
		body = ""
	}
	last := ""
	for n, line := range strings.Split(head, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if item, ok := strings.CutPrefix(t, "- "); ok && last != "" {
			meta[last] = append(meta[last], unquote(item))
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" {
			return nil, "", core.FieldError("front_matter", "line %d is not key: value", n+2)
		}
		if !slices.Contains(frontMatterKeys, k) {
			return nil, "", core.FieldError(k, "is not a front-matter key; the keys are %s", strings.Join(frontMatterKeys, ", "))
		}
		last = k
		meta[k] = listValue(strings.TrimSpace(v))
	}
	return meta, body, nil
}

// listValue reads "[a, b]", "a, b", "a" or "" (then "- a" lines follow).
func listValue(v string) []string {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	if strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) && !strings.Contains(v[1:len(v)-1], `"`) {
		return []string{unquote(v)} // one quoted value may hold commas
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = unquote(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
