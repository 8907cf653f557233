// Operator side of WAICT transparency (issue 4 item 5; design §4.2; docs/cli.md): the text files a
// transparency service publishes next to each signed tree, and the witness's replay of them.
//
// Head/update lines (one per domain or per appended node), "<domain> <base64url ChainNode>\n":
//   app.example AAAAAAAAAABlU_EAx3...AAAA\n
// A tree's heads file lists every domain's head in the tree, domains strictly ascending; a tree's
// updates file lists the nodes appended since the previous tree, in append order.
//
// Witness state ("verity-witness-state/v1"), what a witness remembers between cosignatures:
//   verity-witness-state/v1\n
//   <service domain> <N> <base64 root>\n          the last tree it cosigned ("-" 0 <empty root> at first)
//   <head lines>                                  the domain heads it has seen (ascending)
//
// Replay (ReplayTree): the witness applies a tree's updates to the heads it knows. Each appended
// node must be a first node (position 0, chain_hash 32 x 00) for a domain it has not seen, or
// directly follow the known head (VerifyChainLink: position + 1, chain_hash link, time not going
// backwards); nothing is ever removed. It then recomputes the MPT root over ComputeMptValue(head) of
// every domain and requires the signed tree's root and size to follow from its state: size greater
// than the last cosigned one (or equal with the same root, a re-cosignature).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "transparency/chain.h"
#include "transparency/mpt.h"
#include "transparency/tree_head.h"

namespace verity::transparency {

inline constexpr std::string_view kWitnessStateHeader = "verity-witness-state/v1";

struct DomainNode {
  std::string domain;
  ChainNode node;
  bool operator==(const DomainNode&) const = default;
};

using HeadMap = std::map<std::string, ChainNode>;

struct WitnessState {
  std::string service;  // empty until the first cosignature
  uint64_t size = 0;
  Hash32 root = EmptyMptRoot();
  HeadMap heads;
};

// Domain names as the preload list defines them (IsValidPreloadDomain). transparency.bad_replay_log on
// a syntax error, a bad domain or a bad node; `ascending` additionally requires strictly ascending
// unique domains (heads files).
Result<std::vector<DomainNode>> ParseDomainNodes(std::string_view text, bool ascending);
std::string FormatDomainNodes(const std::vector<DomainNode>& lines);
std::string FormatHeads(const HeadMap& heads);
Result<HeadMap> ParseHeads(std::string_view text);

Result<WitnessState> ParseWitnessState(std::string_view text);
std::string FormatWitnessState(const WitnessState& state);

// The first node of a chain: position 0 and chain_hash 32 x 00 (transparency.bad_chain_node).
Status VerifyFirstChainNode(const ChainNode& node);
// Applies appended nodes to `heads` (see above). On error `heads` is left unchanged.
// transparency.bad_chain_node, naming the domain and position.
Status ApplyChainUpdates(HeadMap& heads, const std::vector<DomainNode>& updates);
// MPT over (ComputeMptKey(domain), ComputeMptValue(head)) of every domain.
Result<MptTree> BuildHeadsTree(const HeadMap& heads);

// Witness check of one tree: applies `updates` to a copy of `state`'s heads, recomputes the root and
// compares it with `body` (transparency.inconsistent_tree on another service, a smaller size, the same
// size with another root, or a root that does not follow from the replayed heads). Returns the state
// to store once the witness has cosigned.
Result<WitnessState> ReplayTree(const WitnessState& state, const TreeNoteBody& body,
                                const std::vector<DomainNode>& updates);

}  // namespace verity::transparency
