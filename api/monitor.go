package api

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/aftersales/aftersales/core"
)

// MonitorPath is where the job monitor (asynqmon) is mounted.
const MonitorPath = "/monitor"

// monitorCookie carries a platform-admin token for the job monitor, whose
// browser UI cannot send an Authorization header.
const monitorCookie = "aftersales_monitor"

// mountMonitor serves the job monitor to platform admins only: with a
// platform token as bearer token or in the monitor cookie, which the login
// form at MonitorPath/login sets.
func (s *Server) mountMonitor(h http.Handler) {
	s.mux.HandleFunc("GET "+MonitorPath+"/login", func(w http.ResponseWriter, r *http.Request) {
		s.monitorLoginPage(w, "")
	})
	s.mux.HandleFunc("POST "+MonitorPath+"/login", s.monitorLogin)
	s.mux.Handle(MonitorPath+"/", s.platformOnly(h))
}

// platformOnly lets requests with a valid platform-admin token through;
// others get 401 (a browser asking for a page is sent to the login form).
func (s *Server) platformOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			if c, err := r.Cookie(monitorCookie); err == nil {
				raw = c.Value
			}
		}
		if s.isPlatformToken(r, raw) {
			h.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, MonitorPath+"/login", http.StatusSeeOther)
			return
		}
		writeProblem(w, r, http.StatusUnauthorized, "the job monitor needs a platform-admin token")
	})
}

// platformBearer lets requests with a platform-admin bearer token through
// (a Prometheus scrape job sends one); others get a 401 problem.
func (s *Server) platformBearer(h http.Handler, what string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !s.isPlatformToken(r, raw) {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeProblem(w, r, http.StatusUnauthorized, what+" needs a platform-admin bearer token")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) isPlatformToken(r *http.Request, raw string) bool {
	tok, err := core.ParseToken(strings.TrimSpace(raw))
	if err != nil || tok.Kind != core.PrincipalPlatform {
		return false
	}
	_, err = s.deps.Platform.AuthenticatePlatform(r.Context(), tok)
	return err == nil
}

func (s *Server) monitorLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := strings.TrimSpace(r.PostFormValue("token"))
	if !s.isPlatformToken(r, token) {
		w.WriteHeader(http.StatusUnauthorized)
		s.monitorLoginPage(w, "无效的平台管理员令牌 / Invalid platform-admin token")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: monitorCookie, Value: token, Path: MonitorPath, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 8 * 3600})
	http.Redirect(w, r, MonitorPath+"/", http.StatusSeeOther)
}

var monitorLoginTpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>任务监控 · Job monitor</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:4rem auto}input{width:100%;padding:.4rem;margin:.5rem 0}</style>
</head><body>
<h1>任务监控 <small>Job monitor</small></h1>
<p>仅限平台管理员。请输入平台管理员令牌。<br>Platform admins only. Enter a platform-admin token.</p>
{{if .}}<p role="alert" style="color:#b00">{{.}}</p>{{end}}
<form method="post" action="login">
<label>令牌 / Token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">进入 / Open</button>
</form></body></html>`))

func (s *Server) monitorLoginPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = monitorLoginTpl.Execute(w, msg)
}
