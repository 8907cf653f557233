#include "integrity/manifest_response.h"

#include "core/encoding.h"

namespace verity::integrity {

Result<ManifestResponse> SplitManifestResponse(std::string_view body) {
  if (body.size() > kMaxManifestResponseBytes) {
    return MakeError(ErrorCode::kManifestTooLarge, std::to_string(body.size()) + " bytes");
  }
  ManifestResponse out;
  std::string_view t = body;
  if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  size_t lf = t.rfind('\n');
  if (lf == std::string_view::npos) {  // forms 4: "M" or "M LF"
    out.manifest.assign(t);
    return out;
  }
  std::string_view last = t.substr(lf + 1);
  if (last.find_first_of("{}[]\"") != std::string_view::npos) {  // form 5: JSON, no proof line
    out.manifest.assign(t);
    return out;
  }
  out.manifest.assign(t.substr(0, lf));
  if (last.empty()) return out;  // form 2
  auto proof = ParseBase64Lenient(last);
  if (!proof) {
    return MakeError(ErrorCode::kManifestBadProofEncoding, proof.error().detail);
  }
  out.has_proof = true;
  out.proof = std::move(*proof);
  return out;
}

}  // namespace verity::integrity
