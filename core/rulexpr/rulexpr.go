// Package rulexpr compiles and runs the tenants' rule conditions, written
// in expr-lang/expr over a fixed environment struct (callback rules, claim
// audit rules). It keeps the compile options and the error wording in one
// place so every rule editor answers alike.
package rulexpr

import (
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/aftersales/aftersales/core"
)

// Compile compiles a boolean condition over env (a struct value whose expr
// tags are the names a condition may use). An empty condition compiles to
// nil (always true). A condition that does not compile, names an unknown
// field or is not boolean answers EINVALID naming field, listing names.
func Compile(field, src string, env any, names []string) (*vm.Program, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p, err := expr.Compile(src, expr.Env(env), expr.AsBool())
	if err != nil {
		return nil, core.FieldError(field, "%s (fields: %s)", strings.ReplaceAll(err.Error(), "\n", " "),
			strings.Join(names, ", "))
	}
	return p, nil
}

// Run evaluates a compiled condition on env; a nil program is true.
func Run(p *vm.Program, env any) (bool, error) {
	if p == nil {
		return true, nil
	}
	out, err := expr.Run(p, env)
	if err != nil {
		return false, err
	}
	ok, _ := out.(bool)
	return ok, nil
}
