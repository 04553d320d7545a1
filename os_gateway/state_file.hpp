#pragma once

#include "os_gateway/responder.hpp"

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <filesystem>
#include <optional>

namespace utsjekk::os {

/// The state of the standalone OS in one JSON file in a directory of its
/// own, replaced as a whole on every save: written to a temporary file,
/// flushed to disk, then renamed over the old one, so a crash leaves
/// either the old state or the new one.
class state_file {
public:
  /// The file `os-state.json` in `dir`.
  explicit state_file(std::filesystem::path dir);

  /// Creates the directory when it does not exist.
  caf::error prepare() const;

  /// Reads the saved state; nullopt when nothing was saved yet. A file
  /// that does not parse is an error, never an empty state.
  caf::expected<std::optional<responder_state>> load() const;

  /// Saves `x`, replacing the previous state atomically.
  caf::error save(const responder_state& x) const;

  /// Where the state lives.
  const std::filesystem::path& path() const;

private:
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

} // namespace utsjekk::os
