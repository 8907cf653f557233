#include "protocol/m2dmrt_handler.h"

#include <optional>
#include <string>

#include "core/encoding.h"
#include "protocol/fields.h"

namespace verity::protocol {
namespace {

constexpr size_t kMaxCertB64 = 64 * 1024;

// One side's key field (`<side>_cert` or `<side>_spki`, base64): decoded here, checked by the engine.
Result<std::optional<policy::ObservedKey>> ReadKey(const json::Value& msg, std::string_view side) {
  std::string cert_name = std::string(side) + "_cert", spki_name = std::string(side) + "_spki";
  auto cert = OptString(msg, cert_name);
  if (!cert) return cert.error();
  auto spki = OptString(msg, spki_name);
  if (!spki) return spki.error();
  if (!*cert && !*spki) return std::optional<policy::ObservedKey>();
  const std::string& field = *cert ? cert_name : spki_name;
  std::string_view text = *cert ? **cert : **spki;
  if (text.size() > kMaxCertB64) return BadField(field, "larger than 64 KiB");
  auto der = ParseBase64(text);
  if (!der) return BadField(field, "malformed base64");
  using Form = policy::ObservedKey::Form;
  return std::optional<policy::ObservedKey>(
      policy::ObservedKey{*cert ? Form::kCertificateDer : Form::kSpkiDer, std::move(*der)});
}

}  // namespace

Status HandleM2dmrtCheck(policy::Engine& engine, const json::Value& msg, json::Writer& w) {
  auto origin_f = ReqString(msg, "origin");
  if (!origin_f) return origin_f.error();
  auto dest_f = ReqString(msg, "dest");
  if (!dest_f) return dest_f.error();
  auto kind_f = ReqString(msg, "kind");
  if (!kind_f) return kind_f.error();
  auto src_f = OptString(msg, "key_source");
  if (!src_f) return src_f.error();
  policy::HopRequest req;
  req.origin = std::string(*origin_f);
  req.dest = std::string(*dest_f);
  auto kind = policy::ParseHopKind(*kind_f);
  if (!kind) return BadField("kind", "expected redirect, navigation or subresource");
  req.kind = *kind;
  auto key_source = policy::ParseKeySource(src_f->value_or("browser"));
  if (!key_source) return BadField("key_source", "expected browser or host_probe");
  req.key_source = *key_source;
  auto okey = ReadKey(msg, "origin");
  if (!okey) return okey.error();
  auto dkey = ReadKey(msg, "dest");
  if (!dkey) return dkey.error();
  req.origin_key = std::move(*okey);
  req.dest_key = std::move(*dkey);

  auto v = engine.CheckHop(req);
  if (!v) return v.error();
  w.Key("action").String(policy::FormatAction(v->action));
  w.Key("reason").String(v->reason);
  WriteNonEmptyOrNull(w, "state", v->state);
  WriteNonEmptyOrNull(w, "policy", v->policy);
  w.Key("detail").String(ClipDetail(v->detail));
  w.Key("origin_host").String(v->origin_host).Key("dest_host").String(v->dest_host);
  if (!v->keys.empty()) w.Key("keys").String(v->keys);
  if (!v->dns.empty()) w.Key("dns").String(v->dns);
  return OkStatus();
}

}  // namespace verity::protocol
