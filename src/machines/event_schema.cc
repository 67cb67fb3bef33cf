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
        MakeType<O, ReviewPassed>({}),
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

}  // namespace kefu::internal
