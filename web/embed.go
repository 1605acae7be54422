// Package web serves the tenant portal and the technician's phone pages: a
// single-page app built from this directory with Vite (`make web`) into
// embedded/app/, which the binary embeds. embedded/README.md is committed,
// so a Go build without the portal still compiles; the handler then says
// how to build it.
package web

import (
	"embed"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:embedded
var embedded embed.FS

// Built reports whether the binary carries a portal build.
func Built() bool {
	_, err := fs.Stat(embedded, "embedded/app/index.html")
	return err == nil
}

// Handler serves the portal from the embedded build: files as they are
// (the hashed ones under /assets/ cached for a year), and index.html for
// every other path, which the app's router resolves. Without a build every
// path answers with a page saying how to build the portal.
func Handler() http.Handler {
	if !Built() {
		return http.HandlerFunc(notBuilt)
	}
	root, err := fs.Sub(embedded, "embedded/app")
	if err != nil {
		panic("web: " + err.Error())
	}
	return handler(root)
}

// handler serves a build rooted at root.
func handler(root fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "docs" {
			name = "docs/index.html"
		}
		if st, err := fs.Stat(root, name); err == nil && !st.IsDir() && name != "index.html" {
			if strings.HasPrefix(name, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			serveFile(w, r, root, name)
			return
		}
		if (path.Ext(name) != "" && name != "index.html") || strings.HasPrefix(name, "assets/") {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		// An app route: the app's shell, never cached, so a new release
		// is picked up at the next navigation.
		w.Header().Set("Cache-Control", "no-cache")
		serveFile(w, r, root, "index.html")
	})
}

// serveFile writes one file of the build, with its type, length and
// conditional-request handling (http.ServeContent), under the portal's
// policy.
func serveFile(w http.ResponseWriter, r *http.Request, root fs.FS, name string) {
	f, err := root.Open(name)
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	content, seekable := f.(io.ReadSeeker)
	if err != nil || !seekable {
		http.Error(w, "unreadable file", http.StatusInternalServerError)
		return
	}
	setPolicy(w)
	http.ServeContent(w, r, name, st.ModTime(), content)
}

// setPolicy limits what the portal's pages may load and who may frame
// them: everything from this origin; images also from data: and blob:
// (signatures, camera frames); fonts also from data: (Vant's icon font is
// inlined in its CSS); inline styles, which the component kits set.
func setPolicy(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "+
		"style-src 'self' 'unsafe-inline'; connect-src 'self'; worker-src 'self' blob:; "+
		"frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	w.Header().Set("Referrer-Policy", "same-origin")
}

const notBuiltPage = `<!doctype html><meta charset="utf-8"><title>aftersales</title>
<h1>The portal is not built into this binary</h1>
<p>Build it with <code>make web</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then rebuild the binary
(<code>make build</code> does both). The API is served at <a href="/v1/me">/v1</a>, its description at
<a href="/openapi.json">/openapi.json</a>.</p>
<p>门户未构建:运行 <code>make web</code> 后重新构建程序(<code>make build</code> 两步都做)。</p>
`

func notBuilt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(notBuiltPage))
}
