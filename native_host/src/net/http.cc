#include "net/http.h"

#include <curl/curl.h>

#include <mutex>

namespace verity::net {
namespace {

struct Sink {
  Bytes* body;
  size_t cap;
  bool overflow = false;
};

size_t Write(char* p, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  if (s->body->size() + len > s->cap) {
    s->overflow = true;
    return 0;
  }
  s->body->insert(s->body->end(), p, p + len);
  return len;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct HttpClient::Impl {
  HttpOptions options;
  CURL* curl = nullptr;
  ~Impl() {
    if (curl) curl_easy_cleanup(curl);
  }
  Result<HttpResponse> Perform(const std::string& url, curl_slist* headers) {
    HttpResponse resp;
    Sink sink{&resp.body, options.max_body_bytes};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    if (sink.overflow)
      return MakeError(ErrorCode::kNetTooLarge, "response body over " + std::to_string(sink.cap) + " bytes");
    if (rc != CURLE_OK) return MakeError(ErrorCode::kNetTransport, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
    char* ct = nullptr;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) resp.content_type = ct;
    return resp;
  }
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
  impl_->curl = curl_easy_init();
  if (impl_->curl) {
    CURL* c = impl_->curl;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, impl_->options.timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, impl_->options.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    if (!impl_->options.cainfo.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, impl_->options.cainfo.c_str());
  }
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Post(const std::string& url, std::string_view content_type, ByteView body) {
  if (!impl_->curl) return MakeError(ErrorCode::kNetTransport, "curl_easy_init failed");
  std::string ct = "Content-Type: " + std::string(content_type),
              accept = "Accept: " + std::string(content_type);
  curl_slist* headers = curl_slist_append(nullptr, ct.c_str());
  headers = curl_slist_append(headers, accept.c_str());
  curl_easy_setopt(impl_->curl, CURLOPT_POST, 1L);
  curl_easy_setopt(impl_->curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(impl_->curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  auto r = impl_->Perform(url, headers);
  curl_slist_free_all(headers);
  return r;
}

Result<HttpResponse> HttpClient::Get(const std::string& url) {
  if (!impl_->curl) return MakeError(ErrorCode::kNetTransport, "curl_easy_init failed");
  curl_easy_setopt(impl_->curl, CURLOPT_HTTPGET, 1L);
  return impl_->Perform(url, nullptr);
}

Result<std::string> HttpClient::PeerCertificatePem(const std::string& host, uint16_t port,
                                                   const ProbeOptions& probe) {
  CURL* c = curl_easy_init();
  if (!c) return MakeError(ErrorCode::kNetTransport, "curl_easy_init failed");
  std::string url = "https://" + host + ":" + std::to_string(port) + "/";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
  if (!probe.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_slist* resolve = nullptr;
  if (!probe.connect_address.empty()) {
    resolve =
        curl_slist_append(resolve, (host + ":" + std::to_string(port) + ":" + probe.connect_address).c_str());
  }
  if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, impl_->options.timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!impl_->options.cainfo.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, impl_->options.cainfo.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    curl_easy_cleanup(c);
    curl_slist_free_all(resolve);
    return MakeError(ErrorCode::kNetTransport, curl_easy_strerror(rc));
  }
  curl_certinfo* info = nullptr;
  std::string pem;
  if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &info) == CURLE_OK && info && info->num_of_certs > 0) {
    for (curl_slist* s = info->certinfo[0]; s; s = s->next) {
      std::string_view line(s->data);
      if (line.substr(0, 5) == "Cert:") pem = std::string(line.substr(5));
    }
  }
  curl_easy_cleanup(c);
  curl_slist_free_all(resolve);
  if (pem.empty()) return MakeError(ErrorCode::kNetTransport, "no peer certificate");
  return pem;
}

}  // namespace verity::net
