// verity-cli M2DMRT registration between two providers' agents (docs/m2dmrt-registration.md):
//   m2dmrt-agent     serve the exchange as B (responder) over HTTPS with mutual TLS
//   m2dmrt-register  run the exchange as A (initiator) against a peer's agent
// Both print, and with --out write, the pair of zone lines: the declaration this side publishes in
// its own zone and the one the peer publishes in its zone.
//
//   verity-cli m2dmrt-agent --host pay.test --cert pay.pem --key pay.key --listen 127.0.0.1:8443
//       --peer-ca shop-ca.pem --once --out out/
//   verity-cli m2dmrt-register --host shop.test --cert shop.pem --key shop.key --peer pay.test
//       --peer-url https://127.0.0.1:8443/m2dmrt/register --ca pay-ca.pem --out out/
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "command.h"
#include "core/clock.h"
#include "m2dmrt/declaration.h"
#include "m2dmrt/registration.h"
#include "net/tls_server.h"

namespace verity::cli {
namespace {

Result<m2dmrt::RegIdentity> LoadIdentity(const Args& a) {
  auto host = a.Get("host"), cert = a.Get("cert"), key = a.Get("key");
  if (!host || !cert || !key) return MakeError(ErrorCode::kIo, "needs --host --cert --key");
  auto cert_pem = ReadFile(*cert);
  if (!cert_pem) return MakeError(ErrorCode::kIo, "cannot read " + *cert);
  auto key_pem = ReadFile(*key);
  if (!key_pem) return MakeError(ErrorCode::kIo, "cannot read " + *key);
  std::optional<crypto::SigAlg> alg;
  if (auto name = a.Get("alg")) {
    alg = crypto::ParseSigAlg(*name);
    if (!alg) return MakeError(ErrorCode::kM2dmrtRegBadKey, "unknown --alg " + *name);
  }
  return m2dmrt::LoadRegIdentity(*host, *cert_pem, *key_pem, alg);
}

Result<m2dmrt::RegPolicy> LoadPolicy(const Args& a) {
  m2dmrt::RegPolicy p;
  auto days = IntFlag(a, "days", 90, 1, 3650);
  if (!days) return MakeError(ErrorCode::kIo, "--days must be 1..3650");
  p.validity_seconds = *days * 86400;
  return p;
}

// Prints both records and writes them under --out as <declarer>.<peer>.m2dmrt.zone.
int Publish(const Args& a, const m2dmrt::Registration& r) {
  auto ttl = IntFlag(a, "ttl", 300, 0, 86400 * 7);
  if (!ttl) return 1;
  for (const m2dmrt::Declaration* d : {&r.own, &r.peer}) {
    std::string line = m2dmrt::FormatZoneLine(*d, static_cast<uint32_t>(*ttl));
    std::printf("; %s declares %s: publish in the zone of %s\n%s\n", d->declarer.c_str(), d->peer.c_str(),
                d->declarer.c_str(), line.c_str());
    if (auto out = a.Get("out")) {
      std::error_code ec;
      std::filesystem::create_directories(*out, ec);
      std::string path =
          (std::filesystem::path(*out) / (d->declarer + "." + d->peer + ".m2dmrt.zone")).string();
      if (!WriteFile(path, line + "\n")) return Fail("cannot write " + path);
    }
  }
  std::fflush(stdout);
  return 0;
}

int Agent(const Args& a) {
  auto listen = a.Get("listen");
  if (!listen) return Fail("m2dmrt-agent needs --listen ADDR:PORT");
  auto id = LoadIdentity(a);
  if (!id) return Fail("m2dmrt-agent: " + id.error().detail);
  auto policy = LoadPolicy(a);
  if (!policy) return Fail(policy.error().detail);
  size_t colon = listen->rfind(':');
  auto port = colon == std::string::npos ? std::nullopt
                                         : ParseInt(std::string_view(*listen).substr(colon + 1), 0, 65535);
  if (!port) return Fail("--listen must be ADDR:PORT");
  net::TlsServerOptions so;
  so.cert_file = *a.Get("cert");
  so.key_file = *a.Get("key");
  so.require_client_cert = true;
  so.client_ca_file = a.GetOr("peer-ca", "");
  so.bind_address = listen->substr(0, colon);
  so.port = static_cast<uint16_t>(*port);
  auto server = net::TlsServer::Listen(so);
  if (!server) return Fail(server.error().detail);
  m2dmrt::RegResponderOptions ro;
  ro.policy = *policy;
  ro.allowed_peers = a.GetAll("allow");
  m2dmrt::RegResponder responder(std::move(*id), ro);
  std::fprintf(stderr, "m2dmrt-agent: %s listening on https://%s:%u%s\n", responder.identity().host.c_str(),
               so.bind_address.c_str(), static_cast<unsigned>((*server)->port()),
               std::string(m2dmrt::kRegisterPath).c_str());
  if (auto pf = a.Get("port-file")) {
    if (!WriteFile(*pf, std::to_string((*server)->port()) + "\n")) return Fail("cannot write " + *pf);
  }
  bool once = a.Has("once");
  auto max_conn_flag = IntFlag(a, "max-connections", 0, 1, 1 << 30);  // 0 (absent): unlimited
  if (!max_conn_flag) return 1;
  int64_t max_connections = *max_conn_flag;
  auto timeout_flag = IntFlag(a, "idle-timeout-ms", 600000, 1, 86400000);
  if (!timeout_flag) return 1;
  int64_t accept_timeout_ms = *timeout_flag;
  for (int64_t served = 0; max_connections == 0 || served < max_connections; ++served) {
    std::optional<m2dmrt::Registration> completed;
    Status st = (*server)->ServeOne(
        [&](const net::HttpRequest& req) {
          auto r = m2dmrt::HandleRegAgentRequest(
              responder, m2dmrt::RegAgentRequest{req.target, AsChars(req.body), req.client_cert_der},
              SystemClockSeconds());
          if (r.status != 200) std::fprintf(stderr, "m2dmrt-agent: refused: %s\n", r.body.c_str());
          completed = std::move(r.completed);
          return net::HttpReply{r.status, "application/json", std::move(r.body)};
        },
        static_cast<int>(accept_timeout_ms));
    if (!st) std::fprintf(stderr, "m2dmrt-agent: connection: %s\n", st.error().detail.c_str());
    if (completed) {
      if (int rc = Publish(a, *completed); rc != 0) return rc;
      if (once) return 0;
    }
  }
  return once ? Fail("no registration completed") : 0;
}

int Register(const Args& a) {
  auto peer = a.Get("peer"), url = a.Get("peer-url");
  if (!peer || !url) return Fail("m2dmrt-register needs --peer HOST --peer-url URL");
  auto id = LoadIdentity(a);
  if (!id) return Fail("m2dmrt-register: " + id.error().detail);
  auto policy = LoadPolicy(a);
  if (!policy) return Fail(policy.error().detail);
  m2dmrt::RegInitiatorOptions o;
  o.peer_host = *peer;
  o.peer_url = *url;
  o.ca_file = a.GetOr("ca", "");
  o.cert_file = *a.Get("cert");
  o.key_file = *a.Get("key");
  o.policy = *policy;
  auto timeout = IntFlag(a, "timeout-ms", 5000, 1, 600000);
  if (!timeout) return 1;
  o.timeout_ms = static_cast<long>(*timeout);
  auto r = m2dmrt::RunRegInitiator(*id, o);
  if (!r) return Fail("m2dmrt-register: " + std::string(WireName(r.code())) + ": " + r.error().detail);
  return Publish(a, *r);
}

VERITY_COMMAND("m2dmrt-agent", "serve the M2DMRT registration exchange as the responding provider",
               "  --host HOST --cert TLS_CERT.pem --key TLS_KEY.pem --listen ADDR:PORT\n"
               "  [--peer-ca FILE] (trust anchors for peers' client certificates; default: system)\n"
               "  [--allow PEER_HOST]... [--once] [--out DIR] [--days 90] [--ttl 300] [--alg ALG]\n"
               "  [--port-file FILE] [--max-connections N] [--idle-timeout-ms 600000]",
               {"once"}, Agent);
VERITY_COMMAND("m2dmrt-register", "run the M2DMRT registration exchange with a peer provider's agent",
               "  --host HOST --cert TLS_CERT.pem --key TLS_KEY.pem --peer PEER_HOST --peer-url URL\n"
               "  [--ca PEER_CA.pem] [--out DIR] [--days 90] [--ttl 300] [--alg ALG] [--timeout-ms 5000]",
               {}, Register);

}  // namespace
}  // namespace verity::cli
