package complaint

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// SMS answers to a proposed resolution (the complaint_confirm text).
const (
	AnswerAccept = 1
	AnswerReject = 2
)

// RejectedBySMS is the reason a rejection by SMS records.
const RejectedBySMS = "the customer rejected the proposed resolution by SMS"

// AnswerBySMS applies a customer's one-digit answer to the proposed
// resolution of their newest complaint awaiting one: 1 confirms it (via
// sms), 2 rejects it (back to investigating, with an event). handled is
// false, and nothing changes, when the digit is neither or no complaint
// of the customer awaits an answer: the digit is then something else
// (a satisfaction score).
func (s *Service) AnswerBySMS(ctx context.Context, u core.UnitOfWork, customerID uuid.UUID, digit int, actor string) (handled bool, err error) {
	if digit != AnswerAccept && digit != AnswerReject {
		return false, nil
	}
	c, err := s.store.Complaints(u).LockAwaitingAnswer(ctx, customerID)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	in := ActionInput{Action: ActConfirm, Via: "sms", Version: c.Version}
	if digit == AnswerReject {
		in = ActionInput{Action: ActReject, Reason: RejectedBySMS, Version: c.Version}
	}
	if _, err := s.Act(ctx, u, c.ID, in, actor); err != nil {
		return false, err
	}
	return true, nil
}
