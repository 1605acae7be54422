// Package proto holds the protocol's .proto files and the Go code generated
// from them (committed). Regenerate with `go generate ./internal/proto` in
// sdk/ (or `make generate` at the root); it needs protoc, protoc-gen-go and
// protoc-gen-go-grpc on PATH.
package proto

//go:generate protoc -I . --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative cti/v1/cti.proto parts/v1/parts.proto dispatchrules/v1/dispatchrules.proto dispatchrules/v2/dispatchrules.proto
