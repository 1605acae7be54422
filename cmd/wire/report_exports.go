package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"os"

	"github.com/aftersales/aftersales/api"
	"github.com/aftersales/aftersales/core/postgres"
	"github.com/aftersales/aftersales/core/report"
)

// newReportExports builds the scheduled exports: files in the blob store,
// links signed with a key derived from the platform key.
func newReportExports(store *postgres.Store, objects report.Objects, o Options) *report.ExportService {
	m := hmac.New(sha256.New, secretKey(o.PluginKey))
	m.Write([]byte("report-export-links"))
	return &report.ExportService{Reports: &report.Service{Store: store, Marker: store, Settings: store}, Store: store, Units: store,
		Objects: objects, Render: api.RenderReport, Clock: o.Clock, Key: m.Sum(nil), BaseURL: o.PublicURL,
		Spool: tempSpool}
}

// tempSpool renders an export into a temporary file, removed when closed.
func tempSpool() (report.SpoolFile, error) {
	f, err := os.CreateTemp("", "report-export-*")
	if err != nil {
		return nil, err
	}
	return tempFile{f}, nil
}

type tempFile struct{ *os.File }

func (f tempFile) Close() error {
	err := f.File.Close()
	if rmErr := os.Remove(f.Name()); err == nil {
		err = rmErr
	}
	return err
}
