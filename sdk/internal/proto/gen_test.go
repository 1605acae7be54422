package proto

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// The committed Go code matches the .proto files: regenerated into a
// temporary directory and compared, tool version lines aside. Skipped
// where protoc or its Go plugins are not installed (`make proto` installs
// the plugins).
func TestGeneratedCodeIsCurrent(t *testing.T) {
	gobin := filepath.Join(goPath(), "bin")
	t.Setenv("PATH", os.Getenv("PATH")+string(os.PathListSeparator)+gobin)
	for _, tool := range []string{"protoc", "protoc-gen-go", "protoc-gen-go-grpc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	protos := []string{"cti/v1/cti.proto", "parts/v1/parts.proto", "dispatchrules/v1/dispatchrules.proto",
		"dispatchrules/v2/dispatchrules.proto"}
	out := t.TempDir()
	args := append([]string{"-I", ".", "--go_out=" + out, "--go_opt=paths=source_relative",
		"--go-grpc_out=" + out, "--go-grpc_opt=paths=source_relative"}, protos...)
	if b, err := exec.Command("protoc", args...).CombinedOutput(); err != nil {
		t.Fatalf("protoc: %v\n%s", err, b)
	}
	versions := regexp.MustCompile(`(?m)^//\s+(-\s+)?protoc(-gen-go(-grpc)?)?\s+v\S+\n`)
	gen, err := filepath.Glob(filepath.Join(out, "*", "v*", "*.go"))
	if err != nil || len(gen) != 2*len(protos) {
		t.Fatalf("generated %v, %v", gen, err)
	}
	for _, g := range gen {
		rel, _ := filepath.Rel(out, g)
		want, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(rel)
		if err != nil {
			t.Fatalf("%s is not committed: run make proto", rel)
		}
		if !bytes.Equal(versions.ReplaceAll(got, nil), versions.ReplaceAll(want, nil)) {
			t.Errorf("%s is not what its .proto generates: run make proto", rel)
		}
	}
}

func goPath() string {
	if p := os.Getenv("GOPATH"); p != "" {
		return filepath.SplitList(p)[0]
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go")
}
