package io.relaycast.bench;

import io.relaycast.rtp.RtpWriter;
import io.relaycast.srtp.SrtpContext;
import io.relaycast.srtp.SrtpProfile;
import java.lang.management.ManagementFactory;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP protect cost as thread CPU time and allocated bytes per packet (1200-byte payload), for
 * Relaycast's {@link SrtpContext} and for plain JCA doing the same work (a fresh init per packet:
 * AES/CTR + HmacSHA1, or AES/GCM), in interleaved rounds. {@link SrtpBenchmark} (JMH) measures
 * wall time, which on a machine shared by many processes mostly measures the others; CPU time
 * per operation does not. First 10 of 30 rounds are warm-up.
 *
 * <p>Run: {@code java --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED -cp
 * load-tests/target/relaycast-benchmarks.jar io.relaycast.bench.SrtpCpuTime} (the opening is
 * what the node's jar manifest gives it; add {@code -Drelaycast.srtp.gcm=jca} for the AES-GCM the
 * node falls back to without it). The first line says which AES-GCM ran.
 */
public final class SrtpCpuTime {
    private SrtpCpuTime() {
    }

    public static void main(String[] a) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println("AES-GCM: " + SrtpContext.aesGcmImplementation());
        for (SrtpProfile profile : new SrtpProfile[]{SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM}) {
            Random random = new Random(1);
            byte[] key = new byte[profile.keyLength()], salt = new byte[profile.saltLength()];
            random.nextBytes(key); random.nextBytes(salt);
            SrtpContext ctx = new SrtpContext(profile, key, salt);
            byte[] payload = new byte[1200]; random.nextBytes(payload);
            RtpWriter w = new RtpWriter().payloadType(96).sequenceNumber(0).timestamp(90_000).ssrc(0x5eed)
                    .addAbsSendTime(2, 0x123456).addTransportSequenceNumber(3, 1).addExtension(4, new byte[]{'1'}, 0, 1);
            byte[] packet = new byte[w.length(1200) + 16];
            int plain = w.writeTo(packet, 0, payload, 0, 1200);
            int hdr = plain - 1200;
            SecretKeySpec k = new SecretKeySpec(key, "AES");
            Cipher c = Cipher.getInstance(profile.isAead() ? "AES/GCM/NoPadding" : "AES/CTR/NoPadding");
            Mac mac = Mac.getInstance("HmacSHA1"); mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] iv = new byte[16], tag = new byte[20];
            int seq = 0; long fseq = 0;
            long[] ours = new long[2], floor = new long[2]; // cpu ns, bytes
            int n = 20000;
            for (int round = 0; round < 30; round++) {
                long t0 = mx.getCurrentThreadCpuTime(), b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < n; i++) {
                    int s = seq++ & 0xffff; packet[2] = (byte) (s >>> 8); packet[3] = (byte) s;
                    ctx.protectRtp(packet, 0, plain);
                }
                long t1 = mx.getCurrentThreadCpuTime(), b1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < n; i++) {
                    long s = fseq++; iv[9] = (byte) (s >>> 16); iv[10] = (byte) (s >>> 8); iv[11] = (byte) s;
                    if (profile.isAead()) {
                        c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv, 0, 12));
                        c.updateAAD(packet, 0, hdr);
                        c.doFinal(packet, hdr, 1200, packet, hdr);
                    } else {
                        c.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(iv));
                        int m = c.doFinal(packet, hdr, 1200, packet, hdr);
                        mac.update(packet, 0, hdr + m); mac.update(iv, 0, 4); mac.doFinal(tag, 0);
                    }
                }
                long t2 = mx.getCurrentThreadCpuTime(), b2 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                if (round >= 10) { ours[0] += t1 - t0; ours[1] += b1 - b0; floor[0] += t2 - t1; floor[1] += b2 - b1; }
            }
            long ops = 20L * n;
            System.out.printf("%s: relaycast %.0f ns/op %.0f B/op; JCA floor %.0f ns/op %.0f B/op; ratio %.2f%n", profile,
                    (double) ours[0] / ops, (double) ours[1] / ops, (double) floor[0] / ops, (double) floor[1] / ops,
                    (double) ours[0] / floor[0]);
        }
    }
}
