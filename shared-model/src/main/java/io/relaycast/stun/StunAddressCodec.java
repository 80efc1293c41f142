package io.relaycast.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * (XOR-)MAPPED-ADDRESS values (RFC 8489 §14.1, §14.2): a reserved byte, the family
 * (0x01 IPv4, 0x02 IPv6), the port and the address. The XOR form obscures port and address
 * with the magic cookie (and, for IPv6, the transaction ID) so that NATs rewriting addresses
 * in payloads cannot corrupt it.
 */
final class StunAddressCodec {
    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;

    private StunAddressCodec() {
    }

    static InetSocketAddress decode(byte[] buf, int off, int len, byte[] header, boolean xor) throws StunException {
        if (len < 4) {
            throw new StunException("address attribute shorter than 4 bytes");
        }
        // RFC 8489 §14.1: the first byte is reserved and ignored on receipt.
        int family = buf[off + 1] & 0xFF;
        int addressLength;
        if (family == FAMILY_IPV4) {
            addressLength = 4;
        } else if (family == FAMILY_IPV6) {
            addressLength = 16;
        } else {
            throw new StunException("unknown address family " + family);
        }
        if (len != 4 + addressLength) {
            throw new StunException("address attribute length " + len + " for family " + family);
        }
        int port = ((buf[off + 2] & 0xFF) << 8) | (buf[off + 3] & 0xFF);
        byte[] address = new byte[addressLength];
        System.arraycopy(buf, off + 4, address, 0, addressLength);
        if (xor) {
            // RFC 8489 §14.2: X-Port is XORed with the top 16 bits of the cookie, X-Address
            // with the cookie (IPv4) or the cookie followed by the transaction ID (IPv6);
            // header bytes 4..19 are exactly that sequence.
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
            for (int i = 0; i < addressLength; i++) {
                address[i] ^= header[4 + i];
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            // getByAddress only throws for lengths other than 4 and 16, excluded above.
            throw new StunException("bad address length");
        }
    }

    /** Value length for {@code address}: 8 for IPv4, 20 for IPv6. */
    static int valueLength(InetSocketAddress address) {
        return 4 + rawAddress(address).length;
    }

    static void encode(InetSocketAddress address, byte[] header, boolean xor, byte[] out, int off) {
        byte[] raw = rawAddress(address);
        int port = address.getPort();
        if (xor) {
            port ^= StunMessage.MAGIC_COOKIE >>> 16;
        }
        out[off] = 0;
        out[off + 1] = (byte) (raw.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        out[off + 2] = (byte) (port >>> 8);
        out[off + 3] = (byte) port;
        for (int i = 0; i < raw.length; i++) {
            out[off + 4 + i] = (byte) (xor ? raw[i] ^ header[4 + i] : raw[i]);
        }
    }

    private static byte[] rawAddress(InetSocketAddress address) {
        InetAddress inet = address.getAddress();
        if (inet == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        return inet.getAddress();
    }
}
