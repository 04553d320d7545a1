#pragma once

#include <cstdint>

namespace utsjekk {

enum class ec : uint8_t;
enum class fagsystem : uint8_t;
enum class periodetype : uint8_t;
enum class action : uint8_t;
enum class status_kind : uint8_t;

struct api_error;
struct avvent;
struct decoded_message;
struct kroner;
struct mmel;
struct oppdrag;
struct oppdragslinje;
struct periode;
struct sak_key;
struct sak_state;
struct status_reply;
struct tx_id;
struct utbetaling;
struct uuid;

} // namespace utsjekk
