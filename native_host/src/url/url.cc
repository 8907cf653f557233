#include "url/url.h"

#include <arpa/inet.h>

#include <cstdio>
#include <vector>

namespace verity::url {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

// Bytes the WHATWG serialiser percent-encodes (controls and space are rejected earlier).
bool InPathEncodeSet(unsigned char c) {
  return c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '^';
}
bool InQueryEncodeSet(unsigned char c) { return c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\''; }

void AppendEncoded(std::string& out, std::string_view in, bool (*in_set)(unsigned char)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (in_set(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}
bool IsSingleDot(std::string_view s) { return s == "." || EqualsIgnoreCase(s, "%2e"); }
bool IsDoubleDot(std::string_view s) {
  return s == ".." || EqualsIgnoreCase(s, ".%2e") || EqualsIgnoreCase(s, "%2e.") ||
         EqualsIgnoreCase(s, "%2e%2e");
}

// Removes dot segments from an absolute path ("/..."), percent-encoding each kept segment.
std::string NormalizePath(std::string_view path) {
  // path starts with '/'. Split on '/', keep a stack of output segments.
  std::vector<std::string_view> segs;
  size_t pos = 1;
  bool trailing_slash = false;
  while (true) {
    size_t next = path.find('/', pos);
    std::string_view seg =
        path.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    bool last = next == std::string_view::npos;
    if (IsDoubleDot(seg)) {
      if (!segs.empty()) segs.pop_back();
      trailing_slash = true;  // "/a/.." -> "/"
    } else if (IsSingleDot(seg)) {
      trailing_slash = true;  // "/a/." -> "/a/"
    } else {
      segs.push_back(seg);
      trailing_slash = false;
    }
    if (last) break;
    pos = next + 1;
  }
  std::string out;
  out.reserve(path.size() + 8);
  for (std::string_view s : segs) {
    out.push_back('/');
    AppendEncoded(out, s, InPathEncodeSet);
  }
  if (trailing_slash || out.empty()) out.push_back('/');
  return out;
}

// Dotted-decimal IPv4 without leading zeros, each part 0..255.
bool IsCanonicalIpv4(std::string_view h) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t dot = h.find('.', pos);
    std::string_view p = h.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (p.empty() || p.size() > 3) return false;
    for (char c : p) {
      if (!IsDigit(c)) return false;
    }
    if (p.size() > 1 && p[0] == '0') return false;
    int v = 0;
    for (char c : p) v = v * 10 + (c - '0');
    if (v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

// WHATWG "ends in a number": the last label (ignoring one trailing empty label) is all digits or
// 0x-hex. Such hosts are IPv4 in some spelling; we accept only the canonical one.
bool EndsInNumber(std::string_view h) {
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);
  size_t dot = h.rfind('.');
  std::string_view last = dot == std::string_view::npos ? h : h.substr(dot + 1);
  if (last.empty()) return false;
  bool all_digits = true;
  for (char c : last) all_digits &= IsDigit(c);
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (char c : last.substr(2)) {
      if (!(IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'))) return false;
    }
    return true;
  }
  return false;
}

// "[v6]" host: validated by inet_pton, serialised the WHATWG way (lower-case hex, no leading zeros,
// the first longest run of two or more zero pieces compressed to "::", no embedded IPv4 form).
Result<std::string> CanonicalIpv6(std::string_view literal) {
  std::string text(literal);
  in6_addr a{};
  if (text.find('%') != std::string::npos || inet_pton(AF_INET6, text.c_str(), &a) != 1) {
    return MakeError(ErrorCode::kUrlBadHost, "invalid IPv6 literal");
  }
  uint16_t pieces[8];
  for (int i = 0; i < 8; ++i) pieces[i] = static_cast<uint16_t>(a.s6_addr[2 * i] << 8 | a.s6_addr[2 * i + 1]);
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out = "[";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += i == 0 ? "::" : ":";
      i += best_len - 1;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", pieces[i]);
    out += buf;
    if (i != 7) out += ':';
  }
  out += ']';
  return out;
}

Status ParsePort(std::string_view port, std::string_view scheme, Url& url) {
  url.port = 0;
  if (port.empty()) return OkStatus();
  if (port.size() > 5) return MakeError(ErrorCode::kUrlBadPort, std::string(port));
  uint32_t v = 0;
  for (char c : port) {
    if (!IsDigit(c)) return MakeError(ErrorCode::kUrlBadPort, std::string(port));
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return MakeError(ErrorCode::kUrlBadPort, std::string(port));
  if (v != DefaultPort(scheme)) url.port = static_cast<uint16_t>(v);
  return OkStatus();
}

Status ParseAuthority(std::string_view auth, std::string_view scheme, Url& url) {
  if (auth.find('@') != std::string_view::npos) return MakeError(ErrorCode::kUrlUserinfo, std::string(auth));
  if (!auth.empty() && auth[0] == '[') {
    size_t close = auth.find(']');
    if (close == std::string_view::npos)
      return MakeError(ErrorCode::kUrlBadHost, "unterminated IPv6 literal");
    std::string_view after = auth.substr(close + 1);
    if (!after.empty() && after[0] != ':')
      return MakeError(ErrorCode::kUrlBadHost, "junk after IPv6 literal");
    auto v6 = CanonicalIpv6(auth.substr(1, close - 1));
    if (!v6) return v6.error();
    url.host = std::move(*v6);
    return ParsePort(after.empty() ? after : after.substr(1), scheme, url);
  }
  std::string_view host = auth, port;
  size_t colon = auth.find(':');
  if (colon != std::string_view::npos) {
    host = auth.substr(0, colon);
    port = auth.substr(colon + 1);
  }
  if (host.empty()) return MakeError(ErrorCode::kUrlBadHost, "empty host");
  url.host.clear();
  url.host.reserve(host.size());
  for (char c : host) {
    char l = Lower(c);
    if (!((l >= 'a' && l <= 'z') || IsDigit(l) || l == '-' || l == '.' || l == '_')) {
      return MakeError(ErrorCode::kUrlBadHost, "unsupported character in host");
    }
    url.host.push_back(l);
  }
  if (EndsInNumber(url.host) && !IsCanonicalIpv4(url.host)) {
    return MakeError(ErrorCode::kUrlBadHost, "numeric host is not canonical dotted-decimal IPv4");
  }
  return ParsePort(port, scheme, url);
}

// Scheme of `s` if it starts with one ("abc+d.e-f:"), lower-cased; empty otherwise.
std::string SchemeOf(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return {};
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') {
      std::string out(s.substr(0, i));
      for (char& ch : out) ch = Lower(ch);
      return out;
    }
    if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.')) return {};
  }
  return {};
}

// rest: "/path?query", "/path", "?query" (path "/") or empty (path "/").
void SetPathAndQuery(std::string_view rest, Url& url) {
  size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  url.path = NormalizePath(path.empty() ? std::string_view("/") : path);
  url.has_query = q != std::string_view::npos;
  url.query.clear();
  if (url.has_query) AppendEncoded(url.query, rest.substr(q + 1), InQueryEncodeSet);
}

// "host[:port]/path?query" after "scheme://" (or after "//" of a scheme-relative reference).
Status ParseAfterScheme(std::string_view rest, Url& url) {
  size_t end = rest.find_first_of("/?");
  VERITY_RETURN_IF_ERROR(ParseAuthority(rest.substr(0, end), url.scheme, url));
  SetPathAndQuery(end == std::string_view::npos ? std::string_view() : rest.substr(end), url);
  return OkStatus();
}

Result<Url> Resolve(std::string_view ref, const Url* base) {
  for (char c : ref) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') {
      return MakeError(ErrorCode::kUrlBadChar, "control character, space or backslash in URL");
    }
  }
  size_t hash = ref.find('#');
  if (hash != std::string_view::npos) ref = ref.substr(0, hash);

  Url url;
  std::string scheme = SchemeOf(ref);
  if (!scheme.empty()) {
    if (scheme != "http" && scheme != "https") return MakeError(ErrorCode::kUrlUnsupportedScheme, scheme);
    std::string_view rest = ref.substr(scheme.size() + 1);
    if (rest.substr(0, 2) != "//") return MakeError(ErrorCode::kUrlSyntax, "expected \"//\" after scheme");
    url.scheme = std::move(scheme);
    VERITY_RETURN_IF_ERROR(ParseAfterScheme(rest.substr(2), url));
    return url;
  }
  if (base == nullptr) return MakeError(ErrorCode::kUrlSyntax, "relative URL without a base");

  url.scheme = base->scheme;
  if (ref.substr(0, 2) == "//") {
    VERITY_RETURN_IF_ERROR(ParseAfterScheme(ref.substr(2), url));
    return url;
  }
  url.host = base->host;
  url.port = base->port;
  if (ref.empty()) {
    url.path = base->path;
    url.query = base->query;
    url.has_query = base->has_query;
    return url;
  }
  if (ref[0] == '?') {
    url.path = base->path;
    url.has_query = true;
    AppendEncoded(url.query, ref.substr(1), InQueryEncodeSet);
    return url;
  }
  if (ref[0] == '/') {
    SetPathAndQuery(ref, url);
    return url;
  }
  // Relative path: merge with the base path's directory.
  size_t slash = base->path.rfind('/');
  std::string merged = slash == std::string::npos ? std::string("/") : base->path.substr(0, slash + 1);
  merged.append(ref);
  SetPathAndQuery(merged, url);
  return url;
}

}  // namespace

Result<Url> ParseUrl(std::string_view text) { return Resolve(text, nullptr); }
Result<Url> ResolveUrl(std::string_view ref, const Url& base) { return Resolve(ref, &base); }

std::string FormatOrigin(const Url& url) {
  std::string out;
  out.reserve(url.scheme.size() + url.host.size() + 10);
  out.append(url.scheme).append("://").append(url.host);
  if (url.port != 0) out.append(":").append(std::to_string(url.port));
  return out;
}

std::string FormatUrl(const Url& url) {
  std::string out = FormatOrigin(url);
  out.append(url.path);
  if (url.has_query) out.append("?").append(url.query);
  return out;
}

Url OriginOf(const Url& url) {
  Url o;
  o.scheme = url.scheme;
  o.host = url.host;
  o.port = url.port;
  o.path.assign(1, '/');
  return o;
}

namespace {

// Path characters that the canonical form keeps as they are.
bool IsPlainPathChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c == '!' ||
         c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
         c == ';' || c == '=' || c == ':' || c == '@';
}

// "/a/b.js" that needs no rewriting: path-absolute, no "//" authority, no dot segment (no "/."),
// no escapes, query, fragment or characters to encode. Most manifest keys look like this.
bool IsPlainAbsolutePath(std::string_view ref) {
  if (ref.size() < 1 || ref[0] != '/' || (ref.size() > 1 && ref[1] == '/')) return false;
  char prev = 0;
  for (char c : ref) {
    if (!IsPlainPathChar(c) || (prev == '/' && c == '.')) return false;
    prev = c;
  }
  return true;
}

}  // namespace

Status CanonicalizeUrlTo(std::string_view ref, const Url& base, std::string& out) {
  if (IsPlainAbsolutePath(ref)) {  // fast path; same result as the general one (tested)
    out.clear();
    out.append(base.scheme).append("://").append(base.host);
    if (base.port != 0) out.append(":").append(std::to_string(base.port));
    out.append(ref);
    return OkStatus();
  }
  auto u = ResolveUrl(ref, base);
  if (!u) return u.error();
  out = FormatUrl(*u);
  return OkStatus();
}

Result<std::string> CanonicalizeUrl(std::string_view ref, const Url& base) {
  std::string out;
  VERITY_RETURN_IF_ERROR(CanonicalizeUrlTo(ref, base, out));
  return out;
}

Result<std::string> CanonicalizeUrl(std::string_view text) {
  auto u = ParseUrl(text);
  if (!u) return u.error();
  return FormatUrl(*u);
}

}  // namespace verity::url
