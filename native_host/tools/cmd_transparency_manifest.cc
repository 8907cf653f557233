// verity-cli manifest-build (design §4.1, docs/cli.md): a WAICT integrity v2 manifest over a folder
//   {"hashes":{"/":"<b64url sha256>","/app.js":"..."},"wasm_hashes":["..."]}
// Keys are the files' paths below --dir, percent-encoded (every byte outside
// A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; = : @ /), sorted bytewise; an index.html also yields its
// folder's URL ("/", "/docs/") unless --no-index-alias. Files matching a --wasm glob (default *.wasm)
// are also listed in wasm_hashes (sorted, unique). The result is checked with integrity::ParseManifest
// against --origin before it is written.
#include <fnmatch.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "cmd_transparency_state.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "integrity/manifest.h"

namespace verity::cli {
namespace {

namespace fs = std::filesystem;

std::string EncodePath(std::string_view rel) {
  static constexpr std::string_view kKeep = "-._~!$&'()*+,;=:@/";
  std::string out = "/";
  for (unsigned char c : rel) {
    if (std::isalnum(c) || kKeep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool MatchesAny(const std::vector<std::string>& globs, const std::string& rel) {
  for (const auto& g : globs) {
    if (fnmatch(g.c_str(), rel.c_str(), 0) == 0) return true;
    // A glob without '/' also matches the file name alone ("*.wasm" matches "pkg/app.wasm").
    if (g.find('/') == std::string::npos &&
        fnmatch(g.c_str(), fs::path(rel).filename().string().c_str(), 0) == 0)
      return true;
  }
  return false;
}

int ManifestBuild(const Args& a) {
  auto origin = a.Get("origin"), dir = a.Get("dir");
  if (!origin || !dir) return Fail("manifest-build needs --origin --dir");
  auto base = integrity::ParseUrl(*origin);
  if (!base) return Fail("invalid --origin " + *origin);
  std::vector<std::string> wasm = a.GetAll("wasm"), exclude = a.GetAll("exclude");
  if (wasm.empty()) wasm.push_back("*.wasm");
  std::map<std::string, std::string> hashes;  // encoded path -> b64url
  std::set<std::string> wasm_hashes;
  std::error_code ec;
  fs::recursive_directory_iterator it(*dir, fs::directory_options::follow_directory_symlink, ec), end;
  if (ec) return Fail("cannot read " + *dir + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Fail("cannot read " + *dir + ": " + ec.message());
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), *dir).generic_string();
    if (MatchesAny(exclude, rel)) continue;
    auto bytes = ReadFile(it->path().string());
    if (!bytes) return Fail("cannot read " + it->path().string());
    std::string h = FormatBase64Url(crypto::Sha256(*bytes));
    std::string key = EncodePath(rel);
    hashes[key] = h;
    if (!a.Has("no-index-alias") && it->path().filename() == "index.html")
      hashes[key.substr(0, key.size() - std::string_view("index.html").size())] = h;
    if (MatchesAny(wasm, rel)) wasm_hashes.insert(h);
  }
  std::string json = "{\"hashes\":{";
  bool first = true;
  for (const auto& [k, v] : hashes) {
    json += (first ? "\"" : ",\"") + k + "\":\"" + v + "\"";
    first = false;
  }
  json += "}";
  if (!wasm_hashes.empty()) {
    json += ",\"wasm_hashes\":[";
    first = true;
    for (const auto& h : wasm_hashes) {
      json += (first ? "\"" : ",\"") + h + "\"";
      first = false;
    }
    json += "]";
  }
  json += "}";
  // What we publish must parse as the host parses it, with every file listed.
  auto m = integrity::ParseManifest(json, *base);
  if (!m) return tstate::FailWith(m.error());
  if (m->url_hashes.size() != hashes.size())
    return Fail("self-check: some paths collapsed when canonicalised");
  for (const auto& [k, v] : hashes) {
    if (!m->Find(integrity::FormatOrigin(*base) + k))
      return Fail("self-check: the host canonicalises " + k + " differently");
  }
  if (auto out = a.Get("out")) {
    if (auto st = tstate::AtomicWrite(*out, json); !st) return tstate::FailWith(st.error());
    std::fprintf(stderr, "%zu URLs, %zu wasm hashes -> %s\n", hashes.size(), wasm_hashes.size(),
                 out->c_str());
  } else {
    std::printf("%s", json.c_str());
  }
  return 0;
}

VERITY_COMMAND("manifest-build", "WAICT integrity manifest (hashes, wasm_hashes) over a site folder",
               "  --origin https://site --dir <folder> [--wasm <glob>]... (default *.wasm)\n"
               "  [--exclude <glob>]... [--no-index-alias] [--out <file>] (default stdout, no final LF)",
               {"no-index-alias"}, ManifestBuild);

}  // namespace
}  // namespace verity::cli
