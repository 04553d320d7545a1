#include "messages/kvittering.hpp"
