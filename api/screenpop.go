package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aftersales/aftersales/core"
	"github.com/aftersales/aftersales/core/customer"
)

type ScreenPopInput struct {
	Phone string `query:"phone" required:"true" minLength:"1" maxLength:"64" example:"+86 138-0013-8000" doc:"The caller's number as the phone system gives it, in any common format."`
}

type ScreenPopOutput struct{ Body *core.ScreenPop }

func registerScreenPopRoutes(api huma.API, s *Server, customers *customer.Service) {
	register(api, huma.Operation{OperationID: "screen-pop", Method: http.MethodGet, Path: "/v1/screen-pop",
		Summary: "Look up a caller (screen pop, 来电弹屏)", Tags: []string{"Customers"},
		Description: "What an agent needs the moment the phone rings: the customers with the caller's number, each " +
			"with phones, addresses, registered units (model, product line, warranty status), the last 5 work " +
			"orders and open complaints. An unknown number answers 200 with no customers and `unknown_caller`: " +
			"true; a number that is not a phone number is a 422. `open_complaints` lists the customer's complaints " +
			"still being handled. Only the customers the caller may see are found, each with " +
			"the work orders the caller may see; a caller out of sight is an unknown caller. " + customerSight},
		access{Who: accessTenant, Perm: core.Permission{Resource: core.ResCustomers, Action: core.ActRead}},
		func(ctx context.Context, in *ScreenPopInput) (*ScreenPopOutput, error) {
			v, err := s.viewer(ctx)
			if err != nil {
				return nil, err
			}
			pop, err := customers.FindScreenPop(ctx, unitOfWork(ctx), v, in.Phone, phoneCountry(ctx), tenantToday(ctx))
			if err != nil {
				return nil, err
			}
			return &ScreenPopOutput{Body: pop}, nil
		})
}
