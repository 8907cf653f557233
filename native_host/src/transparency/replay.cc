#include "transparency/replay.h"

#include <charconv>

#include "core/encoding.h"
#include "transparency/preload.h"

namespace verity::transparency {
namespace {

Error BadLog(std::string detail) {
  return MakeError(ErrorCode::kTransparencyBadReplayLog, std::move(detail));
}
Error Inconsistent(std::string detail) {
  return MakeError(ErrorCode::kTransparencyInconsistentTree, std::move(detail));
}

// Splits `text` into lines; every line must end in '\n'.
Result<std::vector<std::string_view>> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return BadLog("last line does not end in LF");
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return out;
}

Result<DomainNode> ParseDomainNode(std::string_view line) {
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return BadLog("expected '<domain> <node>'");
  DomainNode d{std::string(line.substr(0, sp)), {}};
  if (!IsValidPreloadDomain(d.domain)) return BadLog("invalid domain '" + d.domain + "'");
  auto raw = ParseBase64Url(line.substr(sp + 1));
  // Canonical base64url only, so that each line has exactly one reading.
  if (!raw || FormatBase64Url(*raw) != line.substr(sp + 1))
    return BadLog("chain node of " + d.domain + " is not canonical base64url");
  auto node = ParseChainNode(*raw);
  if (!node) return BadLog("chain node of " + d.domain + ": " + node.error().detail);
  d.node = *node;
  return d;
}

std::string FormatDomainNode(const std::string& domain, const ChainNode& node) {
  return domain + " " + FormatBase64Url(FormatChainNode(node)) + "\n";
}

}  // namespace

Result<std::vector<DomainNode>> ParseDomainNodes(std::string_view text, bool ascending) {
  auto lines = Lines(text);
  if (!lines) return lines.error();
  std::vector<DomainNode> out;
  out.reserve(lines->size());
  for (std::string_view line : *lines) {
    auto d = ParseDomainNode(line);
    if (!d) return d.error();
    if (ascending && !out.empty() && !(out.back().domain < d->domain))
      return BadLog("domains not strictly ascending at " + d->domain);
    out.push_back(std::move(*d));
  }
  return out;
}

std::string FormatDomainNodes(const std::vector<DomainNode>& lines) {
  std::string out;
  for (const auto& l : lines) out += FormatDomainNode(l.domain, l.node);
  return out;
}

std::string FormatHeads(const HeadMap& heads) {
  std::string out;
  for (const auto& [domain, node] : heads) out += FormatDomainNode(domain, node);
  return out;
}

Result<HeadMap> ParseHeads(std::string_view text) {
  auto lines = ParseDomainNodes(text, /*ascending=*/true);
  if (!lines) return lines.error();
  HeadMap heads;
  for (auto& l : *lines) heads.emplace_hint(heads.end(), std::move(l.domain), l.node);
  return heads;
}

Result<WitnessState> ParseWitnessState(std::string_view text) {
  size_t first = text.find('\n');
  if (first == std::string_view::npos || text.substr(0, first) != kWitnessStateHeader)
    return BadLog("witness state must start with " + std::string(kWitnessStateHeader));
  text.remove_prefix(first + 1);
  size_t second = text.find('\n');
  if (second == std::string_view::npos) return BadLog("witness state has no tree line");
  std::string_view tree = text.substr(0, second);
  text.remove_prefix(second + 1);
  // "<service> <N> <b64 root>"
  size_t a = tree.find(' ');
  size_t b = a == std::string_view::npos ? a : tree.find(' ', a + 1);
  if (b == std::string_view::npos) return BadLog("tree line must be '<service> <N> <root>'");
  WitnessState s;
  std::string_view service = tree.substr(0, a), size = tree.substr(a + 1, b - a - 1);
  if (service != "-") {
    if (!IsValidServiceDomain(service)) return BadLog("invalid service domain");
    s.service = std::string(service);
  }
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), s.size);
  if (ec != std::errc() || end != size.data() + size.size() || size.empty() ||
      (size.size() > 1 && size[0] == '0'))
    return BadLog("invalid tree size");
  auto root = ToArray<32>(ParseBase64(tree.substr(b + 1)));
  if (!root || FormatBase64(*root) != tree.substr(b + 1)) return BadLog("invalid tree root");
  s.root = *root;
  auto heads = ParseHeads(text);
  if (!heads) return heads.error();
  s.heads = std::move(*heads);
  return s;
}

std::string FormatWitnessState(const WitnessState& s) {
  std::string out(kWitnessStateHeader);
  out += "\n" + (s.service.empty() ? std::string("-") : s.service) + " " + std::to_string(s.size) + " " +
         FormatBase64(s.root) + "\n";
  return out + FormatHeads(s.heads);
}

Status VerifyFirstChainNode(const ChainNode& node) {
  if (node.entry.position_in_chain != 0 || node.chain_hash != Hash32{})
    return MakeError(ErrorCode::kTransparencyBadChainNode,
                     "a new chain must start at position 0 with a zero chain hash");
  return OkStatus();
}

Status ApplyChainUpdates(HeadMap& heads, const std::vector<DomainNode>& updates) {
  HeadMap next = heads;
  for (const auto& u : updates) {
    auto it = next.find(u.domain);
    Status st = it == next.end() ? VerifyFirstChainNode(u.node) : VerifyChainLink(it->second, u.node);
    if (!st) {
      return MakeError(st.code(), u.domain + " position " + std::to_string(u.node.entry.position_in_chain) +
                                      ": " + st.error().detail);
    }
    next[u.domain] = u.node;
  }
  heads = std::move(next);
  return OkStatus();
}

Result<MptTree> BuildHeadsTree(const HeadMap& heads) {
  std::vector<MptLeaf> leaves;
  leaves.reserve(heads.size());
  for (const auto& [domain, node] : heads) leaves.push_back({ComputeMptKey(domain), ComputeMptValue(node)});
  return MptTree::Build(std::move(leaves));
}

Result<WitnessState> ReplayTree(const WitnessState& state, const TreeNoteBody& body,
                                const std::vector<DomainNode>& updates) {
  if (!state.service.empty() && state.service != body.service)
    return Inconsistent("tree of service " + body.service + ", witness follows " + state.service);
  if (body.size < state.size)
    return Inconsistent("tree size " + std::to_string(body.size) + " is below the cosigned size " +
                        std::to_string(state.size));
  if (body.size == state.size) {
    if (!updates.empty() || body.root != state.root)
      return Inconsistent("tree " + std::to_string(body.size) +
                          " differs from the one already cosigned (fork)");
    return state;
  }
  WitnessState next = state;
  next.service = body.service;
  next.size = body.size;
  VERITY_RETURN_IF_ERROR(ApplyChainUpdates(next.heads, updates));
  auto tree = BuildHeadsTree(next.heads);
  if (!tree) return tree.error();
  if (tree->root() != body.root)
    return Inconsistent("root of tree " + std::to_string(body.size) +
                        " does not follow from the replayed chains (history rewritten or updates withheld)");
  next.root = tree->root();
  return next;
}

}  // namespace verity::transparency
