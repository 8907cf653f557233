// HTTP(S) through libcurl, the only module that includes curl (design §2). Used for DNS-over-HTTPS
// (RFC 8484 POST of application/dns-message) and for the host's own TLS probe of a server's
// certificate (M2DMRT fallback when the browser cannot show the key; labelled "observed by host").
//
//   net::HttpClient c({.cainfo = "/tmp/ca.pem", .timeout_ms = 3000});
//   auto r = c.Post("https://127.0.0.1:8443/dns-query", "application/dns-message", query);
//   r->status == 200; r->body = wire-format DNS answer
// One client keeps one connection (HTTP/2 where offered) for reuse; not thread-safe.
// Nothing here runs unless a caller asks: the host never phones home.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::net {

struct HttpOptions {
  std::string cainfo;  // CA bundle file; empty = system default
  long timeout_ms = 5000;
  size_t max_body_bytes = 1 << 20;
};

// PeerCertificatePem options. verify_peer=false: read the key the server presents without checking
// its chain (the M2DMRT probe checks that key against DNSSEC-signed declarations instead);
// connect_address: connect there instead of resolving the host (curl's CURLOPT_RESOLVE).
struct ProbeOptions {
  bool verify_peer = true;
  std::string connect_address;
};

struct HttpResponse {
  long status = 0;
  std::string content_type;
  Bytes body;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> Post(const std::string& url, std::string_view content_type, ByteView body);
  Result<HttpResponse> Get(const std::string& url);
  // TLS handshake with https://host:port/ and the server's leaf certificate as PEM.
  Result<std::string> PeerCertificatePem(const std::string& host, uint16_t port,
                                         const ProbeOptions& probe = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace verity::net
