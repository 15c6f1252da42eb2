{{/* Name of a component's objects: <release>-<chart>-<component>, cut to the 63 characters Kubernetes allows. */}}
{{- define "sluice.fullname" -}}
{{- $base := .root.Release.Name -}}
{{- if not (contains .root.Chart.Name $base) -}}
{{- $base = printf "%s-%s" $base .root.Chart.Name -}}
{{- end -}}
{{- printf "%s-%s" $base .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sluice.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sluice.labels" -}}
{{ include "sluice.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "sluice.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s%s:%s" .root.Values.image.registry .values.image.repository $tag -}}
{{- end -}}

{{/* The settings every chart needs and cannot default: checked once, at render time. */}}
{{- define "sluice.validate" -}}
{{- if not .Values.redis.host -}}
{{- fail "redis.host is required: Sluice keeps its record cache and message bus in Redis" -}}
{{- end -}}
{{- if not .Values.kafka.bootstrapServers -}}
{{- fail "kafka.bootstrapServers is required: the storage queue is a Kafka topic" -}}
{{- end -}}
{{- if not (has .Values.store.type (list "mongodb" "postgres")) -}}
{{- fail (printf "store.type must be mongodb or postgres, was %q" .Values.store.type) -}}
{{- end -}}
{{- if and (eq .Values.store.type "mongodb") (not .Values.store.mongodb.uri) (not .Values.store.mongodb.existingSecret) -}}
{{- fail "store.type=mongodb needs store.mongodb.uri or store.mongodb.existingSecret (a Secret holding the connection string)" -}}
{{- end -}}
{{- if eq .Values.store.type "postgres" -}}
{{- if not .Values.store.postgres.url -}}
{{- fail "store.postgres.url is required with store.type=postgres, such as r2dbc:postgresql://postgres:5432/sluice" -}}
{{- end -}}
{{- if not .Values.store.postgres.existingSecret -}}
{{- fail "store.postgres.existingSecret is required with store.type=postgres: a Secret holding the password" -}}
{{- end -}}
{{- end -}}
{{- if lt (int .Values.recordService.replicas) 1 -}}
{{- fail "recordService.replicas must be at least 1: gateways need a record service to send records to" -}}
{{- end -}}
{{- $users := .Values.gateway.auth.usersFile -}}
{{- if and $users.existingSecret $users.existingConfigMap -}}
{{- fail "gateway.auth.usersFile: set existingSecret or existingConfigMap, not both" -}}
{{- end -}}
{{- if and (has "file" (splitList "," (nospace .Values.gateway.auth.type))) (not $users.existingSecret) (not $users.existingConfigMap) -}}
{{- fail "gateway.auth.type includes file: gateway.auth.usersFile.existingSecret or existingConfigMap must hold the users file" -}}
{{- end -}}
{{- $permission := .Values.gateway.permission -}}
{{- if and $permission.existingSecret $permission.existingConfigMap -}}
{{- fail "gateway.permission: set existingSecret or existingConfigMap, not both" -}}
{{- end -}}
{{- if and (eq $permission.type "config") (not $permission.existingSecret) (not $permission.existingConfigMap) -}}
{{- fail "gateway.permission.type=config: gateway.permission.existingConfigMap or existingSecret must hold the permission file" -}}
{{- end -}}
{{- range $name := list "gateway" "recordService" -}}
{{- $component := index $.Values $name -}}
{{- if and $component.autoscaling.enabled (not (dig "requests" "cpu" "" $component.resources)) -}}
{{- fail (printf "%s.autoscaling scales on CPU in percent of the request: set %s.resources.requests.cpu" $name $name) -}}
{{- end -}}
{{- if and $component.autoscaling.enabled (gt (int $component.autoscaling.minReplicas) (int $component.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas (%d) is above maxReplicas (%d)" $name (int $component.autoscaling.minReplicas) (int $component.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Connection settings, as Spring Boot's own properties in environment form. */}}
{{- define "sluice.redisEnv" -}}
- name: SPRING_DATA_REDIS_HOST
  value: {{ .Values.redis.host | quote }}
- name: SPRING_DATA_REDIS_PORT
  value: {{ .Values.redis.port | quote }}
{{- if .Values.redis.existingSecret }}
- name: SPRING_DATA_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.passwordKey }}
{{- end }}
{{- end -}}

{{- define "sluice.kafkaEnv" -}}
- name: SPRING_KAFKA_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
{{- end -}}

{{- define "sluice.storeEnv" -}}
{{- if and (eq .Values.store.type "mongodb") (not .Values.store.mongodb.existingSecret) }}
- name: SPRING_MONGODB_URI
  value: {{ .Values.store.mongodb.uri | quote }}
{{- else if eq .Values.store.type "mongodb" }}
- name: SPRING_MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ .Values.store.mongodb.existingSecret }}
      key: {{ .Values.store.mongodb.uriKey }}
{{- else }}
- name: SPRING_R2DBC_URL
  value: {{ .Values.store.postgres.url | quote }}
- name: SPRING_R2DBC_USERNAME
  value: {{ .Values.store.postgres.username | quote }}
- name: SPRING_R2DBC_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.store.postgres.existingSecret }}
      key: {{ .Values.store.postgres.passwordKey }}
{{- end }}
{{- end -}}

{{/* Names this node on the bus after its pod, and passes the JVM options when they replace the image's. */}}
{{- define "sluice.podEnv" -}}
- name: SLUICE_NODE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- with .values.javaOpts }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- with .values.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Liveness and readiness from Spring Boot's probe groups (readiness includes the connectors' health). */}}
{{- define "sluice.probes" -}}
{{- $scheme := ternary "HTTPS" "HTTP" (and (eq .component "gateway") (ne .root.Values.gateway.tls.existingSecret "")) -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
    scheme: {{ $scheme }}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
    scheme: {{ $scheme }}
  periodSeconds: 10
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: http
    scheme: {{ $scheme }}
  periodSeconds: 5
{{- end -}}

{{- define "sluice.scheduling" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Pod-level security, every component. */}}
{{- define "sluice.podSecurityContext" -}}
{{- with .root.Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container-level security and the writable /tmp (Netty's native libraries and Spring Boot's temporary files). */}}
{{- define "sluice.containerSecurityContext" -}}
{{- with .root.Values.containerSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The SSL bundle "records" from the records API's Secret, for the record services and the gateways. */}}
{{- define "sluice.recordsTlsEnv" -}}
{{- if .Values.recordService.apiTls.existingSecret -}}
- name: SPRING_SSL_BUNDLE_PEM_RECORDS_KEYSTORE_CERTIFICATE
  value: file:/etc/sluice/records-tls/tls.crt
- name: SPRING_SSL_BUNDLE_PEM_RECORDS_KEYSTORE_PRIVATEKEY
  value: file:/etc/sluice/records-tls/tls.key
- name: SPRING_SSL_BUNDLE_PEM_RECORDS_TRUSTSTORE_CERTIFICATE
  value: file:/etc/sluice/records-tls/ca.crt
{{- end -}}
{{- end -}}

{{- define "sluice.recordsTlsVolumeMount" -}}
{{- if .Values.recordService.apiTls.existingSecret -}}
- name: records-tls
  mountPath: /etc/sluice/records-tls
  readOnly: true
{{- end -}}
{{- end -}}

{{- define "sluice.recordsTlsVolume" -}}
{{- if .Values.recordService.apiTls.existingSecret -}}
- name: records-tls
  secret:
    secretName: {{ .Values.recordService.apiTls.existingSecret }}
{{- end -}}
{{- end -}}

{{- define "sluice.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "sluice.tmpVolume" -}}
- name: tmp
  emptyDir: {}
{{- end -}}

{{/* Replicas, unless a HorizontalPodAutoscaler decides them. */}}
{{- define "sluice.replicas" -}}
{{- if not (and .values.autoscaling .values.autoscaling.enabled) }}
replicas: {{ .values.replicas }}
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget for a component, when enabled. */}}
{{- define "sluice.podDisruptionBudget" -}}
{{- if .values.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "sluice.fullname" . }}
  labels:
    {{- include "sluice.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "sluice.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* A HorizontalPodAutoscaler on CPU for a component, when enabled. */}}
{{- define "sluice.autoscaler" -}}
{{- if .values.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "sluice.fullname" . }}
  labels:
    {{- include "sluice.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "sluice.fullname" . }}
  minReplicas: {{ .values.autoscaling.minReplicas }}
  maxReplicas: {{ .values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}

{{/* Whether the gateway serves TLS itself. */}}
{{- define "sluice.gatewayScheme" -}}
{{- if .Values.gateway.tls.existingSecret -}}https{{- else -}}http{{- end -}}
{{- end -}}
