package dispatchrules

import "github.com/aftersales/aftersales/sdk"

func serve(impl Plugin, o sdk.ServeOptions) { panic("dispatchrules: protocol not implemented yet") }
