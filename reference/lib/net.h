#pragma once

#include <cstdint>
#include <string>

#include "unique_fd.h"

namespace procsig {

// "127.0.0.1:8080", or "[::1]:8080" for an IPv6 literal.
std::string address_and_port(const std::string& address, uint16_t port);

// A listening TCP socket on `address` (an IPv4 or IPv6 literal, optionally
// in brackets) and `port` (0: the kernel picks one), with SO_REUSEADDR and
// a backlog of SOMAXCONN. A bad literal exits with status 2, a failed
// socket/bind/listen with `cannot listen on <address>:<port>: <reason>`
// and status 3.
UniqueFd listen_tcp(const std::string& address, uint16_t port);

// The local port a socket is bound to.
uint16_t local_port(int fd);

// Resolves `host` with getaddrinfo and connects to the first address that
// accepts. A name that does not resolve exits with
// `unknown host '<host>': <reason>` and status 5; no address accepting
// exits with `cannot connect to <host>:<port>: <reason>` and status 4.
UniqueFd connect_tcp(const std::string& host, uint16_t port);

}  // namespace procsig
