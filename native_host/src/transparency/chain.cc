#include "transparency/chain.h"

#include <algorithm>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace verity::transparency {
namespace {

Hash32 Read32(ByteView b) {
  Hash32 h{};
  for (size_t i = 0; i < 32; ++i) h[i] = b[i];
  return h;
}

}  // namespace

Result<ChainNode> ParseChainNode(ByteView bytes) {
  if (bytes.size() != kChainNodeSize) {
    return MakeError(ErrorCode::kTransparencyBadChainNode,
                     "ChainNode must be 112 bytes, got " + std::to_string(bytes.size()));
  }
  ChainNode n;
  n.entry.position_in_chain = ReadUintBE(bytes.subspan(0, 8));
  n.entry.time_created = ReadUintBE(bytes.subspan(8, 8));
  n.entry.resource_hash = Read32(bytes.subspan(16, 32));
  n.entry.asset_hosts_hash = Read32(bytes.subspan(48, 32));
  n.chain_hash = Read32(bytes.subspan(80, 32));
  return n;
}

Bytes FormatEntry(const Entry& e) {
  Bytes out;
  out.reserve(kEntrySize);
  AppendU64BE(out, e.position_in_chain);
  AppendU64BE(out, e.time_created);
  out.insert(out.end(), e.resource_hash.begin(), e.resource_hash.end());
  out.insert(out.end(), e.asset_hosts_hash.begin(), e.asset_hosts_hash.end());
  return out;
}

Bytes FormatChainNode(const ChainNode& node) {
  Bytes out = FormatEntry(node.entry);
  out.insert(out.end(), node.chain_hash.begin(), node.chain_hash.end());
  return out;
}

Hash32 ComputeResourceHash(ByteView resource) {
  crypto::Sha256Hasher h;
  return h.Update("waict-rh").Update(resource).Final();
}

namespace {
constexpr size_t kMaxAssetHostUrl = 511;      // opaque url<1..511>
constexpr size_t kMaxAssetHostsBytes = 8191;  // AssetHost<1..2^13-1>

void PutU16(Bytes& out, size_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
}  // namespace

Status CheckAssetHosts(const std::vector<std::string>& urls) {
  size_t total = 0;
  for (const auto& u : urls) {
    if (u.empty() || u.size() > kMaxAssetHostUrl) {
      return MakeError(ErrorCode::kTransparencyBadAssetHost,
                       "asset host URL of " + std::to_string(u.size()) + " bytes (1..511 allowed)");
    }
    total += 2 + u.size();
  }
  if (total > kMaxAssetHostsBytes) {
    return MakeError(ErrorCode::kTransparencyBadAssetHost,
                     "asset hosts take " + std::to_string(total) + " bytes (at most 8191)");
  }
  return OkStatus();
}

Hash32 ComputeAssetHostsHash(const std::vector<std::string>& urls) {
  std::vector<std::string> sorted = urls;
  std::sort(sorted.begin(), sorted.end());  // char_traits<char> compares as unsigned char: bytewise
  Bytes body;
  for (const auto& u : sorted) {
    PutU16(body, u.size());
    body.insert(body.end(), u.begin(), u.end());
  }
  Bytes s;
  PutU16(s, body.size());
  s.insert(s.end(), body.begin(), body.end());
  crypto::Sha256Hasher h;
  return h.Update("waict-ah").Update(s).Final();
}

Hash32 ComputeChainHash(const ChainNode& node) {
  Bytes b = FormatChainNode(node);
  crypto::Sha256Hasher h;
  return h.Update("waict-ch").Update(b).Final();
}

bool IsTombstone(const Entry& entry) {
  uint8_t acc = 0;
  for (uint8_t c : entry.resource_hash) acc |= c;
  return acc == 0;
}

ChainNode FirstChainNode(uint64_t time_created, const Hash32& resource_hash, const Hash32& asset_hosts_hash) {
  ChainNode n;
  n.entry = Entry{0, time_created, resource_hash, asset_hosts_hash};
  return n;
}

ChainNode NextChainNode(const ChainNode& previous, uint64_t time_created, const Hash32& resource_hash,
                        const Hash32& asset_hosts_hash) {
  ChainNode n;
  n.entry = Entry{previous.entry.position_in_chain + 1, time_created, resource_hash, asset_hosts_hash};
  n.chain_hash = ComputeChainHash(previous);
  return n;
}

Status VerifyChainLink(const ChainNode& previous, const ChainNode& next) {
  if (previous.entry.position_in_chain == UINT64_MAX ||
      next.entry.position_in_chain != previous.entry.position_in_chain + 1) {
    return MakeError(ErrorCode::kTransparencyBadChainNode, "position_in_chain does not follow");
  }
  if (next.entry.time_created < previous.entry.time_created) {
    return MakeError(ErrorCode::kTransparencyBadChainNode, "time_created goes backwards");
  }
  if (!crypto::ConstantTimeEqual(next.chain_hash, ComputeChainHash(previous))) {
    return MakeError(ErrorCode::kTransparencyBadChainNode, "chain_hash does not link to the previous node");
  }
  return OkStatus();
}

}  // namespace verity::transparency
