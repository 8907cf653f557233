#include "sri/sf_profile.h"

#include <optional>
#include <type_traits>
#include <variant>

#include "sfv/sfv.h"

namespace verity::sri::sf {
namespace {

template <typename... F>
struct Visitor : F... {
  using F::operator()...;
};
template <typename... F>
Visitor(F...) -> Visitor<F...>;

// The SRI profile keeps five of RFC 9651's bare item types; decimal, date and display string are
// refused.
Result<BareItem> FromSfv(const sfv::BareItem& v, ErrorCode code) {
  using T = BareItem::Type;
  using Out = std::optional<BareItem>;
  Out out = std::visit(Visitor{[](const sfv::Integer& i) -> Out {
                                 return BareItem{T::kInteger, i.value, {}, {}, true};
                               },
                               [](const sfv::String& s) -> Out {
                                 return BareItem{T::kString, 0, s.value, {}, true};
                               },
                               [](const sfv::Token& t) -> Out {
                                 return BareItem{T::kToken, 0, t.value, {}, true};
                               },
                               [](const sfv::ByteSequence& b) -> Out {
                                 return BareItem{T::kByteSequence, 0, {}, b.value, true};
                               },
                               [](const sfv::Boolean& f) -> Out {
                                 return BareItem{T::kBoolean, 0, {}, {}, f.value};
                               },
                               [](const auto&) -> Out { return std::nullopt; }},
                       v);
  if (!out) return MakeError(code, "decimal, date and display string values are not part of the SRI profile");
  return std::move(*out);
}

sfv::BareItem ToSfv(const BareItem& v) {
  switch (v.type) {
    case BareItem::Type::kInteger:
      return sfv::Integer{v.integer};
    case BareItem::Type::kString:
      return sfv::String{v.text};
    case BareItem::Type::kToken:
      return sfv::Token{v.text};
    case BareItem::Type::kByteSequence:
      return sfv::ByteSequence{v.bytes};
    case BareItem::Type::kBoolean:
      break;
  }
  return sfv::Boolean{v.boolean};
}

Result<Parameters> FromSfv(const sfv::Parameters& ps, ErrorCode code) {
  Parameters out;
  for (const auto& [k, v] : ps) {
    auto b = FromSfv(v, code);
    if (!b) return b.error();
    out.emplace_back(k, std::move(*b));
  }
  return out;
}

sfv::Parameters ToSfv(const Parameters& ps) {
  sfv::Parameters out;
  for (const auto& [k, v] : ps) out.emplace_back(k, ToSfv(v));
  return out;
}

Result<Item> FromSfv(const sfv::Item& it, ErrorCode code) {
  auto v = FromSfv(it.value, code);
  if (!v) return v.error();
  auto p = FromSfv(it.params, code);
  if (!p) return p.error();
  return Item{std::move(*v), std::move(*p)};
}

sfv::Item ToSfv(const Item& it) { return sfv::Item{ToSfv(it.value), ToSfv(it.params)}; }

sfv::InnerList ToSfvInner(const std::vector<Item>& items, const Parameters& params) {
  sfv::InnerList l;
  for (const auto& it : items) l.items.push_back(ToSfv(it));
  l.params = ToSfv(params);
  return l;
}

// The profile's values always serialize (they came from a parse or from the code's own literals);
// an unserializable value gives "" and so a signature base that cannot verify.
std::string OrEmpty(Result<std::string> r) { return r ? std::move(*r) : std::string(); }

}  // namespace

Result<Dictionary> ParseDictionary(std::string_view text, ErrorCode code) {
  auto d = sfv::ParseDictionary(text);
  if (!d) return MakeError(code, std::string(WireName(d.code())) + ": " + d.error().detail);
  Dictionary out;
  for (const auto& [key, member] : d->members) {
    Member m;
    m.key = key;
    if (auto* inner = std::get_if<sfv::InnerList>(&member)) {
      m.is_inner_list = true;
      for (const auto& it : inner->items) {
        auto i = FromSfv(it, code);
        if (!i) return i.error();
        m.inner.push_back(std::move(*i));
      }
      auto p = FromSfv(inner->params, code);
      if (!p) return p.error();
      m.params = std::move(*p);
    } else {
      auto i = FromSfv(std::get<sfv::Item>(member), code);
      if (!i) return i.error();
      m.item = std::move(*i);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string SerializeBareItem(const BareItem& item) { return OrEmpty(sfv::FormatBareItem(ToSfv(item))); }

std::string SerializeParameters(const Parameters& params) {
  // The parameters of a Boolean true Item are what follows the item in its serialization.
  std::string item = OrEmpty(sfv::FormatItem(sfv::Item{sfv::Boolean{true}, ToSfv(params)}));
  return item.size() >= 2 ? item.substr(2) : std::string();
}

std::string SerializeInnerList(const std::vector<Item>& items, const Parameters& params) {
  return OrEmpty(sfv::FormatList(sfv::List{ToSfvInner(items, params)}));
}

std::string SerializeDictionary(const Dictionary& dict) {
  sfv::Dictionary d;
  for (const Member& m : dict) {
    if (m.is_inner_list) {
      d.members.emplace_back(m.key, ToSfvInner(m.inner, m.params));
    } else {
      d.members.emplace_back(m.key, ToSfv(m.item));
    }
  }
  return OrEmpty(sfv::FormatDictionary(d));
}

const Member* FindMember(const Dictionary& dict, std::string_view key) {
  for (const auto& m : dict) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

const BareItem* FindParam(const Parameters& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace verity::sri::sf
