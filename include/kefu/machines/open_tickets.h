// kefu/machines/open_tickets.h: the open after-sales tickets of every
// order, which AS-DEDUP consults before a new ticket is registered ("look
// whether another agent already opened a case for this order").
//
// The ticket machine only reads the index (TicketEnvironment::open_tickets).
// Keeping it current is the host's job (the engine's, later): after each
// Apply, call Update() with the ticket. InMemoryOpenTickets is a simple
// implementation for tests and small hosts.
//
// Thread safety: implementations must allow concurrent FindOpen calls.
// InMemoryOpenTickets is not synchronized: Update/Remove must not race
// with reads.
#ifndef KEFU_MACHINES_OPEN_TICKETS_H_
#define KEFU_MACHINES_OPEN_TICKETS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kefu/core/export.h"
#include "kefu/machines/ticket.h"

namespace kefu {

// What AS-DEDUP reports of the ticket already open.
struct OpenTicket {
  std::string ticket_id;
  std::string order_id;
  std::string category;
  std::string owner;
};

class KEFU_EXPORT OpenTickets {
 public:
  virtual ~OpenTickets();
  // An open ticket of `order_id` (of `category` when given), or nullopt.
  // When several match, any one of them.
  virtual std::optional<OpenTicket> FindOpen(std::string_view order_id,
                                             std::optional<std::string_view> category) const = 0;
};

class KEFU_EXPORT InMemoryOpenTickets final : public OpenTickets {
 public:
  // Records `ticket` when it is open, forgets it otherwise.
  void Update(const Ticket& ticket);
  void Remove(std::string_view ticket_id);
  size_t size() const { return tickets_.size(); }

  std::optional<OpenTicket> FindOpen(std::string_view order_id,
                                     std::optional<std::string_view> category) const override;

 private:
  std::map<std::string, OpenTicket, std::less<>> tickets_;  // by ticket id
};

}  // namespace kefu

#endif  // KEFU_MACHINES_OPEN_TICKETS_H_
