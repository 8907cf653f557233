#include "protocol/framing.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace verity::protocol {
namespace {
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kShrinkAbove = 1024 * 1024;
}  // namespace

Result<size_t> FdSource::Read(uint8_t* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno == EINTR) continue;
    return MakeError(ErrorCode::kIo, std::string("read: ") + std::strerror(errno));
  }
}

Status FdSink::Write(const uint8_t* buf, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(fd_, buf + done, n - done);
    if (w > 0) {
      done += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EPIPE) peer_closed_ = true;
    return MakeError(ErrorCode::kIo, std::string("write: ") + (w < 0 ? std::strerror(errno) : "no progress"));
  }
  return OkStatus();
}

Result<size_t> MemorySource::Read(uint8_t* buf, size_t n) {
  size_t k = std::min({n, max_chunk_, data_.size() - pos_});
  if (k) std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Status MemorySink::Write(const uint8_t* buf, size_t n) {
  data_.append(reinterpret_cast<const char*>(buf), n);
  return OkStatus();
}

uint32_t DecodeLength(const uint8_t* p) {
  uint32_t len;
  std::memcpy(&len, p, 4);  // native endian, as the browsers write it
  return len;
}

std::string EncodeFrame(std::string_view payload) {
  auto len = static_cast<uint32_t>(payload.size());
  std::string out(4, '\0');
  std::memcpy(out.data(), &len, 4);
  out.append(payload);
  return out;
}

FrameReader::FrameReader(ByteSource& source, uint32_t max_frame_bytes)
    : source_(source), max_(max_frame_bytes), buf_(kReadChunk) {}

void FrameReader::Compact() {
  if (start_ == 0) return;
  if (end_ > start_) std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
  end_ -= start_;
  start_ = 0;
}

bool FrameReader::Fill(size_t need) {
  while (end_ - start_ < need) {
    if (eof_) return false;
    if (buf_.size() - start_ < need) {
      Compact();
      if (buf_.size() < need) buf_.resize(std::max(need, kReadChunk));
    }
    if (end_ == buf_.size()) Compact();
    auto r = source_.Read(buf_.data() + end_, buf_.size() - end_);
    if (!r) {
      err_ = r.error().detail;
      eof_ = true;
      return false;
    }
    if (*r == 0) {
      eof_ = true;
      return false;
    }
    end_ += *r;
  }
  return true;
}

bool FrameReader::HasBufferedFrame() const {
  if (discard_ > 0) return false;  // the skip may block on the source
  size_t avail = end_ - start_;
  if (avail < 4) return false;
  uint32_t len = DecodeLength(buf_.data() + start_);
  if (len == 0 || len > max_) return true;
  return avail - 4 >= len;
}

FrameEvent FrameReader::Next() {
  FrameEvent ev;
  // Give back memory after an unusually large frame.
  if (buf_.size() > kShrinkAbove && end_ - start_ <= kReadChunk) {
    Compact();
    buf_.resize(kReadChunk);
    buf_.shrink_to_fit();
  }
  // Skip the body of an over-cap frame without ever holding more than one read chunk of it.
  while (discard_ > 0) {
    size_t take = static_cast<size_t>(std::min<uint64_t>(discard_, end_ - start_));
    start_ += take;
    discard_ -= take;
    if (discard_ == 0) break;
    start_ = end_ = 0;
    if (!Fill(1)) {
      ev.status = err_.empty() ? FrameStatus::kTruncated : FrameStatus::kIoError;
      ev.detail = err_.empty() ? "end of stream while discarding an over-cap frame (" +
                                     std::to_string(discard_) + " bytes left)"
                               : err_;
      discard_ = 0;
      return ev;
    }
  }
  if (!Fill(4)) {
    size_t avail = end_ - start_;
    if (!err_.empty()) {
      ev.status = FrameStatus::kIoError;
      ev.detail = err_;
    } else if (avail == 0) {
      ev.status = FrameStatus::kEof;
    } else {
      ev.status = FrameStatus::kTruncated;
      ev.detail = "end of stream after " + std::to_string(avail) + " of 4 length bytes";
    }
    start_ = end_;
    return ev;
  }
  uint32_t len = DecodeLength(buf_.data() + start_);
  start_ += 4;
  ev.declared_length = len;
  if (len == 0) {
    ev.status = FrameStatus::kEmpty;
    return ev;
  }
  if (len > max_) {
    discard_ = len;  // skipped by the next call, after the caller has answered
    ev.status = FrameStatus::kTooLarge;
    ev.detail = "frame of " + std::to_string(len) + " bytes exceeds the cap of " + std::to_string(max_);
    return ev;
  }
  if (!Fill(len)) {
    size_t avail = end_ - start_;
    ev.status = err_.empty() ? FrameStatus::kTruncated : FrameStatus::kIoError;
    ev.detail = err_.empty() ? "end of stream after " + std::to_string(avail) + " of " + std::to_string(len) +
                                   " body bytes"
                             : err_;
    start_ = end_;
    return ev;
  }
  ev.status = FrameStatus::kFrame;
  ev.payload = std::string_view(reinterpret_cast<const char*>(buf_.data() + start_), len);
  start_ += len;
  return ev;
}

Status FrameWriter::Write(std::string_view payload) {
  if (payload.size() >= kMaxOutboundBytes) {
    return MakeError(ErrorCode::kProtocolReplyTooLarge,
                     "reply of " + std::to_string(payload.size()) + " bytes is not below 1 MiB");
  }
  auto len = static_cast<uint32_t>(payload.size());
  char hdr[4];
  std::memcpy(hdr, &len, 4);
  buf_.append(hdr, 4);
  buf_.append(payload);
  if (buf_.size() >= threshold_) return Flush();
  return OkStatus();
}

Status FrameWriter::Flush() {
  if (buf_.empty()) return OkStatus();
  if (before_flush_) before_flush_();
  auto st = sink_.Write(reinterpret_cast<const uint8_t*>(buf_.data()), buf_.size());
  buf_.clear();
  if (buf_.capacity() > kShrinkAbove) buf_.shrink_to_fit();
  return st;
}

}  // namespace verity::protocol
