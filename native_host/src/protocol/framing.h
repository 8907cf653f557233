// Native-messaging framing (design §3, docs/protocol.md "Framing").
//
// Each message is a 4-byte native-endian unsigned length followed by that many bytes of UTF-8 JSON,
// in both directions. Worked example (x86, little-endian): the message {"id":1} is sent as
//
//   08 00 00 00 7b 22 69 64 22 3a 31 7d
//   \_ len=8 _/ \_______ {"id":1} ______/
//
// Inbound: the length is checked against a cap (default 16 MiB) BEFORE anything is allocated. An
// over-cap frame is reported (kTooLarge) as soon as its length prefix is read, so the error reply can
// go out at once; the next call to Next() first reads and discards the declared bytes (in chunks)
// so that the stream stays in sync. A zero-length frame is reported as kEmpty. EOF exactly between frames is
// kEof (the browser closed the port); EOF inside a header or a body is kTruncated. Outbound: a frame must be
// < 1 MiB (browsers kill the port above it); FrameWriter refuses bigger payloads with
// protocol.reply_too_large. Reads and writes retry on EINTR and partial transfers.
//
// FrameReader buffers reads (one read(2) usually brings several pipelined frames), FrameWriter
// buffers writes until Flush(); the session flushes whenever no complete frame is already buffered,
// so a request is never left waiting for its reply.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::protocol {

inline constexpr uint32_t kDefaultMaxInboundBytes = 16u * 1024 * 1024;
// Outbound frames must be strictly smaller than this (docs/protocol.md: "every reply is < 1 MiB").
inline constexpr uint64_t kMaxOutboundBytes = 1024u * 1024;

// A source of bytes: Read returns the number of bytes read (0 = EOF) or core.io.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<size_t> Read(uint8_t* buf, size_t n) = 0;
};

// A sink of bytes: Write writes all n bytes or fails with core.io.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(const uint8_t* buf, size_t n) = 0;
};

// File descriptor source/sink (stdin/stdout of the host). Retries EINTR; the sink loops on partial
// writes. The descriptor is not owned.
class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  Result<size_t> Read(uint8_t* buf, size_t n) override;

 private:
  int fd_;
};

class FdSink final : public ByteSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  Status Write(const uint8_t* buf, size_t n) override;
  // True once a write failed with EPIPE (the browser closed the port): a normal way to end.
  bool peer_closed() const { return peer_closed_; }

 private:
  int fd_;
  bool peer_closed_ = false;
};

// In-memory source (tests, fuzzing). max_chunk limits each Read to exercise partial reads.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(ByteView data, size_t max_chunk = SIZE_MAX) : data_(data), max_chunk_(max_chunk) {}
  Result<size_t> Read(uint8_t* buf, size_t n) override;

 private:
  ByteView data_;
  size_t pos_ = 0;
  size_t max_chunk_;
};

class MemorySink final : public ByteSink {
 public:
  Status Write(const uint8_t* buf, size_t n) override;
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

enum class FrameStatus : uint8_t {
  kFrame,      // payload holds one complete message
  kEof,        // clean end of stream between frames
  kTruncated,  // stream ended inside a length prefix or a body
  kTooLarge,   // declared length over the cap; the declared bytes were discarded
  kEmpty,      // zero-length frame
  kIoError,    // read(2) failed
};

struct FrameEvent {
  FrameStatus status = FrameStatus::kEof;
  std::string_view payload;      // kFrame only; valid until the next call to Next()
  uint32_t declared_length = 0;  // kFrame, kTooLarge, kTruncated (body)
  std::string detail;            // human text for kTruncated / kIoError
};

class FrameReader {
 public:
  explicit FrameReader(ByteSource& source, uint32_t max_frame_bytes = kDefaultMaxInboundBytes);
  FrameEvent Next();
  // True if a complete frame (or a header that needs no body: empty/too large) is already buffered,
  // so Next() will not block on the source for it.
  bool HasBufferedFrame() const;

 private:
  // Reads until at least `need` bytes are buffered from start_. False on EOF/error (see eof_/err_).
  bool Fill(size_t need);
  void Compact();

  ByteSource& source_;
  uint32_t max_;
  std::vector<uint8_t> buf_;
  uint64_t discard_ = 0;  // bytes of an over-cap frame still to skip
  size_t start_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::string err_;
};

// Little helper shared by tests and the e2e harness: 4-byte native-endian length + payload.
std::string EncodeFrame(std::string_view payload);
uint32_t DecodeLength(const uint8_t* p);

class FrameWriter {
 public:
  // `before_flush` runs before any queued frame is written: the session commits the verdict log
  // there, so a reply never reaches the browser before its log row is durable (group commit).
  explicit FrameWriter(ByteSink& sink, size_t flush_threshold = 64 * 1024,
                       std::function<void()> before_flush = {})
      : sink_(sink), threshold_(flush_threshold), before_flush_(std::move(before_flush)) {}
  // Queues one frame. protocol.reply_too_large if payload.size() >= kMaxOutboundBytes (nothing is
  // queued). May flush when the buffer passes the threshold.
  Status Write(std::string_view payload);
  Status Flush();
  bool has_pending() const { return !buf_.empty(); }

 private:
  ByteSink& sink_;
  size_t threshold_;
  std::function<void()> before_flush_;
  std::string buf_;
};

}  // namespace verity::protocol
