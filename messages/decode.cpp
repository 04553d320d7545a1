#include "messages/decode.hpp"
