#include "messages/plan.hpp"
