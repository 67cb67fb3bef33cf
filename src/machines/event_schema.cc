// The order, ticket and review machines' events, field by field.
#include "machines/event_schema.h"

#include "kefu/policies/order_terms.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu::internal {
namespace {

struct MachineSchemas {
  // Enums.
  EnumNames channel = BuildEnumNames(&ChannelName);
  EnumNames payment = BuildEnumNames(&PaymentMethodName);
  EnumNames verification = BuildEnumNames(&VerificationItemName);
  EnumNames exception = BuildEnumNames(&ExceptionKindName);
  EnumNames contact_channel = BuildEnumNames(&ContactChannelName);
  EnumNames contact_result = BuildEnumNames(&ContactResultName);
  EnumNames stock_arrival = BuildEnumNames(&StockArrivalName);
  EnumNames refund_reason = BuildEnumNames(&RefundReasonName);
  EnumNames ticket_kind = BuildEnumNames(&TicketKindName);
  EnumNames postage_payer = BuildEnumNames(&PostagePayerName);
  EnumNames repayment = BuildEnumNames(&RepaymentName);
  EnumNames packaging = BuildEnumNames(&PackagingName);
  EnumNames rating = BuildEnumNames(&ReviewRatingName);
  EnumNames review_channel = BuildEnumNames(&ReviewChannelName);
  EnumNames review_result = BuildEnumNames(&ReviewContactResultName);
  EnumNames presence = BuildEnumNames(&BuyerPresenceName);
  EnumNames remedy = BuildEnumNames(&RemedyName);
  EnumNames role = BuildEnumNames(&StaffRoleName);
  EnumNames oos_flag = BuildEnumNames(&OosFlagName);
  EnumNames remedy_answer = BuildEnumNames(&RemedyAnswerName);
  EnumNames cost_kind = BuildEnumNames(&CostKindName);

  // Nested structs.
  Schema buyer = MakeSchema({
      MakeField<&Buyer::im_name>("im_name", kDefault),
      MakeField<&Buyer::phone>("phone", kDefault),
  });
  Schema address = MakeSchema({
      MakeField<&Address::province>("province", kDefault),
      MakeField<&Address::city>("city", kDefault),
      MakeField<&Address::district>("district", kDefault),
      MakeField<&Address::detail>("detail", kDefault),
  });
  Schema order_line = MakeSchema({
      MakeField<&OrderLine::product>("product", kRequired),
      MakeField<&OrderLine::quantity>("quantity", kRequired),
      MakeField<&OrderLine::unit_price>("unit_price", kRequired),
      MakeField<&OrderLine::cancelled>("cancelled", kDefault),
  });
  Schema ticket_line = MakeSchema({
      MakeField<&TicketLine::product>("product", kRequired),
      MakeField<&TicketLine::quantity>("quantity", kRequired),
  });

  KindSchema order{"order", OrderTypes()};
  KindSchema ticket{"ticket", TicketTypes()};
  KindSchema review{"review", ReviewTypes()};

  // The entities' data (snapshots), every member in declaration order.
  Schema order_data = MakeSchema({
      MakeField<&OrderData::id>("id", kRequired),
      MakeField<&OrderData::channel>("channel", kDefault, &channel),
      MakeField<&OrderData::buyer>("buyer", kDefault, nullptr, &buyer),
      MakeField<&OrderData::lines>("lines", kDefault, nullptr, &order_line),
      MakeField<&OrderData::postage>("postage", kDefault),
      MakeField<&OrderData::payment>("payment", kDefault, &payment),
      MakeField<&OrderData::payment_made>("payment_made", kDefault),
      MakeField<&OrderData::finance_confirmed>("finance_confirmed", kDefault),
      MakeField<&OrderData::address>("address", kDefault, nullptr, &address),
      MakeField<&OrderData::courier>("courier", kDefault),
      MakeField<&OrderData::courier_checked>("courier_checked", kDefault),
      MakeField<&OrderData::notes>("notes", kDefault),
      MakeField<&OrderData::exception>("exception", kDefault, &exception),
      MakeField<&OrderData::placed_at>("placed_at", kDefault),
      MakeField<&OrderData::paid_at>("paid_at", kDefault),
      MakeField<&OrderData::checked>("checked", kDefault),
      MakeField<&OrderData::duplicate_cleared>("duplicate_cleared", kDefault),
      MakeField<&OrderData::duplicate_of>("duplicate_of", kDefault),
      MakeField<&OrderData::hold_reason>("hold_reason", kDefault),
      MakeField<&OrderData::out_of_stock_product>("out_of_stock_product", kDefault),
      MakeField<&OrderData::oos_flag>("oos_flag", kDefault, &oos_flag),
      MakeField<&OrderData::other_style_offered>("other_style_offered", kDefault),
      MakeField<&OrderData::complaint_risk>("complaint_risk", kDefault),
      MakeField<&OrderData::refunded>("refunded", kDefault),
      MakeField<&OrderData::compensation>("compensation", kDefault),
      MakeField<&OrderData::shipped_at>("shipped_at", kDefault),
      MakeField<&OrderData::tracking_number>("tracking_number", kDefault),
      MakeField<&OrderData::invoices>("invoices", kDefault),
  });
  Schema ticket_deadline = MakeSchema({
      MakeField<&TicketDeadline::rule>("rule", kRequired),
      MakeField<&TicketDeadline::due>("due", kDefault),
      MakeField<&TicketDeadline::warn_at>("warn_at", kDefault),
      MakeField<&TicketDeadline::paused_since>("paused_since", kDefault),
      MakeField<&TicketDeadline::met_at>("met_at", kDefault),
  });
  Schema ticket_cost = MakeSchema({
      MakeField<&TicketCost::kind>("kind", kDefault, &cost_kind),
      MakeField<&TicketCost::amount>("amount", kDefault),
      MakeField<&TicketCost::at>("at", kDefault),
      MakeField<&TicketCost::agent>("agent", kDefault),
  });
  Schema ticket_data = MakeSchema({
      MakeField<&TicketData::id>("id", kRequired),
      MakeField<&TicketData::order_id>("order_id", kDefault),
      MakeField<&TicketData::kind>("kind", kDefault, &ticket_kind),
      MakeField<&TicketData::category>("category", kDefault),
      MakeField<&TicketData::details>("details", kDefault),
      MakeField<&TicketData::lines>("lines", kDefault, nullptr, &ticket_line),
      MakeField<&TicketData::customer_province>("customer_province", kDefault),
      MakeField<&TicketData::shop_province>("shop_province", kDefault),
      MakeField<&TicketData::shop>("shop", kDefault),
      MakeField<&TicketData::buyer_im>("buyer_im", kDefault),
      MakeField<&TicketData::alipay_account>("alipay_account", kDefault),
      MakeField<&TicketData::registered_by>("registered_by", kDefault),
      MakeField<&TicketData::owner>("owner", kDefault),
      MakeField<&TicketData::escalated_to>("escalated_to", kDefault),
      MakeField<&TicketData::return_postage>("return_postage", kDefault, &postage_payer),
      MakeField<&TicketData::reship_postage>("reship_postage", kDefault, &postage_payer),
      MakeField<&TicketData::repayment>("repayment", kDefault, &repayment),
      MakeField<&TicketData::repayment_amount>("repayment_amount", kDefault),
      MakeField<&TicketData::quality_claim>("quality_claim", kDefault),
      MakeField<&TicketData::order_marked_shipped>("order_marked_shipped", kDefault),
      MakeField<&TicketData::notes>("notes", kDefault),
      MakeField<&TicketData::registered_at>("registered_at", kDefault),
      MakeField<&TicketData::postage_declared>("postage_declared", kDefault),
      MakeField<&TicketData::postage_claimed>("postage_claimed", kDefault),
      MakeField<&TicketData::postage_reimbursed>("postage_reimbursed", kDefault),
      MakeField<&TicketData::postage_repaid>("postage_repaid", kDefault),
      MakeField<&TicketData::return_tracking>("return_tracking", kDefault),
      MakeField<&TicketData::received_at>("received_at", kDefault),
      MakeField<&TicketData::packaging>("packaging", kDefault, &packaging),
      MakeField<&TicketData::as_described>("as_described", kDefault),
      MakeField<&TicketData::tested>("tested", kDefault),
      MakeField<&TicketData::fault_confirmed>("fault_confirmed", kDefault),
      MakeField<&TicketData::qc_stamp>("qc_stamp", kDefault),
      MakeField<&TicketData::marking>("marking", kDefault),
      MakeField<&TicketData::resalable>("resalable", kDefault),
      MakeField<&TicketData::supplier_takes_back>("supplier_takes_back", kDefault),
      MakeField<&TicketData::exchange_proposed>("exchange_proposed", kDefault),
      MakeField<&TicketData::photos>("photos", kDefault),
      MakeField<&TicketData::destruction_photo>("destruction_photo", kDefault),
      MakeField<&TicketData::cash_in_parcel>("cash_in_parcel", kDefault),
      MakeField<&TicketData::refund_amount>("refund_amount", kDefault),
      MakeField<&TicketData::compensation>("compensation", kDefault),
      MakeField<&TicketData::reship_tracking>("reship_tracking", kDefault),
      MakeField<&TicketData::resolved_at>("resolved_at", kDefault),
      MakeField<&TicketData::closed_at>("closed_at", kDefault),
      MakeField<&TicketData::rejection_reason>("rejection_reason", kDefault),
      MakeField<&TicketData::deadlines>("deadlines", kDefault, nullptr, &ticket_deadline),
      MakeField<&TicketData::costs>("costs", kDefault, nullptr, &ticket_cost),
  });
  Schema review_contact = MakeSchema({
      MakeField<&ReviewContact::at>("at", kDefault),
      MakeField<&ReviewContact::channel>("channel", kDefault, &review_channel),
      MakeField<&ReviewContact::agent>("agent", kDefault),
      MakeField<&ReviewContact::result>("result", kDefault, &review_result),
      MakeField<&ReviewContact::counted>("counted", kDefault),
      MakeField<&ReviewContact::overridden>("overridden", kDefault),
  });
  Schema review_remedy = MakeSchema({
      MakeField<&ReviewRemedy::remedy>("remedy", kDefault, &remedy),
      MakeField<&ReviewRemedy::amount>("amount", kDefault),
      MakeField<&ReviewRemedy::offered_at>("offered_at", kDefault),
      MakeField<&ReviewRemedy::answer>("answer", kDefault, &remedy_answer),
  });
  Schema review_data = MakeSchema({
      MakeField<&ReviewData::id>("id", kRequired),
      MakeField<&ReviewData::order_id>("order_id", kDefault),
      MakeField<&ReviewData::product>("product", kDefault),
      MakeField<&ReviewData::rating>("rating", kDefault, &rating),
      MakeField<&ReviewData::complaint>("complaint", kDefault),
      MakeField<&ReviewData::item_price>("item_price", kDefault),
      MakeField<&ReviewData::buyer>("buyer", kDefault),
      MakeField<&ReviewData::buyer_phone>("buyer_phone", kDefault),
      MakeField<&ReviewData::buyer_difficult>("buyer_difficult", kDefault),
      MakeField<&ReviewData::received_at>("received_at", kDefault),
      MakeField<&ReviewData::agent>("agent", kDefault),
      MakeField<&ReviewData::contacts>("contacts", kDefault, nullptr, &review_contact),
      MakeField<&ReviewData::counted_contacts>("counted_contacts", kDefault),
      MakeField<&ReviewData::remedies>("remedies", kDefault, nullptr, &review_remedy),
      MakeField<&ReviewData::agreed_at>("agreed_at", kDefault),
      MakeField<&ReviewData::promise_check_at>("promise_check_at", kDefault),
      MakeField<&ReviewData::reminders>("reminders", kDefault),
      MakeField<&ReviewData::refused_at>("refused_at", kDefault),
      MakeField<&ReviewData::schedule_done>("schedule_done", kDefault),
      MakeField<&ReviewData::next_contact_at>("next_contact_at", kDefault),
      MakeField<&ReviewData::next_contact_channel>("next_contact_channel", kDefault,
                                                   &review_channel),
      MakeField<&ReviewData::schedule_closes_at>("schedule_closes_at", kDefault),
      MakeField<&ReviewData::revised_at>("revised_at", kDefault),
      MakeField<&ReviewData::revised_rating>("revised_rating", kDefault, &rating),
      MakeField<&ReviewData::closed_at>("closed_at", kDefault),
      MakeField<&ReviewData::close_reason>("close_reason", kDefault),
  });

  std::vector<EventType> OrderTypes() const {
    using O = OrderEvent;
    return {
        MakeType<O, OrderPlaced>({
            MakeField<&OrderPlaced::channel>("channel", kRequired, &channel),
            MakeField<&OrderPlaced::buyer>("buyer", kDefault, nullptr, &buyer),
            MakeField<&OrderPlaced::lines>("lines", kRequired, nullptr, &order_line),
            MakeField<&OrderPlaced::postage>("postage", kDefault),
            MakeField<&OrderPlaced::payment>("payment", kRequired, &payment),
            MakeField<&OrderPlaced::paid>("paid", kDefault),
            MakeField<&OrderPlaced::address>("address", kRequired, nullptr, &address),
            MakeField<&OrderPlaced::courier>("courier", kDefault),
            MakeField<&OrderPlaced::notes>("notes", kDefault),
            MakeField<&OrderPlaced::exception>("exception", kDefault, &exception),
        }),
        MakeType<O, PaymentReceived>({
            MakeField<&PaymentReceived::method>("method", kDefault, &payment),
        }),
        MakeType<O, FinanceConfirmed>({}),
        MakeType<O, CheckRecorded>({
            MakeField<&CheckRecorded::item>("item", kRequired, &verification),
        }),
        MakeType<O, CheckPassed>({}),
        MakeType<O, HoldPlaced>({
            MakeField<&HoldPlaced::reason>("reason", kRequired),
        }),
        MakeType<O, HoldReleased>({
            MakeField<&HoldReleased::confirmed_not_duplicate>("confirmed_not_duplicate", kDefault),
            MakeField<&HoldReleased::note>("note", kDefault),
        }),
        MakeType<O, OutOfStockReported>({
            MakeField<&OutOfStockReported::product>("product", kRequired),
            MakeField<&OutOfStockReported::arrival>("arrival", kDefault, &stock_arrival),
        }),
        MakeType<O, CustomerContacted>({
            MakeField<&CustomerContacted::channel>("channel", kRequired, &contact_channel),
            MakeField<&CustomerContacted::result>("result", kRequired, &contact_result),
        }),
        MakeType<O, CourierChanged>({
            MakeField<&CourierChanged::courier>("courier", kRequired),
        }),
        MakeType<O, CourierConfirmed>({
            MakeField<&CourierConfirmed::note>("note", kDefault),
        }),
        MakeType<O, OrderAdjusted>({
            MakeField<&OrderAdjusted::line>("line", kDefault),
            MakeField<&OrderAdjusted::product>("product", kDefault),
            MakeField<&OrderAdjusted::quantity>("quantity", kDefault),
            MakeField<&OrderAdjusted::unit_price>("unit_price", kDefault),
            MakeField<&OrderAdjusted::postage>("postage", kDefault),
            MakeField<&OrderAdjusted::agreed_via>("agreed_via", kDefault, &contact_channel),
        }),
        MakeType<O, PostageSupplemented>({
            MakeField<&PostageSupplemented::amount>("amount", kRequired),
            MakeField<&PostageSupplemented::erp_cost>("erp_cost", kDefault),
        }),
        MakeType<O, MarkedShipped>({
            MakeField<&MarkedShipped::manual>("manual", kDefault),
            MakeField<&MarkedShipped::tracking_number>("tracking_number", kDefault),
        }),
        MakeType<O, Delivered>({}),
        MakeType<O, Completed>({}),
        MakeType<O, Cancelled>({
            MakeField<&Cancelled::line>("line", kDefault),
            MakeField<&Cancelled::reason>("reason", kDefault),
        }),
        MakeType<O, Refunded>({
            MakeField<&Refunded::amount>("amount", kRequired),
            MakeField<&Refunded::reason>("reason", kDefault, &refund_reason),
            MakeField<&Refunded::approved_by>("approved_by", kDefault),
        }),
        MakeType<O, InvoiceRequested>({
            MakeField<&InvoiceRequested::title>("title", kRequired),
            MakeField<&InvoiceRequested::content>("content", kRequired),
        }),
    };
  }

  std::vector<EventType> TicketTypes() const {
    using T = TicketEvent;
    using TR = TicketRegistered;
    using RS = RefundSentToFinance;
    return {
        MakeType<T, TR>({
            MakeField<&TR::order_id>("order_id", kRequired),
            MakeField<&TR::kind>("kind", kRequired, &ticket_kind),
            MakeField<&TR::category>("category", kDefault),
            MakeField<&TR::details>("details", kDefault),
            MakeField<&TR::lines>("lines", kDefault, nullptr, &ticket_line),
            MakeField<&TR::customer_province>("customer_province", kDefault),
            MakeField<&TR::shop_province>("shop_province", kDefault),
            MakeField<&TR::shop>("shop", kDefault),
            MakeField<&TR::buyer_im>("buyer_im", kDefault),
            MakeField<&TR::alipay_account>("alipay_account", kDefault),
            MakeField<&TR::return_postage>("return_postage", kDefault, &postage_payer),
            MakeField<&TR::reship_postage>("reship_postage", kDefault, &postage_payer),
            MakeField<&TR::repayment>("repayment", kDefault, &repayment),
            MakeField<&TR::repayment_amount>("repayment_amount", kDefault),
            MakeField<&TR::quality_claim>("quality_claim", kDefault),
            MakeField<&TR::order_marked_shipped>("order_marked_shipped", kDefault),
            MakeField<&TR::notes>("notes", kDefault),
        }),
        MakeType<T, ReturnAgreed>({}),
        MakeType<T, ReturnShipped>({
            MakeField<&ReturnShipped::declared_postage>("declared_postage", kRequired),
            MakeField<&ReturnShipped::freight_collect>("freight_collect", kDefault),
            MakeField<&ReturnShipped::tracking_number>("tracking_number", kDefault),
        }),
        MakeType<T, ParcelReceived>({
            MakeField<&ParcelReceived::unpacked_by>("unpacked_by", kDefault),
        }),
        MakeType<T, PackagingChecked>({
            MakeField<&PackagingChecked::packaging>("packaging", kRequired, &packaging),
            MakeField<&PackagingChecked::as_described>("as_described", kDefault),
        }),
        MakeType<T, ItemTested>({
            MakeField<&ItemTested::fault_confirmed>("fault_confirmed", kRequired),
            MakeField<&ItemTested::qc_stamp>("qc_stamp", kDefault),
        }),
        MakeType<T, ResaleDecided>({
            MakeField<&ResaleDecided::resalable>("resalable", kRequired),
            MakeField<&ResaleDecided::supplier_takes_back>("supplier_takes_back", kDefault),
        }),
        MakeType<T, SupplierExchangeRequested>({}),
        MakeType<T, SupplierExchangeReceived>({}),
        MakeType<T, EvidenceRecorded>({
            MakeField<&EvidenceRecorded::photos>("photos", kDefault),
            MakeField<&EvidenceRecorded::destruction_photo>("destruction_photo", kDefault),
        }),
        MakeType<T, RS>({
            MakeField<&RS::amount>("amount", kRequired),
            MakeField<&RS::compensation>("compensation", kDefault),
            MakeField<&RS::quality_fault>("quality_fault", kDefault),
            MakeField<&RS::full_refund_unusable>("full_refund_unusable", kDefault),
            MakeField<&RS::exchange_declined>("exchange_declined", kDefault),
            MakeField<&RS::alipay_account>("alipay_account", kDefault),
            MakeField<&RS::approved_by>("approved_by", kDefault),
        }),
        MakeType<T, RefundPaid>({}),
        MakeType<T, CashPutInParcel>({
            MakeField<&CashPutInParcel::amount>("amount", kRequired),
        }),
        MakeType<T, Reshipped>({
            MakeField<&Reshipped::tracking_number>("tracking_number", kDefault),
        }),
        MakeType<T, HandedOff>({
            MakeField<&HandedOff::to>("to", kRequired),
            MakeField<&HandedOff::reason>("reason", kDefault),
        }),
        MakeType<T, Escalated>({
            MakeField<&Escalated::to>("to", kRequired),
            MakeField<&Escalated::reason>("reason", kDefault),
        }),
        MakeType<T, TicketClosed>({
            MakeField<&TicketClosed::note>("note", kDefault),
        }),
        MakeType<T, TicketRejected>({
            MakeField<&TicketRejected::reason>("reason", kRequired),
        }),
    };
  }

  std::vector<EventType> ReviewTypes() const {
    using R = ReviewEvent;
    using CA = ContactAttempted;
    return {
        MakeType<R, ReviewReceived>({
            MakeField<&ReviewReceived::order_id>("order_id", kRequired),
            MakeField<&ReviewReceived::product>("product", kRequired),
            MakeField<&ReviewReceived::rating>("rating", kRequired, &rating),
            MakeField<&ReviewReceived::complaint>("complaint", kDefault),
            MakeField<&ReviewReceived::item_price>("item_price", kRequired),
            MakeField<&ReviewReceived::buyer>("buyer", kDefault),
            MakeField<&ReviewReceived::buyer_phone>("buyer_phone", kDefault),
            MakeField<&ReviewReceived::buyer_difficult>("buyer_difficult", kDefault),
        }),
        MakeType<R, ReviewAssigned>({
            MakeField<&ReviewAssigned::agent>("agent", kRequired),
        }),
        MakeType<R, CA>({
            MakeField<&CA::channel>("channel", kRequired, &review_channel),
            MakeField<&CA::result>("result", kRequired, &review_result),
            MakeField<&CA::presence>("presence", kDefault, &presence),
            MakeField<&CA::role>("role", kDefault, &role),
            MakeField<&CA::override_limit>("override_limit", kDefault),
            MakeField<&CA::buyer_difficult>("buyer_difficult", kDefault),
        }),
        MakeType<R, RevisionAgreed>({}),
        MakeType<R, RevisionObserved>({
            MakeField<&RevisionObserved::new_rating>("new_rating", kDefault, &rating),
        }),
        MakeType<R, RemedyOffered>({
            MakeField<&RemedyOffered::remedy>("remedy", kRequired, &remedy),
            MakeField<&RemedyOffered::amount>("amount", kDefault),
        }),
        MakeType<R, RemedyAccepted>({}),
        MakeType<R, RemedyDeclined>({}),
        MakeType<R, DayEnded>({}),
        MakeType<R, ReviewClosed>({
            MakeField<&ReviewClosed::reason>("reason", kDefault),
        }),
    };
  }

};

const MachineSchemas& Schemas() {
  static const MachineSchemas* const schemas = new MachineSchemas();
  return *schemas;
}

// The variant sizes must match the tables.
static_assert(std::variant_size_v<OrderEvent> == 19);
static_assert(std::variant_size_v<TicketEvent> == 18);
static_assert(std::variant_size_v<ReviewEvent> == 10);

}  // namespace

const KindSchema& OrderEventSchema() { return Schemas().order; }
const KindSchema& TicketEventSchema() { return Schemas().ticket; }
const KindSchema& ReviewEventSchema() { return Schemas().review; }
const Schema& OrderDataSchema() { return Schemas().order_data; }
const Schema& TicketDataSchema() { return Schemas().ticket_data; }
const Schema& ReviewDataSchema() { return Schemas().review_data; }

}  // namespace kefu::internal
