package api_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aftersales/aftersales/api"
)

// TestOpenAPISpecIsCurrent fails when openapi/openapi.yaml drifts from the
// registered operations: run `make generate`.
func TestOpenAPISpecIsCurrent(t *testing.T) {
	t.Parallel()
	want, err := api.New(api.Deps{}).API().OpenAPI().YAML()
	require.NoError(t, err)
	got, err := os.ReadFile("../openapi/openapi.yaml")
	require.NoError(t, err, "openapi/openapi.yaml missing: run make generate")
	if string(want) == string(got) {
		return
	}
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			t.Fatalf("openapi/openapi.yaml is stale (run make generate): line %d is %q, the code says %q", i+1, g[i], w[i])
		}
	}
	t.Fatalf("openapi/openapi.yaml is stale (run make generate): %d lines, the code gives %d", len(g), len(w))
}
