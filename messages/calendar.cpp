#include "messages/calendar.hpp"
