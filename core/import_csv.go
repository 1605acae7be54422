package core

// ReadCSV parses an import file as the site and technician imports do: a
// header row naming columns (any order; each of required present), then
// each non-blank record, given to each with its line and its values by
// column (trimmed; absent columns are ""). Malformed records and each's
// errors go to the report; a bad header, an empty file or more than
// MaxImportRows rows is an EINVALID error.
func ReadCSV(data []byte, columns, required []string, each func(line int, v map[string]string) error) (*ImportReport, error) {
	return readCSV(data, columns, required, each)
}
