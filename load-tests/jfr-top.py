#!/usr/bin/env python3
"""Where a node spends CPU, from a JFR recording's execution samples.

    jfr print --stack-depth 64 --events jdk.ExecutionSample rec.jfr | load-tests/jfr-top.py [thread-substring] [--skip S] [--last S]

Prints (1) self time: the top frame of each sample, (2) inclusive time: every method on the stack
counted once per sample, (3) coarse buckets by the first matching frame from the top of the stack
(SRTP crypto, UDP send/receive, Netty/Vert.x, RTP parsing, metrics, ...). Samples of the JFR
recorder's own threads are left out; an optional argument keeps only threads whose name contains it;
--skip S drops the first S seconds of samples (start-up, call setup), --last S keeps the last S seconds.
Also prints inclusive shares of the per-packet cost candidates (GCM re-keying, Netty send path, ...).
"""
import collections
import re
import sys

args = sys.argv[1:]


def option(name):
    if name not in args:
        return None
    i = args.index(name)
    v = float(args[i + 1])
    del args[i:i + 2]
    return v


last = option("--last")
skip = option("--skip")
only = args[0] if args else None
samples = []  # (thread, [frames top first], seconds of day)
thread, frames, in_stack, when = None, [], False, 0.0
for line in sys.stdin:
    s = line.strip()
    if s.startswith("startTime ="):
        h, m, sec = s.split("=", 1)[1].strip().split(":")
        when = int(h) * 3600 + int(m) * 60 + float(sec)
    elif s.startswith("sampledThread ="):
        thread = s.split("=", 1)[1].strip().strip('"').split('"')[0]
    elif s.startswith("stackTrace = ["):
        in_stack, frames = True, []
    elif in_stack and s.startswith("]"):
        in_stack = False
        samples.append((thread, frames, when))
    elif in_stack and s and s != "...":
        frames.append(re.sub(r"\s+line:.*$", "", s))
if skip is not None and samples:
    begin = min(w for _, _, w in samples)
    samples = [x for x in samples if x[2] >= begin + skip]
if last is not None and samples:
    end = max(w for _, _, w in samples)
    samples = [x for x in samples if x[2] >= end - last]
samples = [(t, f) for t, f, _ in samples if f and (only is None or (t and only in t))
           and not (t or "").startswith("JFR")]
n = len(samples)
if n == 0:
    print("no samples")
    sys.exit(0)


def short(frame):
    return re.sub(r"\(.*\)", "()", frame)


self_t = collections.Counter(short(f[0]) for _, f in samples)
incl = collections.Counter()
for _, f in samples:
    for fr in set(short(x) for x in f):
        incl[fr] += 1
threads = collections.Counter(t for t, _ in samples)

# Buckets, checked in order against each frame from the top of the stack.
BUCKETS = [
    ("SRTP/AES-GCM crypto (JCA)", r"com\.sun\.crypto|javax\.crypto|sun\.security\.|io\.relaycast\.srtp"),
    ("DTLS/BouncyCastle", r"org\.bouncycastle|io\.relaycast\.dtls"),
    ("Micrometer / metrics", r"io\.micrometer|Metrics|metrics"),
    ("RTP/RTCP parse+rewrite", r"io\.relaycast\.rtp|io\.relaycast\.rtcp"),
    ("ICE/STUN", r"io\.relaycast\.ice|io\.relaycast\.stun"),
    ("UDP syscalls (send/recv)", r"sun\.nio\.ch\.|DatagramChannel|Native\.send|Native\.recv|epoll|io\.netty\.channel\.unix|sendmsg|recvmsg|sendTo|recvFrom"),
    ("Netty/Vert.x event loop + buffers", r"io\.netty|io\.vertx"),
    ("Hazelcast", r"com\.hazelcast"),
    ("node forwarding logic", r"io\.relaycast\.node|io\.relaycast\.webrtc"),
    ("JDK collections/other", r"java\.|jdk\."),
]
bucket = collections.Counter()
for _, f in samples:
    # JDK frames (collections, copies) count for the first non-JDK frame below them.
    names = [next((b for b, rx in BUCKETS if re.search(rx, fr)), None) for fr in f]
    pick = next((x for x in names if x and x != "JDK collections/other"), None) or next((x for x in names if x), "other")
    bucket[pick] += 1

print(f"{n} samples; threads: " + ", ".join(f"{t} {100*c/n:.0f}%" for t, c in threads.most_common(6)))
print("\n-- self (top frame)")
for fr, c in self_t.most_common(25):
    print(f"{100*c/n:5.1f}%  {fr}")
print("\n-- inclusive (on the stack)")
for fr, c in incl.most_common(40):
    print(f"{100*c/n:5.1f}%  {fr}")
print("\n-- buckets (first matching non-JDK frame from the top)")
for b, c in bucket.most_common():
    print(f"{100*c/n:5.1f}%  {b}")

CANDIDATES = [
    ("RTP forward path (DownTrack.forward)", r"DownTrack\.forward"),
    ("SRTP protect, all", r"SrtpContext\.protectRtp"),
    ("  GCM Cipher.init per packet (re-key + IV)", r"GaloisCounterMode\.(init|engineInit)|Cipher\.init|AESCrypt\.init|checkInit"),
    ("  GCM encrypt/GHASH", r"GaloisCounterMode\.engineDoFinal|GHASH|GCTR"),
    ("SRTP unprotect, all", r"SrtpContext\.unprotect"),
    ("UDP send via Netty (UdpChannel.send)", r"UdpChannel\.send"),
    ("Netty buffer alloc/refcount", r"AdaptivePoolingAllocator|ReferenceCountUtil|RefCnt|ByteBufAllocator"),
    ("io.relaycast.rtp header parse/rewrite", r"io\.relaycast\.rtp\."),
    ("Micrometer/Prometheus (mostly /metrics scrapes)", r"io\.micrometer|io\.prometheus"),
    ("signaling/SDP (Room.handle)", r"Room\.handle"),
]
print("\n-- per-packet cost candidates (inclusive)")
for label, rx in CANDIDATES:
    c = sum(1 for _, f in samples if any(re.search(rx, x) for x in f))
    print(f"{100*c/n:5.1f}%  {label}")
