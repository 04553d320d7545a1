#pragma once

namespace utsjekk::kafka {

struct client_config;
struct consumer_handlers;
struct record;
struct topic_partition;
struct topic_spec;

class consumer;
class embedded_cluster;
class producer;

} // namespace utsjekk::kafka
