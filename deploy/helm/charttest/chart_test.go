package charttest

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	release "helm.sh/helm/v4/pkg/release/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// scaled is a production-like values set: the chart's own Secret, the
// PgBouncer pooler, the API's autoscaler and explicit memory limits.
func scaled() map[string]any {
	return map[string]any{
		"image": map[string]any{"repository": "registry.example.com/aftersales", "tag": "v1.2.3"},
		"secret": map[string]any{
			"create":             true,
			"databaseUrl":        "postgres://aftersales:pw@prod-aftersales-pgbouncer:6432/aftersales",
			"databaseSessionUrl": "postgres://aftersales:pw@db.internal:5432/aftersales?sslmode=require",
			"redisUrl":           "rediss://:pw@redis.internal:6380/0",
			"pluginSecretKey":    "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
			"pgbouncerUserlist":  `"aftersales" "SCRAM-SHA-256$4096:c2FsdA==$a:b"`,
		},
		"memoryLimitPercent": 80,
		"api": map[string]any{
			"autoscaling": map[string]any{"enabled": true, "minReplicas": 3, "maxReplicas": 12, "targetCPUUtilizationPercentage": 60},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "500m", "memory": "512Mi"},
				"limits":   map[string]any{"memory": "1Gi"},
			},
		},
		"worker": map[string]any{
			"replicas":  2,
			"resources": map[string]any{"limits": map[string]any{"memory": "2G"}},
		},
		"pgbouncer": map[string]any{"enabled": true, "upstreamHost": "db.internal", "maxPreparedStatements": 200},
	}
}

// The default values: API and worker Deployments, the Service, the
// migration job as a pre-install/pre-upgrade hook, the disruption budgets;
// no autoscaler and no pooler.
func TestChartDefaults(t *testing.T) {
	r := render(t, nil)
	want := []string{
		"Deployment/prod-aftersales-api", "Deployment/prod-aftersales-worker", "Job/prod-aftersales-migrate",
		"PodDisruptionBudget/prod-aftersales-api", "PodDisruptionBudget/prod-aftersales-worker", "Service/prod-aftersales",
	}
	if got := keys(r.objects); !slices.Equal(got, want) {
		t.Fatalf("objects %v, want %v", got, want)
	}
	api := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-api")
	if api.Spec.Replicas == nil || *api.Spec.Replicas != 2 {
		t.Errorf("API replicas %v, want 2", api.Spec.Replicas)
	}
	checkDeployments(t, r, 75)
	checkMigrationJob(t, r, "DATABASE_URL", 75)
	// Without the pooler the session URL is optional: the binary then uses
	// DATABASE_URL for everything.
	c := container(t, api.Spec.Template.Spec, "api")
	if e, _ := envVar(c, "DATABASE_SESSION_URL"); e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil ||
		e.ValueFrom.SecretKeyRef.Optional == nil || !*e.ValueFrom.SecretKeyRef.Optional {
		t.Errorf("DATABASE_SESSION_URL %+v: want an optional secret reference", e)
	}
	if e, ok := envVar(c, "DATABASE_POOLER"); ok {
		t.Errorf("without the pooler DATABASE_POOLER must stay unset (none), got %+v", e)
	}
	pdb := get[*policyv1.PodDisruptionBudget](t, r, "PodDisruptionBudget/prod-aftersales-api")
	if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
		t.Errorf("API disruption budget %+v, want minAvailable 1", pdb.Spec)
	}
	checkSelects(t, pdb.Spec.Selector.MatchLabels, api.Spec.Template.Labels, "API budget")
	wpdb := get[*policyv1.PodDisruptionBudget](t, r, "PodDisruptionBudget/prod-aftersales-worker")
	worker := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-worker")
	checkSelects(t, wpdb.Spec.Selector.MatchLabels, worker.Spec.Template.Labels, "worker budget")
	if !strings.Contains(r.notes, "platform-admin create") {
		t.Errorf("NOTES.txt does not say how to create an admin:\n%s", r.notes)
	}
}

// PgBouncer, the autoscaler, the chart's Secret and memory limits together.
func TestChartScaled(t *testing.T) {
	r := render(t, scaled())
	for _, key := range []string{"HorizontalPodAutoscaler/prod-aftersales-api", "Deployment/prod-aftersales-pgbouncer",
		"Service/prod-aftersales-pgbouncer", "ConfigMap/prod-aftersales-pgbouncer", "PodDisruptionBudget/prod-aftersales-pgbouncer",
		"Secret/aftersales-backing"} {
		if _, ok := r.objects[key]; !ok {
			t.Errorf("%s not rendered; have %v", key, keys(r.objects))
		}
	}
	checkDeployments(t, r, 80)
	api := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-api")
	if api.Spec.Replicas != nil {
		t.Errorf("API replicas %d with the autoscaler: the autoscaler owns them", *api.Spec.Replicas)
	}
	hpa := get[*autoscalingv2.HorizontalPodAutoscaler](t, r, "HorizontalPodAutoscaler/prod-aftersales-api")
	if ref := hpa.Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != api.Name || ref.APIVersion != "apps/v1" {
		t.Errorf("autoscaler targets %+v, want the API Deployment", ref)
	}
	if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas != 3 || hpa.Spec.MaxReplicas != 12 {
		t.Errorf("autoscaler bounds %v-%d, want 3-12", hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
	}
	if len(hpa.Spec.Metrics) != 1 || hpa.Spec.Metrics[0].Resource == nil || hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU ||
		hpa.Spec.Metrics[0].Resource.Target.AverageUtilization == nil || *hpa.Spec.Metrics[0].Resource.Target.AverageUtilization != 60 {
		t.Errorf("autoscaler metrics %+v, want CPU at 60%%", hpa.Spec.Metrics)
	}
	if _, ok := container(t, api.Spec.Template.Spec, "api").Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Error("the autoscaled API has no CPU request to measure utilisation against")
	}

	// The pooler: transaction pooling in front of the configured server;
	// the applications reach PostgreSQL directly for the session work, and
	// so does the migration job.
	cm := get[*corev1.ConfigMap](t, r, "ConfigMap/prod-aftersales-pgbouncer")
	ini := cm.Data["pgbouncer.ini"]
	for _, line := range []string{"* = host=db.internal port=5432", "pool_mode = transaction", "listen_port = 6432",
		"auth_file = /etc/pgbouncer/userlist/userlist.txt", "max_prepared_statements = 200",
		"server_login_retry = 1", "server_connect_timeout = 3"} {
		if !strings.Contains(ini, line+"\n") {
			t.Errorf("pgbouncer.ini lacks %q:\n%s", line, ini)
		}
	}
	pgb := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-pgbouncer")
	pc := container(t, pgb.Spec.Template.Spec, "pgbouncer")
	if pc.Image != "registry.example.com/aftersales:v1.2.3" || !slices.Equal(pc.Command, []string{"pgbouncer"}) {
		t.Errorf("pgbouncer container runs %s %v, want pgbouncer of the aftersales image", pc.Image, pc.Command)
	}
	svc := get[*corev1.Service](t, r, "Service/prod-aftersales-pgbouncer")
	checkSelects(t, svc.Spec.Selector, pgb.Spec.Template.Labels, "pooler service")
	mounts := map[string]string{}
	for _, m := range pc.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	if mounts["config"] != "/etc/pgbouncer/pgbouncer.ini" || mounts["userlist"] != "/etc/pgbouncer/userlist" {
		t.Errorf("pgbouncer mounts %v", mounts)
	}
	for _, role := range []string{"api", "worker"} {
		d := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-"+role)
		e, _ := envVar(container(t, d.Spec.Template.Spec, role), "DATABASE_SESSION_URL")
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Key != "DATABASE_SESSION_URL" ||
			(e.ValueFrom.SecretKeyRef.Optional != nil && *e.ValueFrom.SecretKeyRef.Optional) {
			t.Errorf("%s: DATABASE_SESSION_URL %+v, want a required secret reference behind the pooler", role, e)
		}
		if p, _ := envVar(container(t, d.Spec.Template.Spec, role), "DATABASE_POOLER"); p.Value != "transaction" {
			t.Errorf("%s: DATABASE_POOLER %+v, want transaction behind PgBouncer (the binary then keeps every setting in the transaction)", role, p)
		}
	}
	checkMigrationJob(t, r, "DATABASE_SESSION_URL", 80)

	// The chart's Secret is a hook created before the migration job reads it.
	sec := get[*corev1.Secret](t, r, "Secret/aftersales-backing")
	for _, k := range []string{"DATABASE_URL", "DATABASE_SESSION_URL", "REDIS_URL", "PLUGIN_SECRET_KEY", "PGBOUNCER_USERLIST"} {
		if sec.StringData[k] == "" {
			t.Errorf("the Secret lacks %s", k)
		}
	}
	sh, jh := r.hooks["Secret/aftersales-backing"], r.hooks["Job/prod-aftersales-migrate"]
	if sh == nil || jh == nil || sh.Weight >= jh.Weight || !slices.Contains(sh.Events, release.HookPreInstall) {
		t.Errorf("secret hook %+v, job hook %+v: the Secret must be a pre-install hook of lower weight than the job", sh, jh)
	}
}

// checkDeployments checks what both sets of values share: probes on paths
// the binary serves, memory limits wired to GOMEMLIMIT, the secrets.
func checkDeployments(t *testing.T, r rendered, percent int64) {
	t.Helper()
	served := routes(t)
	api := get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-api")
	c := container(t, api.Spec.Template.Spec, "api")
	probes := map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe}
	wantPath := map[string]string{"liveness": "/healthz", "readiness": "/readyz", "startup": "/healthz"}
	for kind, p := range probes {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("API %s probe %+v: want an HTTP probe", kind, p)
			continue
		}
		if p.HTTPGet.Path != wantPath[kind] || !served[p.HTTPGet.Path] {
			t.Errorf("API %s probe on %s: want %s, served by api/api.go", kind, p.HTTPGet.Path, wantPath[kind])
		}
		if p.HTTPGet.Port.String() != "http" || len(c.Ports) != 1 || c.Ports[0].Name != "http" {
			t.Errorf("API %s probe on port %s, container ports %+v", kind, p.HTTPGet.Port.String(), c.Ports)
		}
	}
	if e, _ := envVar(c, "ROLE"); e.Value != "api" {
		t.Errorf("API ROLE %q", e.Value)
	}
	w := container(t, get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-worker").Spec.Template.Spec, "worker")
	if e, _ := envVar(w, "ROLE"); e.Value != "worker" {
		t.Errorf("worker ROLE %q", e.Value)
	}
	for _, c := range []corev1.Container{c, w} {
		checkMemoryLimit(t, c, percent)
		for _, name := range []string{"DATABASE_URL", "REDIS_URL", "PLUGIN_SECRET_KEY"} {
			e, ok := envVar(c, name)
			if !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "aftersales-backing" ||
				(e.ValueFrom.SecretKeyRef.Optional != nil && *e.ValueFrom.SecretKeyRef.Optional) {
				t.Errorf("%s: %s %+v, want a required reference to the Secret", c.Name, name, e)
			}
		}
	}
}

// checkMemoryLimit: GOMEMLIMIT is percent of the container's memory limit,
// in bytes, as the Go runtime reads it.
func checkMemoryLimit(t *testing.T, c corev1.Container, percent int64) {
	t.Helper()
	limit, ok := c.Resources.Limits[corev1.ResourceMemory]
	if !ok {
		t.Errorf("%s has no memory limit", c.Name)
		return
	}
	e, _ := envVar(c, "GOMEMLIMIT")
	got, err := strconv.ParseInt(e.Value, 10, 64)
	if want := limit.Value() * percent / 100; err != nil || got != want {
		t.Errorf("%s: GOMEMLIMIT %q with a %s limit, want %d (%d%%)", c.Name, e.Value, limit.String(), want, percent)
	}
}

// checkMigrationJob: `aftersales migrate` as a pre-install and
// pre-upgrade hook, on the given secret key as its DATABASE_URL.
func checkMigrationJob(t *testing.T, r rendered, dbKey string, percent int64) {
	t.Helper()
	job := get[*batchv1.Job](t, r, "Job/prod-aftersales-migrate")
	h := r.hooks["Job/prod-aftersales-migrate"]
	if h == nil {
		t.Fatal("the migration job is not a hook")
	}
	if !slices.Contains(h.Events, release.HookPreInstall) || !slices.Contains(h.Events, release.HookPreUpgrade) {
		t.Errorf("migration hook events %v, want pre-install and pre-upgrade", h.Events)
	}
	if !slices.Contains(h.DeletePolicies, release.HookBeforeHookCreation) {
		t.Errorf("migration hook delete policies %v: a failed job would block the next upgrade", h.DeletePolicies)
	}
	spec := job.Spec.Template.Spec
	if spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("migration restart policy %q", spec.RestartPolicy)
	}
	c := container(t, spec, "migrate")
	if !slices.Equal(c.Args, []string{"migrate"}) {
		t.Errorf("migration job runs %v", c.Args)
	}
	if e, _ := envVar(c, "DATABASE_URL"); e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Key != dbKey {
		t.Errorf("migration DATABASE_URL %+v, want the Secret's %s", e, dbKey)
	}
	checkMemoryLimit(t, c, percent)
}

func checkSelects(t *testing.T, selector, podLabels map[string]string, what string) {
	t.Helper()
	if len(selector) == 0 {
		t.Errorf("%s selects everything", what)
	}
	for k, v := range selector {
		if podLabels[k] != v {
			t.Errorf("%s selects %s=%s, the pods have %q", what, k, v, podLabels[k])
		}
	}
}

// Memory limits in every quantity form Kubernetes accepts become the same
// GOMEMLIMIT Kubernetes' own parser gives; a role's goMemLimit wins; a
// quantity the chart cannot read fails the render, not the pod.
func TestChartMemoryLimitQuantities(t *testing.T) {
	for _, q := range []any{"512Mi", "1Gi", "1536Mi", "1.5Gi", "2G", "700M", "900000k", 536870912} {
		vals := map[string]any{"api": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": q}}}}
		r := render(t, vals)
		c := container(t, get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-api").Spec.Template.Spec, "api")
		e, _ := envVar(c, "GOMEMLIMIT")
		want := resource.MustParse(toString(q))
		if e.Value != strconv.FormatInt(want.Value()*75/100, 10) {
			t.Errorf("limit %v: GOMEMLIMIT %q, want %d", q, e.Value, want.Value()*75/100)
		}
	}
	r := render(t, map[string]any{"worker": map[string]any{"goMemLimit": "300MiB"}})
	w := container(t, get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-worker").Spec.Template.Spec, "worker")
	if e, _ := envVar(w, "GOMEMLIMIT"); e.Value != "300MiB" {
		t.Errorf("worker goMemLimit 300MiB gave GOMEMLIMIT %q", e.Value)
	}
	// No limit: no GOMEMLIMIT (the binary falls back to the cgroup's).
	r = render(t, map[string]any{"api": map[string]any{"resources": map[string]any{"limits": nil}}})
	if e, ok := envVar(container(t, get[*appsv1.Deployment](t, r, "Deployment/prod-aftersales-api").Spec.Template.Spec, "api"), "GOMEMLIMIT"); ok {
		t.Errorf("no memory limit, GOMEMLIMIT %+v", e)
	}
	for _, bad := range []struct {
		vals map[string]any
		err  string
	}{
		{map[string]any{"api": map[string]any{"resources": map[string]any{"limits": map[string]any{"memory": "512mb"}}}}, "want a quantity"},
		{map[string]any{"memoryLimitPercent": 150}, "memoryLimitPercent must be 10-100"},
		{map[string]any{"api": map[string]any{"autoscaling": map[string]any{"enabled": true}, "resources": map[string]any{"requests": nil}}}, "needs api.resources.requests.cpu"},
		{map[string]any{"pgbouncer": map[string]any{"enabled": true}}, "needs pgbouncer.upstreamHost"},
		{map[string]any{"secret": map[string]any{"create": true, "databaseUrl": "postgres://x", "redisUrl": "redis://y"}}, "secret.pluginSecretKey"},
	} {
		if _, err := renderErr(bad.vals); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("values %v: error %v, want one saying %q", bad.vals, err, bad.err)
		}
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	panic(v)
}

// helm lint: no errors or warnings with either set of values.
func TestChartLint(t *testing.T) {
	for name, vals := range map[string]map[string]any{"defaults": nil, "scaled": scaled()} {
		l := lint.RunAll(chartDir, vals, "aftersales")
		for _, m := range l.Messages {
			if m.Severity >= support.WarningSev {
				t.Errorf("%s: %s", name, m)
			}
		}
	}
}
