package parts

import "github.com/aftersales/aftersales/sdk"

func serve(impl Plugin, o sdk.ServeOptions) { panic("parts: protocol not implemented yet") }
