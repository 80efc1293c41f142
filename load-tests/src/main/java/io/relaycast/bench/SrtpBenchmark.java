package io.relaycast.bench;

import io.relaycast.rtp.RtpWriter;
import io.relaycast.srtp.SrtpContext;
import io.relaycast.srtp.SrtpException;
import io.relaycast.srtp.SrtpProfile;
import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SRTP protect and unprotect of one RTP packet with a 1200-byte payload, per profile.
 *
 * <p>{@link #jcaFloor()} is the same work done the plainest way JCA allows (a fresh
 * {@code Cipher.init} per packet with AES/CTR + HmacSHA1, or AES/GCM), without index tracking or
 * replay checks: the floor {@link #protect()} is compared with.
 *
 * <p>Run: {@code java -jar load-tests/target/relaycast-benchmarks.jar SrtpBenchmark -prof gc}
 * ({@code gc.alloc.rate.norm} is the garbage per packet).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
// The forked JVM does not read the jar's manifest: open the JDK's GHASH kernel to it as the
// node's manifest does (io.relaycast.srtp.Ghash).
@Fork(jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED")
public class SrtpBenchmark {
    private static final int SSRC = 0x5eed5eed;
    private static final int PAYLOAD = 1200;

    @Param({"AES128_CM_HMAC_SHA1_80", "AEAD_AES_128_GCM"})
    public SrtpProfile profile;

    private SrtpContext sender;
    private SrtpContext receiver;
    private SrtpContext steadyReceiver;
    private byte[] packet;
    private int plainLength;
    private int seq;

    private byte[] protectedPristine;
    private byte[] work;
    private int protectedLength;

    private Cipher floorCipher;
    private Mac floorMac;
    private SecretKeySpec floorKey;
    private final byte[] floorIv = new byte[16];
    private final byte[] floorTag = new byte[20];
    private int headerLength;

    @Setup
    public void setUp() throws SrtpException {
        Random random = new Random(1);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        sender = new SrtpContext(profile, key, salt);
        receiver = new SrtpContext(profile, key, salt);
        steadyReceiver = new SrtpContext(profile, key, salt);

        byte[] payload = new byte[PAYLOAD];
        random.nextBytes(payload);
        // A typical browser video packet: abs-send-time, transport-cc and mid extensions.
        RtpWriter w = new RtpWriter().payloadType(96).sequenceNumber(0).timestamp(90_000).ssrc(SSRC)
                .addAbsSendTime(2, 0x123456).addTransportSequenceNumber(3, 1)
                .addExtension(4, new byte[]{'1'}, 0, 1);
        packet = new byte[w.length(PAYLOAD) + profile.rtpTagLength()];
        plainLength = w.writeTo(packet, 0, payload, 0, PAYLOAD);

        // One packet protected once, kept pristine for the unprotect benchmark.
        protectedPristine = packet.clone();
        protectedLength = new SrtpContext(profile, key, salt).protectRtp(protectedPristine, 0, plainLength);
        work = new byte[protectedPristine.length];

        headerLength = plainLength - PAYLOAD;
        floorKey = new SecretKeySpec(key, "AES");
        try {
            if (profile.isAead()) {
                floorCipher = Cipher.getInstance("AES/GCM/NoPadding");
            } else {
                floorCipher = Cipher.getInstance("AES/CTR/NoPadding");
                floorMac = Mac.getInstance("HmacSHA1");
                floorMac.init(new SecretKeySpec(salt, "HmacSHA1"));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Plain JCA doing what {@link #protect()} does for one packet: a new IV (the sequence number
     * moves, GCM refuses a repeated one), {@code init}, encrypt the payload in place, and for
     * AES-CM an HMAC-SHA1 over header, payload and a 4-byte ROC.
     */
    @Benchmark
    public int jcaFloor() throws GeneralSecurityException {
        int s = seq++;
        floorIv[10] = (byte) (s >>> 8);
        floorIv[11] = (byte) s;
        floorIv[9] = (byte) (s >>> 16);
        if (profile.isAead()) {
            floorCipher.init(Cipher.ENCRYPT_MODE, floorKey, new GCMParameterSpec(128, floorIv, 0, 12));
            floorCipher.updateAAD(packet, 0, headerLength);
            return headerLength + floorCipher.doFinal(packet, headerLength, PAYLOAD, packet, headerLength);
        }
        floorCipher.init(Cipher.ENCRYPT_MODE, floorKey, new IvParameterSpec(floorIv));
        int n = floorCipher.doFinal(packet, headerLength, PAYLOAD, packet, headerLength);
        floorMac.update(packet, 0, headerLength + n);
        floorMac.update(floorIv, 0, 4);
        floorMac.doFinal(floorTag, 0);
        System.arraycopy(floorTag, 0, packet, headerLength + n, 10);
        return headerLength + n + 10;
    }

    /**
     * Each call protects a new sequence number, as a sender does; the context refuses to reuse
     * an index, so the number must move. The buffer is not restored: encrypting the previous
     * ciphertext costs the same as encrypting plaintext, and the tag lands past
     * {@code plainLength}, outside what is protected next time.
     */
    @Benchmark
    public int protect() throws SrtpException {
        int s = seq++ & 0xffff;
        packet[2] = (byte) (s >>> 8);
        packet[3] = (byte) s;
        return sender.protectRtp(packet, 0, plainLength);
    }

    /**
     * Unprotects the same valid packet every call. Replaying it would only measure the replay
     * rejection, so the receiver's state for the SSRC is dropped after each call: every call
     * then meets a fresh replay window and runs the full authenticate-and-decrypt path (plus
     * the small cost of looking the SSRC up, missing and creating its state). Decryption is in
     * place, so the protected bytes are first copied back from a pristine copy; that copy is
     * measured on its own by {@link #copyBaseline()}.
     */
    @Benchmark
    public int unprotect() throws SrtpException {
        System.arraycopy(protectedPristine, 0, work, 0, protectedLength);
        int len = receiver.unprotectRtp(work, 0, protectedLength);
        receiver.removeSsrc(SSRC);
        return len;
    }

    /**
     * A sender and a receiver in steady state: each call protects the next sequence number and
     * unprotects it at once, so the receiver's window only ever moves forward and no state is
     * created. Subtracting {@link #protect()} gives the steady-state unprotect cost.
     */
    @Benchmark
    public int protectThenUnprotect() throws SrtpException {
        int s = seq++ & 0xffff;
        packet[2] = (byte) (s >>> 8);
        packet[3] = (byte) s;
        int len = sender.protectRtp(packet, 0, plainLength);
        return steadyReceiver.unprotectRtp(packet, 0, len);
    }

    /** The packet copy {@link #unprotect()} includes, to subtract from its figure. */
    @Benchmark
    public byte[] copyBaseline() {
        System.arraycopy(protectedPristine, 0, work, 0, protectedLength);
        return work;
    }
}
