package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import io.relaycast.testing.HostileInputs;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;

class DtlsFingerprintTest {

    static final String[] BROWSER_SDPS = {
        "sdp/chrome-120-offer-audio-video.sdp", "sdp/chrome-offer-simulcast-av.sdp",
        "sdp/chrome-offer-simulcast-4m-candidates.sdp", "sdp/firefox-offer-audio-video.sdp",
        "sdp/firefox-48-offer-audio-video-candidates.sdp", "sdp/firefox-60-offer-simulcast.sdp",
    };

    /** The a=fingerprint values of the real browser offers in the test vectors. */
    static List<String> browserFingerprints() {
        List<String> values = new ArrayList<>();
        for (String file : BROWSER_SDPS) {
            for (String line : TestVectors.text(file).split("\r?\n")) {
                if (line.startsWith("a=fingerprint:")) {
                    values.add(line.substring("a=fingerprint:".length()));
                }
            }
        }
        return values;
    }

    @Test
    void browserFingerprintsParseAndPrintBackUnchanged() throws Exception {
        List<String> values = browserFingerprints();
        assertTrue(values.size() >= 6, values.toString());
        for (String value : values) {
            DtlsFingerprint parsed = DtlsFingerprint.parse(value);
            assertEquals("sha-256", parsed.algorithm());
            assertEquals(32, parsed.bytes().length);
            assertEquals(value, parsed.toSdpValue());
            assertEquals(parsed, DtlsFingerprint.parse(parsed.toSdpValue()));
        }
    }

    @Test
    void rfc8122ExampleParses() throws Exception {
        // RFC 8122 §5 example (a SHA-1 fingerprint, hash name in upper case).
        DtlsFingerprint f = DtlsFingerprint.parse("SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
        assertEquals("sha-1", f.algorithm());
        assertArrayEquals(TestVectors.hex("4aadb9b13f82183b540212df3e5d496b19e57cab"), f.bytes());
        assertEquals("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", f.toSdpValue());
    }

    @Test
    void lowerCaseHexAndSurroundingSpaceAreAccepted() throws Exception {
        DtlsFingerprint upper = DtlsFingerprint.parse("sha-256 " + "AB:".repeat(31) + "CD");
        DtlsFingerprint lower = DtlsFingerprint.parse("  sha-256   " + "ab:".repeat(31) + "cd \r\n");
        assertEquals(upper, lower);
        assertEquals(upper.hashCode(), lower.hashCode());
    }

    @Test
    void matchesHashesTheCertificateWithItsOwnFunction() throws Exception {
        byte[] der = {1, 2, 3, 4, 5};
        DtlsFingerprint sha256 = DtlsFingerprint.sha256(der);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(der), sha256.bytes());
        assertTrue(sha256.matches(der));
        assertFalse(sha256.matches(new byte[] {1, 2, 3, 4, 6}));
        DtlsFingerprint sha512 = DtlsFingerprint.of("SHA-512", der);
        assertEquals("sha-512", sha512.algorithm());
        assertTrue(sha512.matches(der));
        assertTrue(DtlsFingerprint.parse(sha512.toSdpValue()).matches(der));
        assertNotEquals(sha256, sha512);
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.of("md5", der));
    }

    @Test
    void bytesAreCopies() throws Exception {
        DtlsFingerprint f = DtlsFingerprint.sha256(new byte[] {9});
        byte[] b = f.bytes();
        b[0] ^= 1;
        assertFalse(java.util.Arrays.equals(b, f.bytes()));
    }

    @Test
    void malformedValuesAreRejected() {
        String ok = "sha-256 " + "AB:".repeat(31) + "CD";
        String[] bad = {
            null, "", "   ", "sha-256", "sha-256 ", ok.replace(' ', ':'),
            "md5 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B", // RFC 8122 §5: MD5 not allowed
            "sha-256 " + "AB:".repeat(30) + "CD",                   // 31 bytes
            "sha-256 " + "AB:".repeat(32) + "CD",                   // 33 bytes
            ok + ":",
            ok.substring(0, ok.length() - 1) + "G",
            "sha-256 " + "AB-".repeat(31) + "CD",
            "sha-256 " + "ABC".repeat(31) + "CD",
            "sha-256 " + "+1:".repeat(31) + "CD",
            "sha-256 " + "AB:".repeat(31) + " D",
            "sha-999 " + "AB:".repeat(31) + "CD",
            "sha-256\u00a0" + "AB:".repeat(31) + "CD",
        };
        for (String value : bad) {
            assertThrows(DtlsException.class, () -> DtlsFingerprint.parse(value), String.valueOf(value));
        }
    }

    @Test
    void hostileValuesEndInDtlsException() {
        List<String> corpus = new ArrayList<>(browserFingerprints());
        corpus.add("SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB");
        corpus.add("sha-512 " + "0F:".repeat(63) + "F0");
        HostileInputs.Outcome outcome = HostileInputs.checkText(8122, 100_000, corpus, DtlsException.class,
                DtlsFingerprint::parse);
        assertTrue(outcome.accepted() > 0 && outcome.rejected() > 0, outcome.toString());
    }
}
