//go:build linux

package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkJobMonitor: the Asynq monitor is served to platform admins only,
// by bearer token or through its login form's cookie.
func checkJobMonitor(t *testing.T, c *client, platformToken, tenantToken string) {
	t.Helper()
	c.expectProblem(http.StatusUnauthorized, "GET", "/monitor/api/queues", "", nil)
	c.expectProblem(http.StatusUnauthorized, "GET", "/monitor/api/queues", tenantToken, nil)
	var queues struct {
		Queues []struct {
			Queue string `json:"queue"`
		} `json:"queues"`
	}
	require.NoError(t, json.Unmarshal(c.expect(http.StatusOK, "GET", "/monitor/api/queues", platformToken, nil).Body, &queues))

	// A browser without the cookie is sent to the login form; a wrong token
	// is refused there; the right one opens the monitor.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequest("GET", c.base+"/monitor/", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	res, err := noRedirect.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/monitor/login", res.Header.Get("Location"))

	res, err = noRedirect.PostForm(c.base+"/monitor/login", url.Values{"token": {tenantToken}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	require.Empty(t, res.Cookies())

	res, err = noRedirect.PostForm(c.base+"/monitor/login", url.Values{"token": {platformToken}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	cookies := res.Cookies()
	require.Len(t, cookies, 1)
	require.True(t, cookies[0].HttpOnly)

	req, err = http.NewRequest("GET", c.base+"/monitor/", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(cookies[0])
	res, err = noRedirect.Do(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.Contains(strings.ToLower(string(page)), "asynq"), "the monitor's page: %.200s", page)
}
