#include "kafka/kafka.hpp"
