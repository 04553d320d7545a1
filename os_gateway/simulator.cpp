#include "os_gateway/simulator.hpp"
