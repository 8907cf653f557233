#include "headers/url.h"

#include <vector>

namespace verity::headers {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

Error BadUrl(std::string what) { return MakeError(ErrorCode::kHeaderBadManifestUrl, std::move(what)); }

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

// "host[:port]" -> (host, port). `err` builds the error for the caller's code.
template <class MakeErr>
Result<Origin> ParseAuthority(std::string_view scheme, std::string_view auth, MakeErr err) {
  if (auth.find('@') != std::string_view::npos) return err("userinfo not allowed");
  Origin o;
  o.scheme = std::string(scheme);
  o.port = DefaultPort(scheme);
  std::string_view host = auth;
  std::string_view port;
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    if (close == std::string_view::npos) return err("unterminated IPv6 literal");
    host = auth.substr(0, close + 1);
    std::string_view rest = auth.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return err("garbage after IPv6 literal");
      port = rest.substr(1);
    }
    if (host.size() < 3) return err("empty IPv6 literal");
    for (char c : host.substr(1, host.size() - 2)) {
      bool ok = IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f') || c == ':' || c == '.';
      if (!ok) return err("bad IPv6 literal");
    }
  } else {
    size_t colon = auth.rfind(':');
    if (colon != std::string_view::npos) {
      host = auth.substr(0, colon);
      port = auth.substr(colon + 1);
    }
    if (host.empty()) return err("empty host");
    for (char c : host) {
      bool ok = IsAlpha(c) || IsDigit(c) || c == '.' || c == '-';
      if (!ok) return err("bad host character");
    }
  }
  for (char c : host) o.host += Lower(c);
  if (auth.size() > host.size()) {  // a ':' followed the host
    if (port.empty()) {
      // "host:" means the default port in WHATWG; accept it.
    } else {
      if (port.size() > 5) return err("port out of range");
      uint32_t p = 0;
      for (char c : port) {
        if (!IsDigit(c)) return err("bad port");
        p = p * 10 + static_cast<uint32_t>(c - '0');
      }
      if (p > 65535) return err("port out of range");
      o.port = static_cast<uint16_t>(p);
    }
  }
  return o;
}

// RFC 3986 §5.2.4 on a path that starts with '/'.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 1;  // skip the leading '/'
  bool trailing_slash = false;
  while (i <= path.size()) {
    size_t next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    std::string_view seg = path.substr(i, next - i);
    bool last = next == path.size();
    if (seg == ".") {
      trailing_slash = last;
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(seg);
      trailing_slash = false;
    }
    i = next + 1;
  }
  std::string r;
  for (auto s : out) {
    r += '/';
    r += s;
  }
  if (trailing_slash || r.empty()) r += '/';
  return r;
}

void AppendEncoded(std::string& out, std::string_view s, std::string_view set) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    if (set.find(c) != std::string_view::npos) {
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string Origin::Serialize() const {
  std::string s = scheme;
  s += "://";
  s += host;
  if (port != DefaultPort(scheme)) {
    s += ':';
    s += std::to_string(port);
  }
  return s;
}

Result<Origin> ParseOrigin(std::string_view text) {
  auto err = [](std::string what) { return MakeError(ErrorCode::kHeaderBadOrigin, std::move(what)); };
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return err("missing scheme");
  std::string scheme;
  for (char c : text.substr(0, sep)) scheme += Lower(c);
  if (scheme != "https" && scheme != "http") return err("origin scheme must be http or https");
  std::string_view auth = text.substr(sep + 3);
  if (!auth.empty() && auth.back() == '/') auth.remove_suffix(1);
  for (char c : auth) {
    if (c == '/' || c == '?' || c == '#' || static_cast<unsigned char>(c) <= 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f)
      return err("origin has a path or bad character");
  }
  return ParseAuthority(scheme, auth, err);
}

Result<ResolvedUrl> ResolveUrl(std::string_view ref, const Origin& base) {
  if (ref.empty()) return BadUrl("empty URL");
  for (char c : ref) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\')
      return BadUrl("space, backslash, control or non-ASCII character");
  }
  // Split off the fragment first; it never takes part.
  ref = ref.substr(0, ref.find('#'));

  Origin origin = base;
  std::string_view rest;  // path + query, relative or absolute
  size_t scheme_end = 0;
  if (IsAlpha(ref.empty() ? '\0' : ref[0])) {
    while (scheme_end < ref.size() &&
           (IsAlpha(ref[scheme_end]) || IsDigit(ref[scheme_end]) || ref[scheme_end] == '+' ||
            ref[scheme_end] == '-' || ref[scheme_end] == '.'))
      ++scheme_end;
  }
  bool has_scheme = scheme_end > 0 && scheme_end < ref.size() && ref[scheme_end] == ':';
  std::string_view after_scheme;
  std::string scheme;
  if (has_scheme) {
    for (char c : ref.substr(0, scheme_end)) scheme += Lower(c);
    after_scheme = ref.substr(scheme_end + 1);
    if (after_scheme.substr(0, 2) != "//") return BadUrl("absolute URL without '//'");
  } else if (ref.substr(0, 2) == "//") {
    scheme = base.scheme;
    after_scheme = ref;
  }
  if (!scheme.empty()) {
    if (scheme != "https" && !(scheme == "http" && base.scheme == "http")) {
      return BadUrl("scheme '" + scheme + "' not allowed for a manifest");
    }
    std::string_view hier = after_scheme.substr(2);
    size_t auth_end = hier.find_first_of("/?");
    if (auth_end == std::string_view::npos) auth_end = hier.size();
    auto o =
        ParseAuthority(scheme, hier.substr(0, auth_end), [](std::string w) { return BadUrl(std::move(w)); });
    if (!o) return o.error();
    origin = std::move(*o);
    rest = hier.substr(auth_end);
  } else {
    rest = ref;
  }

  size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q);
  std::string full_path;
  if (path.empty() || path[0] != '/') full_path = "/";  // merge with the base path "/"
  full_path += path;

  ResolvedUrl out;
  out.url = origin.Serialize();
  AppendEncoded(out.url, RemoveDotSegments(full_path), "\"<>`{}");
  AppendEncoded(out.url, query, "\"<>'");
  out.origin = std::move(origin);
  return out;
}

}  // namespace verity::headers
