// WAICT per-domain hash chain (waict-transparency-spec waict-apis.md "The Transparency Service",
// "Hash Computations"; design §4.2).
//
// Wire format (TLS presentation syntax, big-endian, exactly 112 bytes):
//   struct { uint64 position_in_chain; uint64 time_created;
//            uint8 resource_hash[32]; uint8 asset_hosts_hash[32]; } Entry;      // 80 bytes
//   struct { Entry entry; uint8 chain_hash[32]; } ChainNode;                     // 112 bytes
//
// Worked example: the first node of a domain, created at t = 1700000000 (0x6553f100):
//   00 00 00 00 00 00 00 00   position_in_chain = 0
//   00 00 00 00 65 53 f1 00   time_created
//   <32 bytes>                resource_hash = SHA-256("waict-rh" || manifest bytes)
//   <32 bytes>                asset_hosts_hash (below)
//   00 x 32                   chain_hash (the initial chain hash is 32 zero bytes)
// The next node (position 1) carries chain_hash = SHA-256("waict-ch" || the 112 bytes above).
// An all-zero resource_hash is a tombstone: the site unenrolled.
//
// asset_hosts_hash (waict-apis.md @ f6c398d, "Hash Computations"): sort the AssetHosts by `url`
// ascending (bytewise), then SHA-256("waict-ah" || canonical serialisation of the sorted array).
// Pinned here (the text leaves the array's length prefix open): the serialisation is the
// TreeEvent's `AssetHost<1..2^13-1>` vector, i.e. a uint16 byte length of the whole array, then per
// host `opaque url<1..511>` = uint16 length || url bytes. Zero hosts (Verity: no --asset-host)
// serialise as 00 00. Worked example (docs/formats.md §12):
//   {"https://cdn.example/", "https://a.example/"} -> sorted a, cdn ->
//   00 2a | 00 12 "https://a.example/" | 00 14 "https://cdn.example/"
//   asset_hosts_hash = cc32276eb2084494a751ed98620b38216eb9c03ec608d6882184d8a6e1fcb018
// CheckAssetHosts: each url 1..511 bytes, the array at most 8191 bytes (transparency.bad_asset_host).
// The MPT value of a domain is SHA-256("waict-ch" || head ChainNode) (design §4.2 Decision).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::transparency {

inline constexpr size_t kEntrySize = 80;
inline constexpr size_t kChainNodeSize = 112;

struct Entry {
  uint64_t position_in_chain = 0;
  uint64_t time_created = 0;
  Hash32 resource_hash{};
  Hash32 asset_hosts_hash{};
  bool operator==(const Entry&) const = default;
};

struct ChainNode {
  Entry entry;
  Hash32 chain_hash{};
  bool operator==(const ChainNode&) const = default;
};

// Exactly 112 bytes, else transparency.bad_chain_node.
Result<ChainNode> ParseChainNode(ByteView bytes);
Bytes FormatChainNode(const ChainNode& node);
Bytes FormatEntry(const Entry& entry);

// SHA-256("waict-rh" || resource).
Hash32 ComputeResourceHash(ByteView resource);
// SHA-256("waict-ah" || b64(url_1) || "," || ... || b64(url_n)), standard padded base64.
Status CheckAssetHosts(const std::vector<std::string>& urls);
// Precondition: CheckAssetHosts(urls) is ok (longer URLs would not fit their uint16 length).
Hash32 ComputeAssetHostsHash(const std::vector<std::string>& urls);
// SHA-256("waict-ch" || node): the chain_hash of the node that follows `node`, and (design §4.2
// Decision) the MPT value of a domain whose head is `node`.
Hash32 ComputeChainHash(const ChainNode& node);
inline Hash32 ComputeMptValue(const ChainNode& head) { return ComputeChainHash(head); }

// All-zero resource_hash.
bool IsTombstone(const Entry& entry);

// The node that follows `previous` with the given fields (position + 1, chain_hash linked).
ChainNode NextChainNode(const ChainNode& previous, uint64_t time_created, const Hash32& resource_hash,
                        const Hash32& asset_hosts_hash);
// The first node of a chain (position 0, chain_hash 32 x 00).
ChainNode FirstChainNode(uint64_t time_created, const Hash32& resource_hash, const Hash32& asset_hosts_hash);

// Checks that `next` directly follows `previous` (position + 1, chain_hash link, time not going
// backwards). transparency.bad_chain_node otherwise.
Status VerifyChainLink(const ChainNode& previous, const ChainNode& next);

}  // namespace verity::transparency
