package io.relaycast.ice;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IceCredentialsTest {

    @Test
    void generatedCredentialsFollowRfc8839() throws Exception {
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            IceCredentials c = IceCredentials.generate(random);
            assertTrue(c.ufrag().length() >= IceCredentials.MIN_UFRAG_LENGTH);
            assertTrue(c.pwd().length() >= IceCredentials.MIN_PWD_LENGTH);
            assertTrue(c.ufrag().chars().allMatch(ch -> IceCredentials.isIceChar((char) ch)), c.ufrag());
            assertTrue(c.pwd().chars().allMatch(ch -> IceCredentials.isIceChar((char) ch)), c.pwd());
            assertEquals(c, IceCredentials.of(c.ufrag(), c.pwd()));
        }
    }

    @Test
    void generationIsDrivenByTheRandomArgument() {
        assertEquals(IceCredentials.generate(new Random(5)), IceCredentials.generate(new Random(5)));
        assertNotEquals(IceCredentials.generate(new Random(5)), IceCredentials.generate(new Random(6)));
    }

    @Test
    void malformedRemoteCredentialsAreRejected() throws Exception {
        String pwd = "abcdefghijklmnopqrstuv"; // 22
        IceCredentials.of("abcd", pwd);
        IceCredentials.of("a+/9", pwd);
        IceCredentials.of("x".repeat(256), "y".repeat(256));
        assertThrows(IceException.class, () -> IceCredentials.of("abc", pwd));
        assertThrows(IceException.class, () -> IceCredentials.of("abcd", pwd.substring(1)));
        assertThrows(IceException.class, () -> IceCredentials.of("x".repeat(257), pwd));
        assertThrows(IceException.class, () -> IceCredentials.of("abcd", "y".repeat(257)));
        assertThrows(IceException.class, () -> IceCredentials.of("ab:d", pwd));
        assertThrows(IceException.class, () -> IceCredentials.of("abcd", pwd.replace('a', '-')));
        assertThrows(IceException.class, () -> IceCredentials.of("ab\u00e9d", pwd));
        assertThrows(IceException.class, () -> IceCredentials.of(null, pwd));
        assertThrows(IceException.class, () -> IceCredentials.of("abcd", null));
    }

    @Test
    void toStringHidesThePassword() {
        IceCredentials c = IceCredentials.generate(new Random(2));
        assertFalse(c.toString().contains(c.pwd()));
        assertTrue(c.toString().contains(c.ufrag()));
    }
}
