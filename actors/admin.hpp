#pragma once

#include "actors/actors.hpp"
#include "actors/audit_log.hpp"
#include "actors/http.hpp"
#include "actors/metrics.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>

/// The admin endpoint (DESIGN.md §7): routing of HTTP requests, the admin
/// actor that asks the other actors, and the JSON it answers with.
namespace utsjekk {

/// What the router needs to know.
struct admin_route_config {
  /// The operator token; empty disables the actions.
  std::string token;
  /// Largest JSON body of an action.
  size_t max_body = 64 * 1024;
};

/// Routes one request: an answer at once (404, 405, 401, 403, 400) or a
/// query to answer. Checks the token and the body of operator actions.
std::variant<http_answer, admin_query> route(const http_request& req,
                                             const admin_route_config& cfg);

/// Decodes %XX escapes; nullopt for a broken escape or a NUL.
std::optional<std::string> percent_decode(std::string_view text);

/// A fagsystem from a path segment: its wire name ("TILLEGGSSTØNADER") or
/// its lower-case ASCII name ("tilleggsstonader").
std::optional<fagsystem> fagsystem_of_path(std::string_view text);

/// A JSON error answer `{"error": text}`.
http_answer json_error(int status, std::string_view text);

/// The answer to a failed request to an actor: 503 when `who` did not
/// answer in time or is gone, 404 for ec::not_found, 409 for
/// ec::wrong_state, 500 otherwise.
http_answer answer_for(const caf::error& err, std::string_view who);

/// The answer of /internal/isready: 200, or 503 naming what is missing.
http_answer readiness(const metrics& stats);

/// The page for people at /admin.
std::string_view admin_page();

/// JSON of one transaction; `authorized` shows personident and XML.
std::string to_json(const tx_view& x, bool authorized, local_time now);

/// The admin actor's state.
struct admin_state {
  std::map<fagsystem, supervisor_actor> supervisors;
  state_store_actor store;
  std::shared_ptr<metrics> stats;
  std::shared_ptr<audit_log> audit;
  /// The local time now.
  std::function<local_time()> now;
  /// The high watermark of a partition, for the readers in the tree.
  std::function<int64_t(const kafka::topic_partition&)> high_watermark;
  /// How long to wait for another actor.
  std::chrono::milliseconds ask_timeout{2000};
  /// Entries per list on /admin/actors.
  uint32_t list_limit = 200;

  /// Answers `q` through `rp`.
  void answer(const admin_query& q,
              caf::typed_response_promise<http_answer> rp);
  /// /admin/actors.
  void actors(const admin_query& q,
              caf::typed_response_promise<http_answer> rp);
  /// /admin/transactions/{key}.
  void transaction(const admin_query& q,
                   caf::typed_response_promise<http_answer> rp);
  /// /admin/saker/{fagsystem}/{sakId}.
  void sak(const admin_query& q,
           caf::typed_response_promise<http_answer> rp);
  /// The operator actions.
  void act(const admin_query& q,
           caf::typed_response_promise<http_answer> rp);
  /// Writes the audit line of an action and logs it.
  void audit_action(const admin_query& q, const http_answer& result);

  admin_actor::stateful_pointer<admin_state> self;
  static inline const char* name = "admin";
};

/// Spawned once per process.
admin_actor::behavior_type
admin(admin_actor::stateful_pointer<admin_state> self,
      std::map<fagsystem, supervisor_actor> supervisors,
      state_store_actor store, std::shared_ptr<metrics> stats,
      std::shared_ptr<audit_log> audit, std::function<local_time()> now,
      std::function<int64_t(const kafka::topic_partition&)> high_watermark,
      std::chrono::milliseconds ask_timeout, uint32_t list_limit);

/// What the HTTP side of the admin endpoint needs.
struct admin_http_context {
  caf::actor_system* sys = nullptr;
  admin_actor admin;
  admin_route_config routes;
  /// How long the bridge waits for the admin actor.
  std::chrono::milliseconds ask_timeout{2000};
  std::shared_ptr<metrics> stats;
  std::function<local_time()> now;
  std::function<int64_t(const kafka::topic_partition&)> high_watermark;
};

/// The handler the HTTP server calls: routes, answers what needs no actor
/// at once, and asks the admin actor for the rest through a short-lived
/// bridge actor, so that no server thread ever waits for an actor.
http_handler make_admin_handler(admin_http_context ctx);

} // namespace utsjekk
