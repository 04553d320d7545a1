#include "messages/utbetaling_json.hpp"
