// The entity core's parts that are not templates (entity_core.h): the errors it returns
// and the comparison of an event with the one first judged under its id.
#include "machines/entity_core.h"

#include <map>

#include "absl/strings/str_join.h"

namespace kefu::machine_core {

using internal::ToAbsl;

std::string DescribeDifference(const internal::KindSchema& schema, const Outcome& seen,
                               const EventDigest& seen_digest, const EventMeta& meta,
                               std::string_view type, const EventDigest& digest) {
  std::vector<std::string> parts;
  if (seen.audit.event_type != type) {
    parts.push_back(absl::StrCat("type (first \"", ToAbsl(seen.audit.event_type), "\", now \"",
                                 ToAbsl(type), "\")"));
  }
  if (seen.audit.at != meta.at) {
    parts.push_back(absl::StrCat("at (first ", FormatTimestamp(seen.audit.at), ", now ",
                                 FormatTimestamp(meta.at), ")"));
  }
  if (seen.audit.agent != meta.agent) {
    parts.push_back(
        absl::StrCat("agent (first \"", seen.audit.agent, "\", now \"", meta.agent, "\")"));
  }
  if (seen.audit.event_type == type && seen_digest != digest) {
    // Field by field: a field set in one copy only, or set to another value.
    std::map<uint8_t, std::pair<std::optional<uint32_t>, std::optional<uint32_t>>> fields;
    for (const EventDigest::Entry& e : seen_digest.fields) fields[e.field].first = e.hash;
    for (const EventDigest::Entry& e : digest.fields) fields[e.field].second = e.hash;
    const internal::EventType* t = schema.Find(type);
    for (const auto& [index, hashes] : fields) {
      if (hashes.first == hashes.second) continue;
      std::string_view name = "?";
      if (t != nullptr && index < t->schema.fields.size()) name = t->schema.fields[index].name;
      parts.push_back(absl::StrCat("fields.", ToAbsl(name)));
    }
  } else if (seen.audit.event_type != type) {
    // Other fields follow from another type; the type says it.
  }
  return absl::StrJoin(parts, ", ");
}

absl::Status ReusedIdError(std::string_view machine, std::string_view entity,
                           const Outcome& seen, std::string_view differences) {
  return absl::AlreadyExistsError(absl::StrCat(
      "event id \"", seen.audit.event_id, "\" was already used for ", ToAbsl(machine), " \"",
      ToAbsl(entity), "\" (", ToAbsl(seen.audit.event_type), " at ",
      FormatTimestamp(seen.audit.at), ", ", seen.audit.refused ? "refused" : "applied",
      "); this event differs in ", ToAbsl(differences),
      ": an id names one event, a corrected event needs a new id"));
}

absl::Status OutOfOrderError(std::string_view machine, std::string_view entity,
                             const EventMeta& meta, Timestamp last_at, Duration tolerance) {
  return absl::FailedPreconditionError(absl::StrCat(
      "event \"", meta.id, "\" at ", FormatTimestamp(meta.at), " is earlier than the last event ",
      "applied to ", ToAbsl(machine), " \"", ToAbsl(entity), "\" (", FormatTimestamp(last_at),
      ")", tolerance > absl::ZeroDuration()
               ? absl::StrCat(" by more than the clock skew tolerance of ",
                              absl::FormatDuration(tolerance))
               : std::string(),
      ": an entity's events must come in time order"));
}

absl::Status NotAcceptedError(std::string_view machine, std::string_view entity,
                              std::string_view state, std::string_view event, bool as_given) {
  return absl::FailedPreconditionError(
      absl::StrCat(ToAbsl(machine), " \"", ToAbsl(entity), "\" in state \"", ToAbsl(state),
                   "\" does not accept event \"", ToAbsl(event), "\"",
                   as_given ? " as given" : ""));
}

absl::Status TooManyEventsError(std::string_view machine, std::string_view entity,
                                size_t events, size_t bytes) {
  return absl::ResourceExhaustedError(absl::StrCat(
      ToAbsl(machine), " \"", ToAbsl(entity), "\" has judged ", events, " events (", bytes,
      " bytes remembered), the most one entity may; raise "
      "max_events_per_entity or split the entity's key"));
}

}  // namespace kefu::machine_core
