package core

// FaultCodeCSVColumns are the columns of a fault code import file, named
// as the JSON fields of an import, so a row's error names its column.
var FaultCodeCSVColumns = []string{"kind", "code", "parent_code", "product_line", "name_zh", "name_en"}

// ParseFaultCodeCSV reads a fault code import file: a header row naming
// the columns (any order, see FaultCodeCSVColumns; parent_code and
// product_line may be left out or empty), then one code per row. It
// returns the well-formed rows (Row: the line where the record starts,
// the header being line 1) and a report holding the total and the
// malformed rows; a bad header is an EINVALID error and nothing else.
// The rows are validated and placed by core/catalog.
func ParseFaultCodeCSV(data []byte) ([]FaultCodeImportRow, *ImportReport, error) {
	var rows []FaultCodeImportRow
	rep, err := readCSV(data, FaultCodeCSVColumns, []string{"kind", "code", "name_zh", "name_en"},
		func(line int, v map[string]string) error {
			rows = append(rows, FaultCodeImportRow{Row: line, Code: FaultCode{Kind: v["kind"], Code: v["code"],
				ParentCode: optString(v["parent_code"]), ProductLine: optString(v["product_line"]),
				NameZh: v["name_zh"], NameEn: v["name_en"]}})
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	return rows, rep, nil
}
