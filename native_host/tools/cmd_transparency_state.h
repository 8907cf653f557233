// verity-cli transparency commands: the operator's state folder and helpers shared by
// cmd_transparency_*.cc (docs/cli.md "State folder").
//
//   <state>/chains/<domain>      the domain's chain: k x 112-byte ChainNodes, node i at offset 112 i
//   <state>/trees/latest         "<N>\n", the newest tree (written last: the commit point)
//   <state>/trees/<N>.note       signed note "<service>/prefix-tree\n<N>\n<b64 root>\n" + signatures
//   <state>/trees/<N>.heads      every domain's head in tree N (replay.h head lines, ascending)
//   <state>/trees/<N>.updates    nodes appended since tree N-1, in order (the witness replays these)
//   <state>/lock                 flock()ed by every command that writes
// Every file is replaced atomically (write <file>.tmp, fsync, rename).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "core/error.h"
#include "transparency/note.h"
#include "transparency/preload.h"
#include "transparency/replay.h"
#include "transparency/tree_head.h"

namespace verity::cli::tstate {

// Writes `data` to `path` via a temporary file, fsync and rename. `mode` for new files.
Status AtomicWrite(const std::string& path, const std::string& data, unsigned mode = 0644);
// Exclusive flock on <dir>/lock for the lifetime of the object (creates the folder).
class StateLock {
 public:
  explicit StateLock(const std::string& dir);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// "--<name> <decimal>" or `fallback` when absent; nullopt if malformed or above 2^63 - 1.
std::optional<int64_t> UintFlag(const Args& a, const std::string& name, int64_t fallback);
// "--time <unix seconds>" or the current time.
std::optional<int64_t> TimeFlag(const Args& a);
// Prints "verity-cli: <wire name>: <detail>" and returns 1.
int FailWith(const Error& e);

Result<transparency::SignerKey> LoadSignerKey(const std::string& path);
// A file holding a vkey, or the vkey text itself.
Result<transparency::VerifierKey> LoadVerifierKey(const std::string& path_or_text);

std::string ChainPath(const std::string& state, const std::string& domain);
std::string TreePath(const std::string& state, uint64_t n, const std::string& ext);  // trees/<n>.<ext>
Result<std::vector<transparency::ChainNode>> ReadChain(const std::string& state, const std::string& domain);
uint64_t LatestTree(const std::string& state);  // 0: no tree yet

struct Tree {
  uint64_t n = 0;
  std::string note;
  transparency::TreeNoteBody body;
  transparency::HeadMap heads;
};
// Tree n's note (body parsed) and heads.
Result<Tree> ReadTree(const std::string& state, uint64_t n);
// The newest tree whose note carries at least `min_cosignatures` signature lines besides the
// service's own (the first line).
Result<Tree> LatestCosignedTree(const std::string& state, uint64_t min_cosignatures);

// Witness and preload-list policy from a host config file (config.h / docs/config.md), built by
// the host's own glue (policy/transparency_gate.h), so the CLI verifies exactly as the host does.
struct HostPolicy {
  transparency::WitnessPolicy witnesses;
  transparency::PreloadPolicy preload;  // list_keys empty: no preload_list_key configured
};
Result<HostPolicy> LoadHostPolicy(const std::string& config_path);

}  // namespace verity::cli::tstate
