// verity-cli trust: edits which transparency services and witnesses the host trusts, in the host's
// config file (docs/config.md, transparency.services / transparency.witnesses / witness_threshold),
// so nobody hand-edits JSON (docs/cli.md "Trust set-up").
//
//   verity-cli trust list [--json]
//   verity-cli trust add-service [--name ts.example] --key <vkey|file> [--replace]
//   verity-cli trust add-witness [--name w1] --key <vkey|file> [--form c2sp|waict] [--threshold k]
//   verity-cli trust remove --name <name> [--service | --witness] [--threshold k]
//   every action: [--config <file>]   (default: the file the host reads, config::DefaultConfigPath)
//
// A key is checked as the host will use it: vkey syntax, known type, the key ID recomputed
// (transparency::ParseVerifierKey), type 0x01 for a service. The existing file must load as a host
// config (else nothing is written); the edited file must load too and keep the host's witness
// policy usable. The file is replaced atomically (temporary file in the same folder, fsync, rename)
// under an flock of its folder; its mode is kept (new files 0600 in a 0700 folder); members the
// command does not touch, unknown keys included, are kept in their order.
//
// Errors: "verity-cli: <code>: <detail>" on stderr, exit 1 (trust.usage: exit 2). Codes (stable):
//   trust.usage           bad command line                trust.bad_key         key unusable here
//   trust.bad_name        empty / spaces / '+' in a name  trust.duplicate       name or key already trusted
//   trust.not_found       no entry of that name           trust.ambiguous       name is a service and a
//   witness trust.bad_threshold   k outside 1..n                  trust.config_invalid  file does not load
//   trust.io              cannot read, lock or write
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "config/config.h"
#include "json/json.h"
#include "policy/transparency_gate.h"
#include "transparency/note.h"

namespace verity::cli {
namespace {

namespace fs = std::filesystem;
using json::Value;

constexpr const char* kUsage =
    "  list [--json]                                  what the host trusts, each key checked\n"
    "  add-service [--name <service>] --key <vkey|file> [--replace]\n"
    "      name: as in the service's tree notes (<name>/prefix-tree); default: the key's name up to '/'\n"
    "  add-witness [--name <name>] --key <vkey|file> [--form c2sp|waict] [--threshold <k>] [--replace]\n"
    "      form: implied by a 0x04 (c2sp) or 0x06 (waict) key; a 0x01 key defaults to c2sp\n"
    "  remove --name <name> [--service | --witness] [--threshold <k>]\n"
    "  every action: [--config <file>] (default: $XDG_CONFIG_HOME/verity/config.json or\n"
    "  ~/.config/verity/config.json, the file verity-host reads when the browser starts it)\n"
    "  errors: trust.usage (exit 2), trust.bad_key, trust.bad_name, trust.duplicate, trust.not_found,\n"
    "  trust.ambiguous, trust.bad_threshold, trust.config_invalid, trust.io (exit 1)";

int TrustFail(const char* code, const std::string& detail) {
  std::fprintf(stderr, "verity-cli: %s: %s\n", code, detail.c_str());
  return std::strcmp(code, "trust.usage") == 0 ? 2 : 1;
}

// ---- JSON tree edits (objects keep member order) ---------------------------------------------

const Value* Member(const Value& obj, std::string_view key) {
  return obj.is_object() ? obj.Find(key) : nullptr;
}

Value WithMember(const Value& obj, std::string_view key, Value v) {
  std::vector<json::Member> members = obj.is_object() ? obj.members() : std::vector<json::Member>{};
  for (auto& [k, val] : members) {
    if (k == key) {
      val = std::move(v);
      return Value::Object(std::move(members));
    }
  }
  members.emplace_back(std::string(key), std::move(v));
  return Value::Object(std::move(members));
}

Value WithoutMember(const Value& obj, std::string_view key) {
  std::vector<json::Member> members;
  for (const auto& m : obj.members()) {
    if (m.first != key) members.push_back(m);
  }
  return Value::Object(std::move(members));
}

void Pretty(const Value& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  if (v.is_object() && !v.members().empty()) {
    out += "{\n";
    for (size_t i = 0; i < v.members().size(); ++i) {
      out += pad + json::Quote(v.members()[i].first) + ": ";
      Pretty(v.members()[i].second, indent + 2, out);
      out += i + 1 < v.members().size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "}";
  } else if (v.is_array() && !v.items().empty()) {
    out += "[\n";
    for (size_t i = 0; i < v.items().size(); ++i) {
      out += pad;
      Pretty(v.items()[i], indent + 2, out);
      out += i + 1 < v.items().size() ? ",\n" : "\n";
    }
    out += std::string(static_cast<size_t>(indent), ' ') + "]";
  } else {
    out += json::Format(v);
  }
}

// ---- the config file ---------------------------------------------------------------------------

struct ConfigFile {
  std::string path;  // symlinks resolved: the file that is replaced
  bool exists = false;
  mode_t mode = 0600;
  Value root = Value::Object({});
  config::Config cfg;
};

// Loads `path` as the host would; an unusable file is never rewritten.
int Load(const std::string& path, ConfigFile& out) {
  out.path = path;
  std::error_code ec;
  // A symlinked config (dotfiles) is edited where it points, even if the target does not exist yet.
  for (int hops = 0; fs::is_symlink(out.path, ec); ++hops) {
    fs::path target = fs::read_symlink(out.path, ec);
    if (ec || hops == 40) return TrustFail("trust.io", "cannot resolve the symlink " + path);
    out.path = (target.is_absolute() ? target : fs::path(out.path).parent_path() / target)
                   .lexically_normal()
                   .string();
  }
  struct stat st {};
  if (::stat(out.path.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return TrustFail("trust.io", "cannot stat " + out.path + ": " + std::strerror(errno));
    out.cfg = config::DefaultConfig();
    return 0;
  }
  if (!S_ISREG(st.st_mode)) return TrustFail("trust.config_invalid", out.path + " is not a regular file");
  out.exists = true;
  out.mode = st.st_mode & 07777;
  auto text = ReadFile(out.path);
  if (!text) return TrustFail("trust.io", "cannot read " + out.path);
  auto cfg = config::ParseConfig(*text);
  if (!cfg) {
    return TrustFail("trust.config_invalid", out.path + ": " + cfg.error().detail +
                                                 " (nothing changed; fix the file or move it aside)");
  }
  auto root = json::Parse(*text);
  if (!root) return TrustFail("trust.config_invalid", out.path + ": " + root.error().detail);
  out.root = std::move(*root);
  out.cfg = std::move(*cfg);
  return 0;
}

// mkdir -p, the last folder 0700 (the host's config is the user's business).
bool EnsureFolder(const fs::path& dir, std::string* why) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    fs::create_directories(dir.parent_path(), ec);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *why = "cannot create " + dir.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

// flock of the config's folder for a read-modify-write (no lock file left behind).
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

int WriteAtomically(const ConfigFile& f, const std::string& data, int dir_fd) {
  std::string tmpl = f.path + ".XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return TrustFail("trust.io",
                     "cannot create a temporary file next to " + f.path + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, f.mode) == 0;
  size_t off = 0;
  while (ok && off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) ok = false;
    if (w > 0) off += static_cast<size_t>(w);
  }
  ok = ok && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmpl.c_str(), f.path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmpl.c_str());
    return TrustFail("trust.io", "cannot replace " + f.path + ": " + std::strerror(err));
  }
  if (dir_fd >= 0) ::fsync(dir_fd);
  return 0;
}

// ---- input checks ------------------------------------------------------------------------------

bool NameOk(const std::string& name, std::string* why) {
  if (name.empty()) {
    *why = "the name is empty";
  } else if (name.size() > 255) {
    *why = "the name is longer than 255 bytes";
  } else if (!transparency::IsValidUtf8(name) || !transparency::IsValidKeyName(name)) {
    *why = "the name \"" + name + "\" has a space, a control character or '+'";
  } else {
    return true;
  }
  return false;
}

struct KeyInput {
  std::string text;  // the vkey as written to the config
  transparency::VerifierKey key;
};

// `arg`: a vkey, or a file holding one (as `verity-cli keygen` writes <out>.vkey).
std::optional<KeyInput> ReadKey(const std::string& arg, std::string* why) {
  std::string text = arg;
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    auto content = ReadFile(arg);
    if (!content) {
      *why = "cannot read " + arg;
      return std::nullopt;
    }
    text = *content;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
  }
  if (text.rfind("PRIVATE+KEY+", 0) == 0) {
    *why = "this is a private signer key; give its verifier key (the .vkey file keygen wrote next to it)";
    return std::nullopt;
  }
  if (auto syntax = config::ParseVerifierKey(text); !syntax) {
    *why = syntax.error().detail + (text.find('+') == std::string::npos ? " (and no file of that name)" : "");
    return std::nullopt;
  }
  auto k = transparency::ParseVerifierKey(text);
  if (!k) {
    *why = std::string(WireName(k.code())) + ": " + k.error().detail;
    return std::nullopt;
  }
  return KeyInput{text, *k};
}

std::string TypeName(uint8_t type) {
  if (type == transparency::kSigTypeEd25519) return "0x01 Ed25519 note signer";
  if (type == transparency::kSigTypeCosignatureV1) return "0x04 C2SP cosignature/v1";
  if (type == transparency::kSigTypeWaictCosignature) return "0x06 WAICT cosignature";
  return "unknown";
}

// The JSON arrays under "transparency".
const Value& Items(const Value& root, std::string_view list) {
  static const Value kEmpty = Value::Array({});
  const Value* t = Member(root, "transparency");
  const Value* a = t ? Member(*t, list) : nullptr;
  return a && a->is_array() ? *a : kEmpty;
}

std::string ItemString(const Value& item, std::string_view key) {
  auto s = item.GetString(key);
  return s ? std::string(*s) : std::string();
}

Value SetTransparency(const Value& root, std::string_view key, Value v) {
  const Value* t = Member(root, "transparency");
  return WithMember(root, "transparency", WithMember(t ? *t : Value::Object({}), key, std::move(v)));
}

// Validates the edited tree as the host will load it, then writes it.
int Commit(const ConfigFile& f, const Value& root, const FolderLock& lock) {
  std::string text;
  Pretty(root, 0, text);
  text += "\n";
  auto cfg = config::ParseConfig(text);
  if (!cfg) return TrustFail("trust.config_invalid", "the edited file would not load: " + cfg.error().detail);
  bool was_usable = static_cast<bool>(policy::WitnessPolicyFromConfig(f.cfg.transparency));
  auto policy = policy::WitnessPolicyFromConfig(cfg->transparency);
  if (was_usable && !policy) {
    return TrustFail("trust.config_invalid",
                     "the edited witness policy would be unusable: " + std::string(WireName(policy.code())) +
                         ": " + policy.error().detail);
  }
  return WriteAtomically(f, text, lock.fd());
}

std::string ThresholdLine(const config::TransparencyConfig& t, bool explicit_k) {
  return "witness threshold: " + std::to_string(t.witness_threshold) + " of " +
         std::to_string(t.witnesses.size()) + (explicit_k ? "" : " (default)");
}

// ---- actions -----------------------------------------------------------------------------------

int List(const Args& a, const ConfigFile& f) {
  const auto& t = f.cfg.transparency;
  const bool explicit_k =
      Member(f.root, "transparency") && Member(*Member(f.root, "transparency"), "witness_threshold");
  auto status = [](const config::VerifierKey& k) {
    auto r = transparency::ParseVerifierKey(k.text);
    return r ? std::string("ok") : std::string(WireName(r.code())) + ": " + r.error().detail;
  };
  if (a.Has("json")) {
    json::Writer w;
    w.BeginObject().Key("config").String(f.path).Key("exists").Bool(f.exists).Key("services").BeginArray();
    for (const auto& s : t.services) {
      w.BeginObject().Key("name").String(s.name).Key("key");
      if (s.has_key) {
        w.String(s.key.text).Key("status").String(status(s.key));
      } else {
        w.Null().Key("status").String("witness-only");
      }
      w.EndObject();
    }
    w.EndArray().Key("witnesses").BeginArray();
    for (const auto& x : t.witnesses) {
      w.BeginObject().Key("name").String(x.name).Key("key").String(x.key.text);
      w.Key("form").String(config::FormatWitnessForm(x.form));
      if (x.form == config::WitnessForm::kWaict) w.Key("cosignature_type").Uint(x.cosignature_type);
      w.Key("status").String(status(x.key)).EndObject();
    }
    w.EndArray()
        .Key("witness_threshold")
        .Uint(t.witness_threshold)
        .Key("threshold_explicit")
        .Bool(explicit_k);
    w.EndObject();
    std::printf("%s\n", w.str().c_str());
    return 0;
  }
  std::printf("config: %s%s\n", f.path.c_str(), f.exists ? "" : " (no file yet: defaults)");
  std::printf("transparency services (%zu):\n", t.services.size());
  for (const auto& s : t.services)
    std::printf(
        "  %s  %s  [%s]\n", s.name.c_str(), s.has_key ? s.key.text.c_str() : "(no key)",
        s.has_key ? status(s.key).c_str() : "witness-only: the witness quorum alone vouches for its roots");
  std::printf("witnesses (%zu):\n", t.witnesses.size());
  for (const auto& x : t.witnesses) {
    std::printf("  %s  %s  %s  [%s]\n", x.name.c_str(),
                std::string(config::FormatWitnessForm(x.form)).c_str(), x.key.text.c_str(),
                status(x.key).c_str());
  }
  std::printf("%s\n", ThresholdLine(t, explicit_k).c_str());
  if (t.services.empty()) {
    std::printf(
        "no transparency service is trusted: sites that require transparency are blocked "
        "(transparency.no_trusted_service).\n  add one: verity-cli trust add-service --name <service> --key "
        "<its "
        "verifier key>\n");
  }
  return 0;
}

// The entry of `name` in `list`, or -1.
int IndexOf(const Value& items, const std::string& name) {
  for (size_t i = 0; i < items.items().size(); ++i) {
    if (ItemString(items.items()[i], "name") == name) return static_cast<int>(i);
  }
  return -1;
}

int AddEntry(const Args& a, ConfigFile& f, const FolderLock& lock, bool witness) {
  auto key_arg = a.Get("key");
  if (!key_arg)
    return TrustFail("trust.usage", std::string(witness ? "add-witness" : "add-service") + " needs --key");
  std::string why;
  auto key = ReadKey(*key_arg, &why);
  if (!key) return TrustFail("trust.bad_key", why);
  if (!witness && key->key.type != transparency::kSigTypeEd25519) {
    return TrustFail("trust.bad_key",
                     "a transparency service signs its tree notes with a type 0x01 (Ed25519) key; "
                     "this key is type " +
                         TypeName(key->key.type) + " (a witness key?)");
  }
  std::string name =
      a.GetOr("name", witness ? key->key.name : key->key.name.substr(0, key->key.name.find('/')));
  if (!NameOk(name, &why)) return TrustFail("trust.bad_name", why);

  if (!witness && a.Has("form")) return TrustFail("trust.usage", "--form goes with add-witness");
  std::string form;
  if (witness) {
    std::string implied = key->key.type == transparency::kSigTypeCosignatureV1      ? "c2sp"
                          : key->key.type == transparency::kSigTypeWaictCosignature ? "waict"
                                                                                    : "";
    form = a.GetOr("form", implied.empty() ? "c2sp" : implied);
    if (form != "c2sp" && form != "waict") return TrustFail("trust.usage", "--form must be c2sp or waict");
    if (!implied.empty() && form != implied) {
      return TrustFail("trust.bad_key", "--form " + form + " contradicts the key's type (" +
                                            TypeName(key->key.type) + " means " + implied + ")");
    }
  }

  const char* list = witness ? "witnesses" : "services";
  const Value& items = Items(f.root, list);
  int at = IndexOf(items, name);
  if (at >= 0 && !a.Has("replace")) {
    return TrustFail("trust.duplicate", std::string(witness ? "a witness" : "a service") + " named \"" +
                                            name + "\" is already trusted (--replace to change its key)");
  }
  for (size_t i = 0; i < items.items().size(); ++i) {
    if (static_cast<int>(i) != at && ItemString(items.items()[i], "key") == key->text) {
      return TrustFail("trust.duplicate",
                       "this key is already trusted as \"" + ItemString(items.items()[i], "name") + "\"");
    }
  }
  std::vector<json::Member> entry{{"name", Value::String(name)}, {"key", Value::String(key->text)}};
  if (witness) entry.emplace_back("form", Value::String(form));
  std::vector<Value> next = items.items();
  if (at >= 0) {
    next[static_cast<size_t>(at)] = Value::Object(std::move(entry));
  } else {
    next.push_back(Value::Object(std::move(entry)));
  }
  const size_t n = next.size();
  Value root = SetTransparency(f.root, list, Value::Array(std::move(next)));
  if (witness && a.Has("threshold")) {
    auto k = ParseInt(*a.Get("threshold"), 1, static_cast<int64_t>(n));
    if (!k)
      return TrustFail("trust.bad_threshold",
                       "--threshold wants an integer in [1, " + std::to_string(n) + "]");
    root = SetTransparency(root, "witness_threshold", Value::Uint(static_cast<uint64_t>(*k)));
  } else if (a.Has("threshold")) {
    return TrustFail("trust.usage", "--threshold goes with add-witness or remove");
  }
  if (int rc = Commit(f, root, lock); rc != 0) return rc;
  auto after = config::ParseConfig(json::Format(root));
  std::printf("%s %s \"%s\" (key %s+%08x, type %s) in %s\n", at >= 0 ? "replaced" : "trusted",
              witness ? "witness" : "transparency service", name.c_str(), key->key.name.c_str(),
              key->key.key_id, TypeName(key->key.type).c_str(), f.path.c_str());
  if (witness && after) {
    const Value* t = Member(root, "transparency");
    std::printf("%s\n", ThresholdLine(after->transparency, t && Member(*t, "witness_threshold")).c_str());
  }
  std::printf("restart the browser: the host reads its configuration when it starts\n");
  return 0;
}

int Remove(const Args& a, ConfigFile& f, const FolderLock& lock) {
  auto name = a.Get("name");
  if (!name) return TrustFail("trust.usage", "remove needs --name");
  if (a.Has("service") && a.Has("witness"))
    return TrustFail("trust.usage", "--service or --witness, not both");
  int s = a.Has("witness") ? -1 : IndexOf(Items(f.root, "services"), *name);
  int w = a.Has("service") ? -1 : IndexOf(Items(f.root, "witnesses"), *name);
  if (s >= 0 && w >= 0) {
    return TrustFail("trust.ambiguous",
                     "\"" + *name + "\" is both a service and a witness: add --service or --witness");
  }
  if (s < 0 && w < 0) {
    std::string what = a.Has("service") ? "service" : a.Has("witness") ? "witness" : "service or witness";
    return TrustFail("trust.not_found", "no trusted " + what + " named \"" + *name + "\" in " + f.path);
  }
  const bool witness = w >= 0;
  const char* list = witness ? "witnesses" : "services";
  std::vector<Value> next = Items(f.root, list).items();
  next.erase(next.begin() + (witness ? w : s));
  const size_t n = next.size();
  Value root = SetTransparency(f.root, list, Value::Array(std::move(next)));
  const Value* t = Member(root, "transparency");
  const Value* k_now = t ? Member(*t, "witness_threshold") : nullptr;
  if (a.Has("threshold")) {
    if (!witness) return TrustFail("trust.usage", "--threshold goes with removing a witness");
    auto k = ParseInt(*a.Get("threshold"), n == 0 ? 0 : 1, static_cast<int64_t>(n));
    if (!k) {
      return TrustFail("trust.bad_threshold", "--threshold wants an integer in [" +
                                                  std::string(n == 0 ? "0" : "1") + ", " + std::to_string(n) +
                                                  "]");
    }
    root = SetTransparency(root, "witness_threshold", Value::Uint(static_cast<uint64_t>(*k)));
  } else if (witness && k_now && k_now->AsUint() && *k_now->AsUint() > n) {
    if (n > 0) {
      return TrustFail("trust.bad_threshold", "witness_threshold is " + std::to_string(*k_now->AsUint()) +
                                                  " and " + std::to_string(n) +
                                                  " witness(es) would be left: add --threshold <k> (1.." +
                                                  std::to_string(n) + ")");
    }
    root = WithMember(root, "transparency", WithoutMember(*t, "witness_threshold"));  // no witness: k is moot
  }
  if (int rc = Commit(f, root, lock); rc != 0) return rc;
  std::printf("removed %s \"%s\" from %s\n", witness ? "witness" : "transparency service", name->c_str(),
              f.path.c_str());
  if (auto after = config::ParseConfig(json::Format(root)); after) {
    const Value* t2 = Member(root, "transparency");
    if (witness)
      std::printf("%s\n", ThresholdLine(after->transparency, t2 && Member(*t2, "witness_threshold")).c_str());
    if (after->transparency.services.empty()) {
      std::printf(
          "no transparency service is trusted now: sites that require transparency will be blocked\n");
    }
  }
  std::printf("restart the browser: the host reads its configuration when it starts\n");
  return 0;
}

int Trust(const Args& a) {
  if (a.positional().size() != 1) {
    return TrustFail("trust.usage",
                     "expected one action: list, add-service, add-witness or remove (verity-cli help trust)");
  }
  const std::string& action = a.positional()[0];
  if (action != "list" && action != "add-service" && action != "add-witness" && action != "remove") {
    return TrustFail("trust.usage",
                     "unknown action '" + action + "' (list, add-service, add-witness, remove)");
  }
  std::string path;
  if (auto c = a.Get("config")) {
    path = *c;
  } else {
    auto p = config::DefaultConfigPath();
    if (!p) return TrustFail("trust.config_invalid", p.error().detail + " (pass --config <file>)");
    path = *p;
  }
  if (path.empty() || path.back() == '/') return TrustFail("trust.usage", "--config wants a file name");
  ConfigFile f;
  if (action == "list") {
    if (int rc = Load(path, f); rc != 0) return rc;
    return List(a, f);
  }
  fs::path dir = fs::absolute(fs::path(path)).parent_path();
  std::string why;
  if (!EnsureFolder(dir, &why)) return TrustFail("trust.io", why);
  FolderLock lock(dir.string());
  if (!lock.ok()) return TrustFail("trust.io", "cannot lock " + dir.string() + ": " + std::strerror(errno));
  if (int rc = Load(path, f); rc != 0) return rc;
  if (action == "remove") return Remove(a, f, lock);
  return AddEntry(a, f, lock, action == "add-witness");
}

VERITY_COMMAND("trust", "trusted transparency services and witnesses: list, add-service, add-witness, remove",
               kUsage, {"json", "replace", "service", "witness"}, Trust);

}  // namespace
}  // namespace verity::cli
