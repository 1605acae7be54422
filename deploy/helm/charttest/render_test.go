// Package charttest renders the Helm chart in deploy/helm/aftersales with
// the Helm SDK, as `helm install --dry-run=client` would, and decodes every
// manifest strictly into the Kubernetes API types: an unknown or misplaced
// field, a wrong type or an unknown kind fails the test. It is a module of
// its own so that the main module does not carry Helm's dependencies.
package charttest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const chartDir = "../aftersales"

// rendered is a release's objects by "Kind/name", and which of them are
// Helm hooks.
type rendered struct {
	objects map[string]any
	hooks   map[string]*release.Hook
	notes   string
}

// render installs the chart in client-only dry-run mode with vals over
// values.yaml and decodes what it produced.
func render(t *testing.T, vals map[string]any) rendered {
	t.Helper()
	r, err := renderErr(vals)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func renderErr(vals map[string]any) (rendered, error) {
	ch, err := loader.Load(chartDir)
	if err != nil {
		return rendered{}, err
	}
	install := action.NewInstall(action.NewConfiguration())
	install.ReleaseName = "prod"
	install.Namespace = "aftersales"
	install.DryRunStrategy = action.DryRunClient
	rel, err := install.Run(ch, vals)
	if err != nil {
		return rendered{}, err
	}
	rv, ok := rel.(*release.Release)
	if !ok {
		return rendered{}, fmt.Errorf("release of type %T", rel)
	}
	out := rendered{objects: map[string]any{}, hooks: map[string]*release.Hook{}, notes: rv.Info.Notes}
	if err := decodeAll(rv.Manifest, out.objects); err != nil {
		return rendered{}, err
	}
	for _, h := range rv.Hooks {
		key := h.Kind + "/" + h.Name
		if err := decodeAll(h.Manifest, out.objects); err != nil {
			return rendered{}, fmt.Errorf("hook %s: %w", key, err)
		}
		out.hooks[key] = h
	}
	return out, nil
}

// decodeAll decodes a multi-document manifest into the typed objects of
// the Kubernetes API, strictly.
func decodeAll(manifest string, into map[string]any) error {
	rd := k8syaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return err
		}
		obj, err := newObject(tm)
		if err != nil {
			return err
		}
		// Strict: unknown fields and duplicate keys are errors.
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return fmt.Errorf("%s: %w\n%s", tm.Kind, err, doc)
		}
		name := obj.GetName()
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			return fmt.Errorf("%s name %q: %v", tm.Kind, name, errs)
		}
		key := tm.Kind + "/" + name
		if _, dup := into[key]; dup {
			return fmt.Errorf("%s rendered twice", key)
		}
		into[key] = obj
	}
}

// kinds are the API types the chart may render.
var kinds = map[string]func() metav1.Object{
	"apps/v1 Deployment":                     func() metav1.Object { return &appsv1.Deployment{} },
	"v1 Service":                             func() metav1.Object { return &corev1.Service{} },
	"v1 Secret":                              func() metav1.Object { return &corev1.Secret{} },
	"v1 ConfigMap":                           func() metav1.Object { return &corev1.ConfigMap{} },
	"batch/v1 Job":                           func() metav1.Object { return &batchv1.Job{} },
	"policy/v1 PodDisruptionBudget":          func() metav1.Object { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2 HorizontalPodAutoscaler": func() metav1.Object { return &autoscalingv2.HorizontalPodAutoscaler{} },
}

func newObject(tm metav1.TypeMeta) (metav1.Object, error) {
	if f, ok := kinds[tm.APIVersion+" "+tm.Kind]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("unexpected object %s %s (add it to kinds)", tm.APIVersion, tm.Kind)
}

var commentLine = regexp.MustCompile(`(?m)^\s*#.*$`)

func stripComments(doc []byte) []byte { return commentLine.ReplaceAll(doc, nil) }

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// get returns the object key of type T, failing the test when absent.
func get[T any](t *testing.T, r rendered, key string) T {
	t.Helper()
	obj, ok := r.objects[key]
	if !ok {
		t.Fatalf("%s not rendered; have %v", key, keys(r.objects))
	}
	v, ok := obj.(T)
	if !ok {
		t.Fatalf("%s is %T", key, obj)
	}
	return v
}

func container(t *testing.T, spec corev1.PodSpec, name string) corev1.Container {
	t.Helper()
	for _, c := range spec.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q", name)
	return corev1.Container{}
}

func envVar(c corev1.Container, name string) (corev1.EnvVar, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e, true
		}
	}
	return corev1.EnvVar{}, false
}

// routes are the paths the binary's router serves without a prefix
// pattern (api/api.go's registrations), read from the source.
func routes(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "api", "api.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`HandleFunc\("GET (/[^" ]*)"`).FindAllSubmatch(src, -1) {
		out[string(m[1])] = true
	}
	if len(out) == 0 {
		t.Fatal("found no GET routes in api/api.go")
	}
	return out
}
