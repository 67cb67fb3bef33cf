// AS-DEDUP: the in-memory index of open tickets.
#include "kefu/machines/open_tickets.h"

namespace kefu {

OpenTickets::~OpenTickets() = default;

void InMemoryOpenTickets::Update(const Ticket& ticket) {
  if (!ticket.open()) {
    Remove(ticket.id());
    return;
  }
  const TicketData& d = ticket.data();
  tickets_[d.id] = OpenTicket{d.id, d.order_id, d.category, d.owner};
}

void InMemoryOpenTickets::Remove(std::string_view ticket_id) {
  auto it = tickets_.find(ticket_id);
  if (it != tickets_.end()) tickets_.erase(it);
}

std::optional<OpenTicket> InMemoryOpenTickets::FindOpen(
    std::string_view order_id, std::optional<std::string_view> category) const {
  for (const auto& [id, t] : tickets_) {
    if (t.order_id != order_id) continue;
    if (category && t.category != *category) continue;
    return t;
  }
  return std::nullopt;
}

}  // namespace kefu
