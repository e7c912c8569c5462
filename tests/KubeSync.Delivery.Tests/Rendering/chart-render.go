// chart-render renders a Helm chart's templates the way Helm's engine does, for tests on machines without helm:
// Go's text/template with the sprig functions (as Helm uses them, without env and expandenv) and Helm's own
// functions (include, tpl, required, fail, toYaml, fromYaml, toJson, fromJson, lookup), the chart's values
// merged with -values files, numbers read as float64 (Helm reads values through JSON), missingkey=zero, and
// "<no value>" removed from the output. It builds from Debian's golang-go, golang-github-masterminds-sprig-dev
// and golang-gopkg-yaml.v3-dev (GOPATH mode, no network). It is a stand-in for `helm template`, not Helm: it
// neither sorts by kind nor validates values against values.schema.json (the tests do that themselves).
//
//	chart-render -chart DIR [-release NAME] [-namespace NS] [-values FILE]... [-api-versions a/v1,b/v1]
//	             [-kube-version 1.30.0] [-notes]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// The API versions every cluster of the supported range serves (Helm's default capabilities carry the same).
var builtinAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v1", "autoscaling/v2",
	"rbac.authorization.k8s.io/v1", "coordination.k8s.io/v1", "events.k8s.io/v1", "networking.k8s.io/v1",
	"apiextensions.k8s.io/v1", "admissionregistration.k8s.io/v1", "storage.k8s.io/v1", "discovery.k8s.io/v1",
	"scheduling.k8s.io/v1", "node.k8s.io/v1", "certificates.k8s.io/v1",
}

type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

type kubeVersion struct{ Version, Major, Minor, GitVersion string }

func (k kubeVersion) String() string { return k.Version }

type capabilities struct {
	APIVersions apiVersions
	KubeVersion kubeVersion
}

type files struct{ root string }

// Get returns a file of the chart (not a template) as a string, or "" when it does not exist, as Helm does.
func (f files) Get(name string) string {
	clean := filepath.Clean(name)
	if strings.HasPrefix(clean, "..") || strings.HasPrefix(clean, "templates"+string(filepath.Separator)) {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(f.root, clean))
	if err != nil {
		return ""
	}
	return string(data)
}

func main() {
	var valueFiles listFlag
	chartDir := flag.String("chart", "", "chart directory")
	release := flag.String("release", "kubesync", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	apis := flag.String("api-versions", "", "extra API versions the cluster serves, comma separated")
	kube := flag.String("kube-version", "1.30.0", "Kubernetes version")
	notes := flag.Bool("notes", false, "render NOTES.txt too")
	flag.Var(&valueFiles, "values", "values file (repeatable; later files win)")
	flag.Parse()
	if *chartDir == "" {
		fail(errors.New("-chart is required"))
	}
	out, err := render(*chartDir, *release, *namespace, *apis, *kube, valueFiles, *notes)
	if err != nil {
		fail(err)
	}
	fmt.Print(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "Error:", err)
	os.Exit(1)
}

func render(chartDir, release, namespace, apis, kube string, valueFiles []string, notes bool) (string, error) {
	chart, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range valueFiles {
		override, err := readYAML(f)
		if err != nil {
			return "", err
		}
		values = merge(values, override)
	}
	versions := apiVersions(append([]string{}, builtinAPIVersions...))
	for _, v := range strings.Split(apis, ",") {
		if v = strings.TrimSpace(v); v != "" {
			versions = append(versions, v)
		}
	}
	parts := strings.SplitN(kube, ".", 3)
	if len(parts) < 2 {
		return "", fmt.Errorf("-kube-version %q: expected MAJOR.MINOR.PATCH", kube)
	}
	name := fmt.Sprint(chart["name"])
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart": map[string]interface{}{
			"Name": name, "Version": chart["version"], "AppVersion": chart["appVersion"], "Description": chart["description"],
			"KubeVersion": chart["kubeVersion"], "Type": chart["type"], "Annotations": chart["annotations"],
		},
		"Capabilities": capabilities{versions, kubeVersion{"v" + kube, parts[0], parts[1], "v" + kube}},
		"Files":        files{chartDir},
	}
	return execute(chartDir, name, top, notes)
}

func execute(chartDir, name string, top map[string]interface{}, notes bool) (string, error) {
	paths, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	t := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	for k, v := range helmFuncs(t) {
		funcs[k] = v
	}
	t.Funcs(funcs)
	var names []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		templateName := name + "/templates/" + filepath.Base(p)
		if _, err := t.New(templateName).Parse(string(data)); err != nil {
			return "", err
		}
		base := filepath.Base(p)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt" && !notes) {
			continue
		}
		names = append(names, templateName)
	}
	var out strings.Builder
	for _, n := range names {
		scope := shallowCopy(top)
		scope["Template"] = map[string]interface{}{"Name": n, "BasePath": name + "/templates"}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, n, scope); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", n, strings.TrimRight(text, "\n"))
	}
	return out.String(), nil
}

func helmFuncs(t *template.Template) template.FuncMap {
	return template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var buf bytes.Buffer
			err := t.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"tpl": func(text string, data interface{}) (string, error) {
			clone, err := t.Clone()
			if err != nil {
				return "", err
			}
			parsed, err := clone.New("tpl").Parse(text)
			if err != nil {
				return "", err
			}
			var buf bytes.Buffer
			err = parsed.Execute(&buf, data)
			return strings.ReplaceAll(buf.String(), "<no value>", ""), err
		},
		"required": func(message string, v interface{}) (interface{}, error) {
			if v == nil {
				return nil, errors.New(message)
			}
			if s, ok := v.(string); ok && s == "" {
				return nil, errors.New(message)
			}
			return v, nil
		},
		"fail":     func(message string) (string, error) { return "", errors.New(message) },
		"toYaml":   toYaml,
		"fromYaml": func(s string) map[string]interface{} { m, _ := parseYAML([]byte(s)); return m },
		"toJson": func(v interface{}) string {
			data, err := json.Marshal(v)
			if err != nil {
				return ""
			}
			return string(data)
		},
		"fromJson": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			_ = json.Unmarshal([]byte(s), &m)
			return m
		},
		"lookup": func(string, string, string, string) map[string]interface{} { return map[string]interface{}{} },
	}
}

// toYaml writes v as YAML with two-space indents and without the final newline, as Helm's toYaml does.
func toYaml(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	_ = enc.Close()
	return strings.TrimSuffix(buf.String(), "\n")
}

func readYAML(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := parseYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// parseYAML reads YAML through JSON, so numbers are float64 and maps are map[string]interface{}, as in Helm.
func parseYAML(data []byte) (map[string]interface{}, error) {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	js, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("the document is not a mapping: %w", err)
	}
	return m, nil
}

// merge lays override over base: maps merge key by key, a null removes the key, anything else replaces.
func merge(base, override map[string]interface{}) map[string]interface{} {
	out := shallowCopy(base)
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		if bm, ok := out[k].(map[string]interface{}); ok {
			if om, ok := v.(map[string]interface{}); ok {
				out[k] = merge(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func shallowCopy(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
