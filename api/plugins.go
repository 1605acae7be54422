package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

type RegisterPluginInput struct {
	Body struct {
		Name    string `json:"name" minLength:"1" maxLength:"64" example:"cti-generic"`
		Kind    string `json:"kind" enum:"cti,parts,dispatch_rules"`
		Version string `json:"version" minLength:"1" maxLength:"64" example:"1.0.0"`
		Path    string `json:"path" minLength:"1" maxLength:"1024" doc:"The binary on the server: absolute inside the plugin directory (PLUGIN_DIR), or relative to it." example:"cti-generic"`
		SHA256  string `json:"sha256" minLength:"64" maxLength:"64" doc:"Hex SHA-256 of the binary; checked now and before every launch."`
	}
}

type PluginOutput struct{ Body *core.Plugin }

type ListPluginsOutput struct {
	Body struct {
		Items []*core.Plugin `json:"items"`
	}
}

type PluginIDInput struct {
	ID uuid.UUID `path:"id"`
}

type UpdatePluginInput struct {
	ID   uuid.UUID `path:"id"`
	Body struct {
		Enabled bool `json:"enabled" doc:"A disabled plugin is not launched; its bindings act as unbound."`
	}
}

// TenantPlugin is a registry entry as a tenant admin sees it: no path.
type TenantPlugin struct {
	ID      uuid.UUID `json:"id"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Version string    `json:"version"`
}

type ListTenantPluginsOutput struct {
	Body struct {
		Items []TenantPlugin `json:"items"`
	}
}

// checkPluginBinary resolves path inside dir (symlinks followed) and checks
// that it is a regular executable file with the given SHA-256. It returns
// the resolved absolute path.
func checkPluginBinary(dir, path, sum string) (string, error) {
	if dir == "" {
		return "", core.Errorf(core.EUNPROCESSABLE, "this server has no plugin directory (PLUGIN_DIR); plugins cannot be registered")
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", core.Errorf(core.EUNPROCESSABLE, "the plugin directory is not readable")
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(path))
	if err != nil {
		return "", core.FieldError("path", "no such file")
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", core.FieldError("path", "must be inside the plugin directory")
	}
	f, err := os.Open(real)
	if err != nil {
		return "", core.FieldError("path", "cannot be read")
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o111 == 0 {
		return "", core.FieldError("path", "must be an executable regular file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", core.FieldError("path", "cannot be read")
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sum) {
		return "", core.FieldError("sha256", "does not match the file (its SHA-256 is %s)", got)
	}
	return real, nil
}

func registerPluginRoutes(api huma.API, s *Server, p PluginServices) {
	tags := []string{"Platform"}
	register(api, huma.Operation{OperationID: "register-plugin", Method: http.MethodPost, Path: "/v1/platform/plugins",
		Summary: "Register a plugin binary", Tags: tags, DefaultStatus: http.StatusCreated,
		Description: "The binary must already be on the server, inside the plugin directory, and its SHA-256 must " +
			"match (422 otherwise). The checksum is verified again before every launch, so a replaced binary is refused.",
		Errors: []int{http.StatusConflict}},
		access{Who: accessPlatform, Idempotent: true}, func(ctx context.Context, in *RegisterPluginInput) (*PluginOutput, error) {
			np := core.NewPlugin{Name: in.Body.Name, Kind: in.Body.Kind, Version: in.Body.Version, Path: in.Body.Path, SHA256: in.Body.SHA256}
			if err := np.Validate(); err != nil {
				return nil, err
			}
			real, err := checkPluginBinary(p.Dir, np.Path, np.SHA256)
			if err != nil {
				return nil, err
			}
			np.Path = real
			p, err := p.Plugins.RegisterPlugin(ctx, unitOfWork(ctx), np)
			return &PluginOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "list-plugins", Method: http.MethodGet, Path: "/v1/platform/plugins",
		Summary: "List registered plugins", Tags: tags},
		access{Who: accessPlatform}, func(ctx context.Context, _ *struct{}) (*ListPluginsOutput, error) {
			items, err := p.Plugins.FindPlugins(ctx, unitOfWork(ctx))
			out := &ListPluginsOutput{}
			out.Body.Items = items
			return out, err
		})
	register(api, huma.Operation{OperationID: "update-plugin", Method: http.MethodPatch, Path: "/v1/platform/plugins/{id}",
		Summary: "Enable or disable a plugin", Tags: tags, Errors: []int{http.StatusNotFound}},
		access{Who: accessPlatform}, func(ctx context.Context, in *UpdatePluginInput) (*PluginOutput, error) {
			p, err := p.Plugins.SetPluginEnabled(ctx, unitOfWork(ctx), in.ID, in.Body.Enabled)
			return &PluginOutput{Body: p}, err
		})
	register(api, huma.Operation{OperationID: "delete-plugin", Method: http.MethodDelete, Path: "/v1/platform/plugins/{id}",
		Summary: "Delete a plugin", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Refused with 409 while any tenant binds it; disable it instead.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict}},
		access{Who: accessPlatform}, func(ctx context.Context, in *PluginIDInput) (*struct{}, error) {
			return nil, p.Plugins.DeletePlugin(ctx, unitOfWork(ctx), in.ID)
		})
	register(api, huma.Operation{OperationID: "list-available-plugins", Method: http.MethodGet, Path: "/v1/plugins",
		Summary: "List the plugins a tenant can bind", Tags: []string{"Plugins"},
		Description: "The enabled plugins of the platform registry."},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResPlugins, Action: core.ActRead}},
		func(ctx context.Context, _ *struct{}) (*ListTenantPluginsOutput, error) {
			available, err := p.Plugins.FindAvailablePlugins(ctx, unitOfWork(ctx))
			out := &ListTenantPluginsOutput{}
			out.Body.Items = []TenantPlugin{}
			for _, p := range available {
				out.Body.Items = append(out.Body.Items, TenantPlugin{ID: p.ID, Name: p.Name, Kind: p.Kind, Version: p.Version})
			}
			return out, err
		})
}
