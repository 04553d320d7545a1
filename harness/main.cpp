#include "harness/generator.hpp"

#include <iostream>
#include <string>
#include <string_view>

using namespace utsjekk;

namespace {

constexpr const char* usage
  = "usage: utsjekk-harness generate [--messages N] [--saker N] [--seed N]\n"
    "                                [--prefix TEXT] [--invalid SHARE]\n"
    "                                [--redelivery SHARE] [--opphor SHARE]\n"
    "Writes realistic records over all six fagsystemer as JSON lines\n"
    "({\"topic\",\"key\",\"value\"}) to stdout, for utsjekk-replay --input.\n";

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view{argv[1]} != "generate") {
    std::cerr << usage;
    return argc < 2 ? 2 : (std::string_view{argv[1]} == "--help" ? 0 : 2);
  }
  generator_options opts;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (i + 1 >= argc) {
      std::cerr << "utsjekk-harness: " << arg << " needs a value\n" << usage;
      return 2;
    }
    std::string value = argv[++i];
    try {
      if (arg == "--messages")
        opts.messages = std::stoul(value);
      else if (arg == "--saker")
        opts.saker = std::stoul(value);
      else if (arg == "--seed")
        opts.seed = std::stoull(value);
      else if (arg == "--prefix")
        opts.prefix = value;
      else if (arg == "--invalid")
        opts.invalid_share = std::stod(value);
      else if (arg == "--redelivery")
        opts.redelivery_share = std::stod(value);
      else if (arg == "--opphor")
        opts.opphor_share = std::stod(value);
      else {
        std::cerr << "utsjekk-harness: unknown argument " << arg << '\n'
                  << usage;
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "utsjekk-harness: " << arg << " takes a number, got "
                << value << '\n';
      return 2;
    }
  }
  if (opts.saker == 0 || opts.messages < opts.saker
      || opts.prefix.size() > 10) {
    std::cerr << "utsjekk-harness: need 1 <= saker <= messages and a prefix"
                 " of at most 10 characters\n";
    return 2;
  }
  for (auto& rec : generate(opts))
    std::cout << to_jsonl(rec) << '\n';
  return 0;
}
