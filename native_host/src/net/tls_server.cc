#include "net/tls_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>

#include "crypto/certificate.h"
#include "crypto/openssl_error.h"

namespace verity::net {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    default:
      return status < 500 ? "Client Error" : "Server Error";
  }
}

std::string FormatReply(const HttpReply& r) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
  out += r.body;
  return out;
}

using Clock = std::chrono::steady_clock;

struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};

}  // namespace

Result<RequestHead> ParseRequestHead(std::string_view head) {
  if (head.size() > kMaxRequestHeadBytes) return MakeError(ErrorCode::kTooLarge, "request head too large");
  RequestHead out;
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1)
    return MakeError(ErrorCode::kNetTransport, "bad request line");
  out.method = std::string(line.substr(0, sp1));
  out.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return MakeError(ErrorCode::kNetTransport, "bad HTTP version");
  for (char c : out.method)
    if (c < 'A' || c > 'Z') return MakeError(ErrorCode::kNetTransport, "bad method");
  for (char c : out.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return MakeError(ErrorCode::kNetTransport, "bad target");
  while (!rest.empty()) {
    size_t e = rest.find("\r\n");
    std::string_view h = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    if (h.empty()) continue;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return MakeError(ErrorCode::kNetTransport, "bad header line");
    std::string name = Lower(h.substr(0, colon));
    for (char c : name)
      if (c == ' ' || c == '\t') return MakeError(ErrorCode::kNetTransport, "bad header name");
    std::string_view value = Trim(h.substr(colon + 1));
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return MakeError(ErrorCode::kNetTransport, "bad header value");
    if (name == "content-length") {
      if (out.has_content_length) return MakeError(ErrorCode::kNetTransport, "repeated Content-Length");
      if (value.empty() || value.size() > 18)
        return MakeError(ErrorCode::kNetTransport, "bad Content-Length");
      uint64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size())
        return MakeError(ErrorCode::kNetTransport, "bad Content-Length");
      out.content_length = n;
      out.has_content_length = true;
    } else if (name == "transfer-encoding") {
      out.chunked = true;
    } else if (name == "content-type") {
      out.content_type = std::string(value);
    }
  }
  return out;
}

struct TlsServer::Impl {
  TlsServerOptions options;
  SSL_CTX* ctx = nullptr;
  int fd = -1;
  uint16_t port = 0;

  ~Impl() {
    if (fd >= 0) close(fd);
    if (ctx) SSL_CTX_free(ctx);
  }

  // Reads from `ssl` into `buf` until `want` bytes are there or the deadline passes.
  bool ReadMore(SSL* ssl, std::string& buf, Clock::time_point deadline) {
    if (Clock::now() > deadline) return false;
    char tmp[4096];
    int n = SSL_read(ssl, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    return true;
  }

  HttpReply Handle(SSL* ssl, const HttpHandler& handler, Clock::time_point deadline) {
    std::string buf;
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxRequestHeadBytes) return HttpReply{431, "text/plain", "request head too large\n"};
      if (!ReadMore(ssl, buf, deadline)) return HttpReply{408, "text/plain", "incomplete request\n"};
    }
    if (head_end > kMaxRequestHeadBytes) return HttpReply{431, "text/plain", "request head too large\n"};
    auto head = ParseRequestHead(std::string_view(buf).substr(0, head_end));
    if (!head) return HttpReply{400, "text/plain", head.error().detail + "\n"};
    if (head->chunked) return HttpReply{501, "text/plain", "Transfer-Encoding not supported\n"};
    if (head->method != "POST") return HttpReply{405, "text/plain", "POST only\n"};
    if (!head->has_content_length) return HttpReply{411, "text/plain", "Content-Length required\n"};
    if (head->content_length > options.max_body_bytes)
      return HttpReply{413, "text/plain", "body too large\n"};
    size_t need = head_end + 4 + static_cast<size_t>(head->content_length);
    while (buf.size() < need) {
      if (!ReadMore(ssl, buf, deadline)) return HttpReply{408, "text/plain", "incomplete body\n"};
    }
    if (buf.size() > need)
      return HttpReply{400, "text/plain", "data after the body (one request per connection)\n"};
    HttpRequest req;
    req.method = head->method;
    req.target = head->target;
    req.content_type = head->content_type;
    req.body.assign(buf.begin() + static_cast<std::ptrdiff_t>(head_end + 4), buf.end());
    if (options.require_client_cert) {
      X509* peer = SSL_get1_peer_certificate(ssl);
      if (peer) {
        unsigned char* der = nullptr;
        int len = i2d_X509(peer, &der);
        if (len > 0) req.client_cert_der.assign(der, der + len);
        OPENSSL_free(der);
        X509_free(peer);
      }
    }
    return handler(req);
  }
};

TlsServer::TlsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsServer::~TlsServer() = default;
uint16_t TlsServer::port() const { return impl_->port; }

Result<std::unique_ptr<TlsServer>> TlsServer::Listen(const TlsServerOptions& options) {
  // A peer closing early must not kill the process through SIGPIPE on SSL_write.
  signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->ctx = SSL_CTX_new(TLS_server_method());
  if (!impl->ctx) return MakeError(ErrorCode::kNetTransport, crypto::FormatOpenSslError("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(impl->ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(impl->ctx, options.cert_file.c_str()) != 1)
    return MakeError(ErrorCode::kIo,
                     crypto::FormatOpenSslError("cannot load certificate " + options.cert_file));
  if (SSL_CTX_use_PrivateKey_file(impl->ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return MakeError(ErrorCode::kIo, crypto::FormatOpenSslError("cannot load key " + options.key_file));
  if (SSL_CTX_check_private_key(impl->ctx) != 1)
    return MakeError(ErrorCode::kIo, crypto::FormatOpenSslError("key does not match certificate"));
  if (options.require_client_cert) {
    if (options.client_ca_file.empty()) {
      if (SSL_CTX_set_default_verify_paths(impl->ctx) != 1)
        return MakeError(ErrorCode::kIo, crypto::FormatOpenSslError("cannot load the system trust store"));
    } else if (SSL_CTX_load_verify_locations(impl->ctx, options.client_ca_file.c_str(), nullptr) != 1) {
      return MakeError(ErrorCode::kIo,
                       crypto::FormatOpenSslError("cannot load client CA " + options.client_ca_file));
    }
    SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // The peer presents its own site certificate: check it for the TLS server purpose.
    SSL_CTX_set_purpose(impl->ctx, crypto::X509PurposeSslServer());
    SSL_CTX_set_verify_depth(impl->ctx, 8);
  }
  impl->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl->fd < 0) return MakeError(ErrorCode::kNetTransport, "socket failed");
  int one = 1;
  setsockopt(impl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.bind_address.c_str(), &addr.sin_addr) != 1)
    return MakeError(ErrorCode::kNetTransport, "bad bind address " + options.bind_address);
  if (bind(impl->fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return MakeError(ErrorCode::kNetTransport, std::string("bind failed: ") + std::strerror(errno));
  if (listen(impl->fd, 16) != 0) return MakeError(ErrorCode::kNetTransport, "listen failed");
  socklen_t alen = sizeof addr;
  if (getsockname(impl->fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0)
    return MakeError(ErrorCode::kNetTransport, "getsockname failed");
  impl->port = ntohs(addr.sin_port);
  return std::unique_ptr<TlsServer>(new TlsServer(std::move(impl)));
}

Status TlsServer::ServeOne(const HttpHandler& handler, int accept_timeout_ms) {
  pollfd p{impl_->fd, POLLIN, 0};
  int pr = poll(&p, 1, accept_timeout_ms);
  if (pr == 0) return MakeError(ErrorCode::kNetTransport, "no connection before the timeout");
  if (pr < 0) return MakeError(ErrorCode::kNetTransport, "poll failed");
  int cfd = accept4(impl_->fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (cfd < 0) return MakeError(ErrorCode::kNetTransport, "accept failed");
  timeval tv{impl_->options.io_timeout_ms / 1000, (impl_->options.io_timeout_ms % 1000) * 1000};
  setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  auto deadline = Clock::now() + std::chrono::milliseconds(impl_->options.connection_deadline_ms);
  std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(impl_->ctx));
  if (!ssl) {
    close(cfd);
    return MakeError(ErrorCode::kNetTransport, crypto::FormatOpenSslError("SSL_new"));
  }
  SSL_set_fd(ssl.get(), cfd);
  Status result;
  if (SSL_accept(ssl.get()) != 1) {
    result = MakeError(ErrorCode::kNetTransport, crypto::FormatOpenSslError("TLS handshake failed"));
  } else {
    HttpReply reply = impl_->Handle(ssl.get(), handler, deadline);
    std::string out = FormatReply(reply);
    size_t off = 0;
    while (off < out.size() && Clock::now() <= deadline) {
      int n = SSL_write(ssl.get(), out.data() + off, static_cast<int>(out.size() - off));
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    if (off < out.size()) result = MakeError(ErrorCode::kNetTransport, "could not send the reply");
    SSL_shutdown(ssl.get());
  }
  crypto::ClearOpenSslErrors();
  ssl.reset();
  close(cfd);
  return result;
}

namespace {

size_t Sink(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* s = static_cast<std::pair<Bytes*, size_t>*>(user);
  size_t n = size * nmemb;
  if (s->first->size() + n > s->second) return 0;  // aborts the transfer
  s->first->insert(s->first->end(), ptr, ptr + n);
  return n;
}

// "https://H:P/path" -> H and P ("443" if absent); H may be a bracketed IPv6 literal.
bool SplitHttpsUrl(std::string_view url, std::string& host, std::string& port, std::string& path) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
  } else {
    host = std::string(authority);
    port = "443";
  }
  return !host.empty() && !port.empty();
}

}  // namespace

Result<PeerPostResult> PostObservingPeer(const PeerPostOptions& o, std::string_view content_type,
                                         ByteView body) {
  std::string host, port, path;
  if (!SplitHttpsUrl(o.url, host, port, path))
    return MakeError(ErrorCode::kNetTransport, "not an https URL: " + o.url);
  CURL* c = curl_easy_init();
  if (!c) return MakeError(ErrorCode::kNetTransport, "curl_easy_init failed");
  std::string url = o.url;
  std::string connect_to;
  curl_slist* connect_list = nullptr;
  if (!o.tls_name.empty() && o.tls_name != host) {
    // Connect to the URL's address but ask for, and verify the certificate of, the peer's name.
    url = "https://" + o.tls_name + ":" + port + path;
    connect_to = o.tls_name + ":" + port + ":" + host + ":" + port;
    connect_list = curl_slist_append(nullptr, connect_to.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_list);
  }
  std::string ct = "Content-Type: " + std::string(content_type);
  curl_slist* headers = curl_slist_append(nullptr, ct.c_str());
  Bytes out;
  std::pair<Bytes*, size_t> sink{&out, o.max_body_bytes};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.client_cert_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, o.client_cert_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, o.client_key_file.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, reinterpret_cast<const char*>(body.data()));
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Sink);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(c);
  PeerPostResult r;
  Result<PeerPostResult> result = MakeError(ErrorCode::kNetTransport, curl_easy_strerror(rc));
  if (rc == CURLE_WRITE_ERROR && out.size() + CURL_MAX_WRITE_SIZE > o.max_body_bytes) {
    result = MakeError(ErrorCode::kNetTooLarge, "reply larger than allowed");
  } else if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_certinfo* info = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &info) == CURLE_OK && info && info->num_of_certs > 0) {
      for (curl_slist* s = info->certinfo[0]; s; s = s->next) {
        std::string_view line(s->data);
        if (line.substr(0, 5) == "Cert:") r.peer_cert_pem = std::string(line.substr(5));
      }
    }
    r.body = std::move(out);
    if (r.peer_cert_pem.empty())
      result = MakeError(ErrorCode::kNetTransport, "no peer certificate seen on the connection");
    else
      result = std::move(r);
  }
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_list);
  curl_easy_cleanup(c);
  return result;
}

}  // namespace verity::net
