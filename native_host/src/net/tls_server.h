// A minimal HTTPS/1.1 endpoint for the M2DMRT registration exchange between two providers' agents
// (docs/m2dmrt-registration.md), and the client call that goes with it.
//
// Server: single-threaded, OpenSSL, one request per connection, `Connection: close` always.
//   POST /m2dmrt/register HTTP/1.1\r\n
//   Host: pay.test:8443\r\n
//   Content-Type: application/json\r\n
//   Content-Length: 182\r\n
//   \r\n
//   {"type":"m2dmrt-register-hello",...}
// Limits: request head ≤ 8 KiB, body ≤ max_body_bytes (64 KiB) and only with Content-Length
// (Transfer-Encoding is refused with 501), a per-read timeout and a per-connection deadline.
// Anything else gets a 4xx/5xx reply or a dropped connection; garbage never stops the server.
// With require_client_cert the client must present a certificate (mutual TLS), verified against
// client_ca_file (or the system store) for the *server* purpose (a provider presents its own site
// certificate); the handler gets its DER to bind the TLS key to the messages.
//
// Client: PostObservingPeer() POSTs over a fresh connection through libcurl and returns the leaf
// certificate the server presented on that same connection (CURLOPT_CERTINFO), so the caller can
// compare the key it saw in TLS with the key the peer claims (channel binding).
//
//   auto srv = TlsServer::Listen({.cert_file = "pay.pem", .key_file = "pay.key", .port = 0});
//   (*srv)->ServeOne([](const HttpRequest& r) { return HttpReply{200, "application/json", "{}"}; }, 5000);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::net {

inline constexpr size_t kMaxRequestHeadBytes = 8 * 1024;

struct TlsServerOptions {
  std::string cert_file;             // PEM certificate (chain) of this server
  std::string key_file;              // PEM private key
  bool require_client_cert = false;  // mutual TLS: a verified client certificate is required
  std::string client_ca_file;        // its trust anchors; empty: the system default store
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port (see port())
  int io_timeout_ms = 5000;
  int connection_deadline_ms = 10000;
  size_t max_body_bytes = 64 * 1024;
};

struct HttpRequest {
  std::string method;
  std::string target;  // request-target as sent, e.g. "/m2dmrt/register"
  std::string content_type;
  Bytes body;
  Bytes client_cert_der;  // verified client certificate, empty if none was asked for
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using HttpHandler = std::function<HttpReply(const HttpRequest&)>;

// Syntax of a request head (request line + headers, up to and excluding the blank line).
struct RequestHead {
  std::string method, target, content_type;
  uint64_t content_length = 0;
  bool has_content_length = false;
  bool chunked = false;  // any Transfer-Encoding header
};
Result<RequestHead> ParseRequestHead(std::string_view head);

class TlsServer {
 public:
  static Result<std::unique_ptr<TlsServer>> Listen(const TlsServerOptions& options);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  uint16_t port() const;
  // Waits up to accept_timeout_ms for one connection, serves one request with `handler`, closes.
  // An error is about that connection only (timeout, bad TLS, bad HTTP); the server stays usable.
  Status ServeOne(const HttpHandler& handler, int accept_timeout_ms);

 private:
  struct Impl;
  explicit TlsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct PeerPostOptions {
  std::string url;               // https://127.0.0.1:8443/m2dmrt/register
  std::string tls_name;          // name the server certificate must be valid for (pay.test); empty: URL host
  std::string ca_file;           // trust anchors for the server; empty: system default
  std::string client_cert_file;  // our certificate for mutual TLS (PEM); empty: none
  std::string client_key_file;
  long timeout_ms = 5000;
  size_t max_body_bytes = 64 * 1024;
};

struct PeerPostResult {
  long status = 0;
  Bytes body;
  std::string peer_cert_pem;  // leaf certificate seen on this connection
};

Result<PeerPostResult> PostObservingPeer(const PeerPostOptions& options, std::string_view content_type,
                                         ByteView body);

}  // namespace verity::net
