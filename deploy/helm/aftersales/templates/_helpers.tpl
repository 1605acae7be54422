{{/* Chart name, truncated to the 63 characters Kubernetes allows. */}}
{{- define "aftersales.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "aftersales.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aftersales.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "aftersales.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one role; call with (dict "ctx" $ "component" "api"). */}}
{{- define "aftersales.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aftersales.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "aftersales.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Environment shared by both roles: the backing services and secrets from the Secret. */}}
{{- define "aftersales.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.databaseUrlKey }}
- name: DATABASE_SESSION_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.databaseSessionUrlKey }}
      {{- if not .Values.pgbouncer.enabled }}
      optional: true
      {{- end }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.redisUrlKey }}
- name: PLUGIN_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.pluginSecretKeyKey }}
- name: SMS_GATEWAY_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.smsGatewaySecretKey }}
      optional: true
- name: KANNEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secret.name }}
      key: {{ .Values.secret.kannelPasswordKey }}
      optional: true
{{ include "aftersales.baseEnv" . }}
{{- end -}}

{{/* Environment of every aftersales container, the migration job's too. */}}
{{- define "aftersales.baseEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: DATA_DIR
  value: /var/lib/aftersales
{{- with .Values.publicUrl }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The Go memory limit of a container, for GOMEMLIMIT: the role's goMemLimit
when set, else memoryLimitPercent of its resources.limits.memory in bytes
(a Kubernetes quantity: 512Mi, 1Gi, 1G, 536870912), else empty. Call with
(dict "ctx" $ "role" .Values.api).
*/}}
{{- define "aftersales.goMemLimit" -}}
{{- $role := .role -}}
{{- if $role.goMemLimit -}}
{{- $role.goMemLimit -}}
{{- else -}}
{{- $limit := dig "limits" "memory" "" ($role.resources | default dict) -}}
{{- if $limit -}}
{{- if not (kindIs "string" $limit) -}}
{{- $limit = printf "%d" (int64 $limit) -}}
{{- end -}}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?([KMGTPE]i|[kMGTPE])?$" $limit) -}}
{{- fail (printf "resources.limits.memory %q: want a quantity such as 512Mi, 1Gi or 1G" $limit) -}}
{{- end -}}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" $limit -}}
{{- $unit := trimPrefix $num $limit -}}
{{- $factors := dict "" 1 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "P" 1000000000000000 "E" 1000000000000000000 -}}
{{- $percent := .ctx.Values.memoryLimitPercent | int -}}
{{- if or (lt $percent 10) (gt $percent 100) -}}
{{- fail (printf "memoryLimitPercent must be 10-100, not %v" .ctx.Values.memoryLimitPercent) -}}
{{- end -}}
{{- printf "%d" (divf (mulf (float64 $num) (get $factors $unit) $percent) 100 | floor | int64) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The env entry GOMEMLIMIT of a role, or nothing. Call as aftersales.goMemLimit. */}}
{{- define "aftersales.goMemLimitEnv" -}}
{{- with include "aftersales.goMemLimit" . }}
- name: GOMEMLIMIT
  value: {{ . | quote }}
{{- end }}
{{- end -}}
