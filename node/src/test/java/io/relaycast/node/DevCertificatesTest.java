package io.relaycast.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throwaway PKI writes private keys for their owner's eyes only (issue 15). */
class DevCertificatesTest {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    @Test
    void keyFilesAreOwnerOnlyAndCertificatesArePlainFiles(@TempDir Path dir) throws Exception {
        DevCertificates pki = new DevCertificates("test CA", 1);
        Path ca = pki.writeCa(dir);
        Path[] issued = pki.issue(dir, "node-1", "127.0.0.1");
        assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(issued[1]), issued[1].toString());
        assertTrue(Files.readString(issued[1]).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(issued[0]).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(Files.readString(ca).startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void aWorldReadableKeyFileLeftFromBeforeIsReplacedByAnOwnerOnlyOne(@TempDir Path dir) throws Exception {
        Path old = dir.resolve("node-1-key.pem");
        Files.writeString(old, "old key");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Path[] issued = new DevCertificates("test CA", 1).issue(dir, "node-1", "127.0.0.1");
        assertEquals(old, issued[1]);
        assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(old));
        assertTrue(Files.readString(old).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
}
