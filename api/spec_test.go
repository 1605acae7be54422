package api_test

import (
	"os"
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
	require.Equal(t, string(want), string(got), "openapi/openapi.yaml is stale: run make generate")
}
