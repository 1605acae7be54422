package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestHandlerServesTheBuildAndTheAppsRoutes(t *testing.T) {
	build := fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><div id=app></div>")},
		"assets/index-abc123.js": {Data: []byte("console.log(1)")},
		"favicon.svg":            {Data: []byte("<svg/>")},
		"docs/index.html":        {Data: []byte("<!doctype html>docs")},
		"docs/start.js":          {Data: []byte("start()")},
	}
	h := handler(build)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}

	for _, path := range []string{"/", "/orders", "/m/orders/42", "/index.html"} {
		r := get(path)
		require.Equal(t, http.StatusOK, r.Code, path)
		require.Contains(t, r.Body.String(), "<div id=app>", "%s is the app's shell", path)
		require.Equal(t, "no-cache", r.Header().Get("Cache-Control"), "%s: a new release is seen at once", path)
		require.Contains(t, r.Header().Get("Content-Security-Policy"), "default-src 'self'")
		require.Contains(t, r.Header().Get("Content-Security-Policy"), "font-src 'self' data:", "Vant's icons are an inlined font")
	}

	js := get("/assets/index-abc123.js")
	require.Equal(t, http.StatusOK, js.Code)
	require.Equal(t, "console.log(1)", js.Body.String())
	require.Contains(t, js.Header().Get("Cache-Control"), "immutable", "hashed assets are cached for good")
	require.Contains(t, js.Header().Get("Content-Type"), "javascript")

	require.Equal(t, http.StatusNotFound, get("/assets/gone-123.js").Code, "a missing asset is not the app's shell")
	require.Equal(t, http.StatusNotFound, get("/robots.txt").Code)

	for _, path := range []string{"/docs", "/docs/"} {
		r := get(path)
		require.Equal(t, http.StatusOK, r.Code, path)
		require.Contains(t, r.Body.String(), "docs", path)
	}
	require.Equal(t, "start()", get("/docs/start.js").Body.String())
}

func TestHandlerWithoutABuildSaysHowToBuild(t *testing.T) {
	rec := httptest.NewRecorder()
	notBuilt(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), "make web")
	require.Contains(t, rec.Header().Get("Content-Type"), "text/html")
}
