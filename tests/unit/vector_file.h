// Test-only: read a JSON vector file (under VERITY_VECTORS_DIR) into an owned json::Value with the
// project's own parser (json::Parse: RFC 8259, duplicate object members rejected, depth <= 64).
//
//   auto doc = testing::ReadVectorFile(std::string(VERITY_VECTORS_DIR) + "/sri/sri_match_cases.json");
//   REQUIRE_MESSAGE(doc.ok(), doc.error().detail);          // core.io if unreadable, json.* if not JSON
//   testing::At(*doc, "cases").items().size() == 40
//
// At(v, key) is the member, or a shared null Value when it is absent (or v is not an object), so a
// missing member makes the following CHECK fail instead of dereferencing nullptr.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "core/error.h"
#include "json/json.h"

namespace verity::testing {

inline Result<json::Value> ReadVectorFile(const std::string& path, const json::ParseOptions& options = {}) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return MakeError(ErrorCode::kIo, "cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  if (!f.good() && !f.eof()) return MakeError(ErrorCode::kIo, "cannot read " + path);
  auto v = json::Parse(ss.str(), options);
  if (!v) return MakeError(v.code(), path + ": " + v.error().detail);
  return std::move(*v);
}

inline const json::Value& At(const json::Value& v, std::string_view key) {
  static const json::Value kNull;
  const json::Value* m = v.Find(key);
  return m ? *m : kNull;
}

}  // namespace verity::testing
