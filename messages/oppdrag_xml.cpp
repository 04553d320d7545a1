#include "messages/oppdrag_xml.hpp"
