package kb

import (
	"bytes"
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	// sanitizer keeps what Markdown makes (headings, lists, tables, links,
	// images, code) and drops scripts, event handlers, javascript: URLs,
	// styles and frames, whatever raw HTML the Markdown carries.
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireNoFollowOnLinks(true)
		return p
	}()
	textOnly = bluemonday.StrictPolicy()
)

// Render turns Markdown into sanitised HTML and the plain text that is
// indexed and snippeted. goldmark escapes raw HTML unless told otherwise
// (it is not), and bluemonday then enforces an allow-list, so a payload
// that gets past one still meets the other.
func Render(md string) (htmlOut, text string) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark writes to a buffer and fails only on write errors.
		buf.Reset()
		buf.WriteString(html.EscapeString(md))
	}
	htmlOut = sanitizer.Sanitize(buf.String())
	text = html.UnescapeString(textOnly.Sanitize(strings.ReplaceAll(htmlOut, "<", " <")))
	return htmlOut, strings.Join(strings.Fields(text), " ")
}
