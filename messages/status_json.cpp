#include "messages/status_json.hpp"
